-- a defect's days in defect_daily_activity, its signatures in defect_event_samples and its rows in defect_tickets add up to its counts in hotfix_priority
with

days as (
    select
        defect_id,
        sum(event_count) as event_count,
        sum(ticket_count) as ticket_count,
        sum(escalated_ticket_count) as escalated_ticket_count
    from {{ ref('defect_daily_activity') }}
    group by defect_id
),

samples as (
    select defect_id, sum(event_count) as event_count
    from {{ ref('defect_event_samples') }}
    group by defect_id
),

tickets as (
    select
        defect_id,
        count(*) as ticket_count,
        sum(case when is_escalated then 1 else 0 end) as escalated_ticket_count
    from {{ ref('defect_tickets') }}
    group by defect_id
)

select priority.defect_id
from {{ ref('hotfix_priority') }} as priority
left join days on priority.defect_id = days.defect_id
left join samples on priority.defect_id = samples.defect_id
left join tickets on priority.defect_id = tickets.defect_id
where priority.event_count <> coalesce(days.event_count, 0)
    or priority.ticket_count <> coalesce(days.ticket_count, 0)
    or priority.escalated_ticket_count <> coalesce(days.escalated_ticket_count, 0)
    or priority.event_count <> coalesce(samples.event_count, 0)
    or priority.ticket_count <> coalesce(tickets.ticket_count, 0)
    or priority.escalated_ticket_count <> coalesce(tickets.escalated_ticket_count, 0)
