-- Known defects' matched events up to as_of. A view over the incremental
-- int_loaded_error_events_matched_to_known_defects: it follows the as_of of the build that reads it.
select
    defect_id,
    event_key,
    account_id,
    service,
    occurred_at,
    signature_id
from {{ ref('int_loaded_error_events_matched_to_known_defects') }}
where occurred_at <= {{ as_of() }}
