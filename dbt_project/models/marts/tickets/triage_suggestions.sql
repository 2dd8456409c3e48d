{#-
    A triage suggestion for every ticket not yet solved or created in the last
    tickets_triage_days: product defect (with the defect), suspected defect (with the
    signature), configuration, or likely user error / question, with its confidence and the
    evidence that decided it (all evidence: triage_evidence). Rules: macros/triage.sql.
-#}
{%- set lookback = var('tickets_triage_lookback_hours') -%}
with

tickets as (
    select * from {{ ref('int_tickets_masked') }}
    where is_triaged
),

evidence as (
    select * from {{ ref('triage_evidence') }}
),

deciding as (
    select * from evidence
    where evidence_rank = 1 and triage_class is not null
),

tallies as (
    select
        ticket_id,
        sum(case when triage_class is not null then 1 else 0 end) as evidence_count,
        sum(coalesce(event_count, 0)) as account_event_count,
        sum(case when triage_class is null then event_count else 0 end) as background_event_count
    from evidence
    group by ticket_id
),

final as (
    select
        tickets.ticket_id,
        tickets.account_id,
        coalesce(accounts.plan_tier, 'unknown') as plan_tier,
        coalesce(accounts.arr_usd, 0) as arr_usd,
        tickets.created_at,
        tickets.status,
        tickets.priority,
        tickets.is_open,
        tickets.is_escalated,
        tickets.is_open and tickets.is_escalated as is_open_escalated,
        tickets.classification,
        tickets.subject,
        coalesce(deciding.triage_class, 'user_error_or_question') as triage_class,
        coalesce(
            deciding.confidence,
            {{ triage_fallback_confidence('tallies.account_event_count') }}
        ) as confidence,
        deciding.evidence_kind,
        deciding.defect_id,
        deciding.signature_id,
        deciding.error_code,
        case
            when deciding.evidence_kind = 'ticket_matches_known_defect' then
                'the ticket matches known defect ' || deciding.defect_id
                || ' (linked, tagged or quoting its error code)'
            when deciding.evidence_kind = 'ticket_quotes_signature' then
                'the ticket quotes the message of unexplained signature ' || deciding.signature_id
            when deciding.evidence_kind is not null then
                deciding.event_count || ' ' || coalesce(deciding.error_code, deciding.service)
                || coalesce(' (' || deciding.http_status || ')', '')
                || ' events in the {{ lookback }} h before the ticket'
                || case
                    when deciding.is_spike
                        then ', a spike (usually ' || deciding.baseline_mean || ')'
                    else ''
                end
                || coalesce('; the ticket says: ' || deciding.shared_terms, '')
                || case
                    when deciding.evidence_kind = 'known_defect_errors'
                        then '; known defect ' || deciding.defect_id
                    else ''
                end
            when coalesce(tallies.account_event_count, 0) = 0 then
                'no errors from the account in the {{ lookback }} h before the ticket'
            else
                'only background errors in the {{ lookback }} h before the ticket ('
                || tallies.background_event_count || ' events, no spike, nothing the ticket mentions)'
        end as reason,
        coalesce(tallies.evidence_count, 0) as evidence_count,
        coalesce(tallies.account_event_count, 0) as account_event_count,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from tickets
    left join deciding on tickets.ticket_id = deciding.ticket_id
    left join tallies on tickets.ticket_id = tallies.ticket_id
    left join {{ ref('int_accounts_as_of') }} as accounts on tickets.account_id = accounts.account_id
)

select * from final
