-- Every ticket up to as_of with its masked text and terms (int_ticket_texts_masked): the input
-- of ticket clusters and of triage.
with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
    where created_at <= {{ as_of() }}
),

final as (
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        tickets.status,
        tickets.priority,
        tickets.channel,
        tickets.tags,
        tickets.is_escalated,
        tickets.classification,
        tickets.linked_defect_id,
        tickets.subject,
        coalesce(tickets.status, 'new') not in ('solved', 'closed') as is_open,
        -- the tickets triage looks at: not yet solved, or created in the last triage_days
        coalesce(tickets.status, 'new') not in ('solved', 'closed')
        or tickets.created_at > {{ dbt.dateadd('day', -var('tickets_triage_days'), as_of()) }}
            as is_triaged,
        texts.masked_text,
        texts.terms
    from tickets
    inner join {{ ref('int_ticket_texts_masked') }} as texts
        on {{ ticket_text_id('tickets.subject', 'tickets.description') }} = texts.text_id
)

select * from final
