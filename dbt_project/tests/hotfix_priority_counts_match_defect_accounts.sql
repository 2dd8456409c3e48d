-- a defect's affected, repeat, event, ticket and ARR figures = those of its evidence rows in defect_accounts
with

evidence as (
    select
        defect_id,
        count(*) as affected_accounts,
        sum(case when event_count >= 2 then 1 else 0 end) as repeat_affected_accounts,
        sum(event_count) as event_count,
        sum(ticket_count) as ticket_count,
        sum(escalated_ticket_count) as escalated_ticket_count,
        sum(arr_usd) as affected_arr_usd
    from {{ ref('defect_accounts') }}
    group by defect_id
)

select
    priority.defect_id,
    priority.affected_accounts,
    evidence.affected_accounts as evidence_accounts
from {{ ref('hotfix_priority') }} as priority
left join evidence on priority.defect_id = evidence.defect_id
where priority.affected_accounts <> coalesce(evidence.affected_accounts, 0)
    or priority.repeat_affected_accounts <> coalesce(evidence.repeat_affected_accounts, 0)
    or priority.event_count <> coalesce(evidence.event_count, 0)
    or priority.ticket_count <> coalesce(evidence.ticket_count, 0)
    or priority.escalated_ticket_count <> coalesce(evidence.escalated_ticket_count, 0)
    or priority.affected_arr_usd <> coalesce(evidence.affected_arr_usd, 0)
