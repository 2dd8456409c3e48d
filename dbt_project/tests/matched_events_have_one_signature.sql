-- every matched event belongs to exactly one signature
select matched.event_key, count(distinct signed.signature_id) as signature_count
from {{ ref('int_error_events_matched_to_defects') }} as matched
left join {{ ref('int_error_events_signed') }} as signed on matched.event_key = signed.event_key
group by matched.event_key
having count(distinct signed.signature_id) <> 1
    or count(signed.event_key) <> count(*)
