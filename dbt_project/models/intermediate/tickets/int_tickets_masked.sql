-- Every ticket up to as_of with its text masked (e-mail signature dropped, ids and numbers
-- as <*>) and its terms: the input of ticket clusters and of triage.
with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
    where created_at <= {{ as_of() }}
),

masked as (
    select
        ticket_id,
        account_id,
        created_at,
        status,
        priority,
        channel,
        tags,
        is_escalated,
        classification,
        linked_defect_id,
        subject,
        coalesce(status, 'new') not in ('solved', 'closed') as is_open,
        -- the tickets triage looks at: not yet solved, or created in the last triage_days
        coalesce(status, 'new') not in ('solved', 'closed')
        or created_at > {{ dbt.dateadd('day', -var('tickets_triage_days'), as_of()) }}
            as is_triaged,
        {{ ticket_text('subject', 'description') }} as masked_text
    from tickets
),

final as (
    select
        *,
        {{ text_terms('masked_text') }} as terms
    from masked
)

select * from final
