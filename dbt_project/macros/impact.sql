{#- One row per defect and affected account: the evidence behind every count. -#}
{% macro defect_account_evidence(matched_events, matched_tickets) -%}
with

event_evidence as (
    select
        defect_id,
        account_id,
        count(*) as event_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from {{ matched_events }}
    group by defect_id, account_id
),

ticket_evidence as (
    select
        defect_id,
        account_id,
        count(*) as ticket_count,
        sum(case when is_escalated then 1 else 0 end) as escalated_ticket_count,
        min(created_at) as first_ticket_at,
        max(created_at) as last_ticket_at
    from {{ matched_tickets }}
    group by defect_id, account_id
),

accounts as (
    select * from {{ ref('int_accounts_as_of') }}
),

evidence as (
    select
        coalesce(event_evidence.defect_id, ticket_evidence.defect_id) as defect_id,
        coalesce(event_evidence.account_id, ticket_evidence.account_id) as account_id,
        coalesce(event_evidence.event_count, 0) as event_count,
        coalesce(ticket_evidence.ticket_count, 0) as ticket_count,
        coalesce(ticket_evidence.escalated_ticket_count, 0) as escalated_ticket_count,
        {{ earliest('event_evidence.first_event_at', 'ticket_evidence.first_ticket_at') }} as first_seen_at,
        {{ latest('event_evidence.last_event_at', 'ticket_evidence.last_ticket_at') }} as last_seen_at
    from event_evidence
    full outer join ticket_evidence
        on event_evidence.defect_id = ticket_evidence.defect_id
        and event_evidence.account_id = ticket_evidence.account_id
),

final as (
    select
        evidence.defect_id,
        evidence.account_id,
        accounts.account_name,
        coalesce(accounts.plan_tier, 'unknown') as plan_tier,
        coalesce(accounts.arr_usd, 0) as arr_usd,
        coalesce(accounts.is_strategic, false) as is_strategic,
        evidence.event_count,
        evidence.ticket_count,
        evidence.escalated_ticket_count,
        evidence.first_seen_at,
        evidence.last_seen_at
    from evidence
    left join accounts on evidence.account_id = accounts.account_id
)

select * from final
{%- endmacro %}

{#- The earlier / later of two timestamps, either of which may be null. -#}
{% macro earliest(a, b) -%}
    case when {{ b }} is null or {{ a }} <= {{ b }} then coalesce({{ a }}, {{ b }}) else {{ b }} end
{%- endmacro %}

{% macro latest(a, b) -%}
    case when {{ b }} is null or {{ a }} >= {{ b }} then coalesce({{ a }}, {{ b }}) else {{ b }} end
{%- endmacro %}

{#- Every column of hotfix_priority but the rank, for the defects in `definitions`. -#}
{% macro defect_impact(definitions, matched_events, matched_tickets, evidence, events) -%}
{%- set recent_start = dbt.dateadd('day', -var('window_recent_days'), as_of()) -%}
{%- set baseline_start = dbt.dateadd('day', -(var('window_recent_days') + var('window_baseline_days')), as_of()) -%}
with

definitions as (
    select * from {{ definitions }}
),

evidence as (
    select * from {{ evidence }}
),

population as (
    select
        sum(case when is_active then 1 else 0 end) as active_accounts,
        sum(case when is_active then arr_usd else 0 end) as total_arr_usd
    from {{ ref('int_accounts_as_of') }}
),

reach as (
    select
        defect_id,
        count(*) as affected_accounts,
        sum(case when event_count >= 2 then 1 else 0 end) as repeat_affected_accounts,
        sum(arr_usd) as affected_arr_usd,
        sum(case when plan_tier = 'enterprise' then 1 else 0 end) as enterprise_accounts,
        sum(case when is_strategic then 1 else 0 end) as strategic_accounts,
        sum(ticket_count) as ticket_count,
        sum(escalated_ticket_count) as escalated_ticket_count,
        sum(event_count) as event_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from evidence
    group by defect_id
),

signals as (
    select defect_id, occurred_at as signal_at from {{ matched_events }}
    union all
    select defect_id, created_at as signal_at from {{ matched_tickets }}
),

activity as (
    select
        defect_id,
        sum(case when signal_at > {{ recent_start }} then 1 else 0 end) as recent_signals,
        sum(
            case when signal_at > {{ baseline_start }} and signal_at <= {{ recent_start }} then 1 else 0 end
        ) as baseline_signals
    from signals
    group by defect_id
),

onsets as (
    {{ defect_onsets('definitions', matched_events) }}
),

attribution as (
    {{ deploy_attribution('onsets', events) }}
),

measured as (
    select
        definitions.defect_id,
        definitions.title,
        definitions.source,
        definitions.category,
        coalesce(reach.affected_accounts, 0) as affected_accounts,
        coalesce(reach.repeat_affected_accounts, 0) as repeat_affected_accounts,
        coalesce(reach.affected_arr_usd, 0) as affected_arr_usd,
        coalesce(reach.enterprise_accounts, 0) as enterprise_accounts,
        coalesce(reach.strategic_accounts, 0) as strategic_accounts,
        coalesce(reach.ticket_count, 0) as ticket_count,
        coalesce(reach.escalated_ticket_count, 0) as escalated_ticket_count,
        coalesce(reach.event_count, 0) as event_count,
        reach.first_seen_at,
        reach.last_seen_at,
        case
            when coalesce(activity.recent_signals, 0) = 0 then 'stopped'
            when reach.first_seen_at > {{ recent_start }} then 'new'
            when activity.recent_signals * {{ var('window_baseline_days') }}
                > {{ var('window_rising_ratio') }} * activity.baseline_signals * {{ var('window_recent_days') }}
                then 'rising'
            when activity.recent_signals * {{ var('window_baseline_days') }}
                < {{ var('window_falling_ratio') }} * activity.baseline_signals * {{ var('window_recent_days') }}
                then 'falling'
            else 'steady'
        end as trend,
        attribution.suspected_deploy_id,
        attribution.suspected_version,
        population.active_accounts,
        population.total_arr_usd
    from definitions
    cross join population
    left join reach on definitions.defect_id = reach.defect_id
    left join activity on definitions.defect_id = activity.defect_id
    left join attribution on definitions.defect_id = attribution.subject_id
),

scored as (
    {{ severity('measured') }}
),

final as (
    select
        defect_id,
        title,
        source,
        severity_score,
        severity_level,
        affected_accounts,
        repeat_affected_accounts,
        affected_arr_usd,
        enterprise_accounts,
        strategic_accounts,
        ticket_count,
        escalated_ticket_count,
        event_count,
        first_seen_at,
        last_seen_at,
        trend,
        suspected_deploy_id,
        suspected_version,
        score_components,
        category,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from scored
)

select * from final
{%- endmacro %}
