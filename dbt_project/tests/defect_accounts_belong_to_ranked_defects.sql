-- every evidence row belongs to a defect that hotfix_priority ranks, and counts at least one event or ticket
select evidence.defect_id, evidence.account_id
from {{ ref('defect_accounts') }} as evidence
left join {{ ref('hotfix_priority') }} as priority on evidence.defect_id = priority.defect_id
where priority.defect_id is null
    or evidence.event_count + evidence.ticket_count = 0
