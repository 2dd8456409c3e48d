-- repeat-affected, enterprise and strategic accounts never exceed affected accounts, nor escalated tickets tickets
select defect_id
from {{ ref('hotfix_priority') }}
where repeat_affected_accounts > affected_accounts
    or enterprise_accounts > affected_accounts
    or strategic_accounts > affected_accounts
    or escalated_ticket_count > ticket_count
    or (affected_accounts > 0) <> (first_seen_at is not null)
