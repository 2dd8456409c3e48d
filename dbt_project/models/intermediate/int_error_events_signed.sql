-- Every event up to as_of with its template (variable parts masked) and signature. A view over
-- the incremental int_loaded_error_events_signed: it follows the as_of of the build that reads it.
select *
from {{ ref('int_loaded_error_events_signed') }}
where occurred_at <= {{ as_of() }}
