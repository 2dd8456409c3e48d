-- Known defects' matched events up to as_of. A view over the incremental
-- int_loaded_error_events_matched_to_known_defects: it follows the as_of of the build that reads it.
select
    matched.defect_id,
    {{ matched_event_columns('matched') }},
    matched.signature_id
from {{ ref('int_loaded_error_events_matched_to_known_defects') }} as matched
where matched.occurred_at <= {{ as_of() }}
