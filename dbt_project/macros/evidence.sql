{#-
    The detail behind a defect's numbers, for the bug report and the HTML report: activity per
    day, the signatures and endpoints of its events, and its tickets. Written once and used by
    the daily marts and by ad-hoc assessments alike (like `defect_account_evidence`).
-#}

{#- One row per defect and day with a matching event or ticket; the days add up to the
    defect's event_count and ticket_count. -#}
{% macro defect_daily_activity(matched_events, matched_tickets) -%}
with

signals as (
    select
        defect_id,
        account_id,
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as activity_date,
        1 as is_event,
        0 as is_ticket,
        0 as is_escalated_ticket
    from {{ matched_events }}
    union all
    select
        defect_id,
        account_id,
        cast({{ dbt.date_trunc('day', 'created_at') }} as date) as activity_date,
        0 as is_event,
        1 as is_ticket,
        case when is_escalated then 1 else 0 end as is_escalated_ticket
    from {{ matched_tickets }}
),

final as (
    select
        defect_id,
        activity_date,
        cast(sum(is_event) as {{ dbt.type_bigint() }}) as event_count,
        cast(sum(is_ticket) as {{ dbt.type_bigint() }}) as ticket_count,
        cast(sum(is_escalated_ticket) as {{ dbt.type_bigint() }}) as escalated_ticket_count,
        count(distinct account_id) as affected_accounts,
        count(distinct case when is_event = 1 then account_id end) as event_accounts
    from signals
    group by defect_id, activity_date
)

select * from final
{%- endmacro %}

{#- One row per defect, error signature and endpoint of its matched events, with the latest
    event as a raw example (what a developer needs to reproduce it). The template is computed
    here from the raw message, so an assessment at any as_of gets it too. The matched events
    carry the example's columns (matched_event_columns). -#}
{% macro defect_event_samples(matched_events) -%}
with

matched as (
    select
        matched.defect_id,
        {{ matched_event_columns('matched') }},
        {{ mask_message('matched.message') }} as template
    from {{ matched_events }} as matched
),

signed as (
    select
        matched.*,
        {{ signature_id('service', 'error_code', 'template') }} as signature_id
    from matched
),

ranked as (
    select
        signed.*,
        row_number() over (
            partition by defect_id, signature_id, endpoint
            order by occurred_at desc, event_key desc
        ) as recency_rank
    from signed
),

grouped as (
    select
        defect_id,
        signature_id,
        endpoint,
        count(*) as event_count,
        count(distinct account_id) as affected_accounts,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from signed
    group by defect_id, signature_id, endpoint
),

final as (
    select
        grouped.defect_id,
        grouped.signature_id,
        ranked.service,
        ranked.error_code,
        grouped.endpoint,
        ranked.template,
        grouped.event_count,
        grouped.affected_accounts,
        grouped.first_seen_at,
        grouped.last_seen_at,
        ranked.event_id as example_event_id,
        ranked.occurred_at as example_occurred_at,
        ranked.message as example_message,
        ranked.http_status as example_http_status,
        ranked.release as example_release,
        ranked.trace_id as example_trace_id
    from grouped
    inner join ranked
        on grouped.defect_id = ranked.defect_id
        and grouped.signature_id = ranked.signature_id
        and (grouped.endpoint = ranked.endpoint
            or (grouped.endpoint is null and ranked.endpoint is null))
        and ranked.recency_rank = 1
)

select * from final
{%- endmacro %}

{#- One row per defect and matching ticket, with the ticket's text and triage fields. -#}
{% macro defect_ticket_evidence(matched_tickets, tickets) -%}
with

matched as (
    select defect_id, ticket_id from {{ matched_tickets }}
),

tickets as (
    select * from {{ tickets }}
),

final as (
    select
        matched.defect_id,
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        tickets.updated_at,
        tickets.status,
        tickets.priority,
        tickets.channel,
        tickets.classification,
        tickets.is_escalated,
        tickets.linked_defect_id,
        tickets.tags,
        tickets.subject,
        tickets.description
    from matched
    inner join tickets on matched.ticket_id = tickets.ticket_id
)

select * from final
{%- endmacro %}
