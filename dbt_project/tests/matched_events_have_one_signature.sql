-- every matched event belongs to exactly one signature
select defect_id, event_key
from {{ ref('int_error_events_matched_to_defects') }}
group by defect_id, event_key
having count(*) > 1 or count(signature_id) <> count(*)
