{#-
    The triage evidence from errors: one row per ticket to triage and error signature its
    account logged in the tickets_triage_lookback_hours before the ticket, with the account's
    own baseline of that signature (the same-length windows of the tickets_triage_baseline_days
    before), whether that is a spike (macros/spikes.sql), the terms the ticket shares with the
    signature, and what the signature is: a known defect's, unexplained and emerging, or of a
    configuration kind. Tickets to triage: not yet solved, or created in the last
    tickets_triage_days.
-#}
{%- set lookback = var('tickets_triage_lookback_hours') -%}
{%- set windows = (var('tickets_triage_baseline_days') * 24) // lookback -%}
{%- set lookback_start = dbt.dateadd('hour', -lookback, 'tickets.created_at') -%}
with

tickets as (
    select ticket_id, account_id, created_at, terms
    from {{ ref('int_tickets_masked') }}
    where is_triaged
),

events as {{ inlined() }} (
    select account_id, occurred_at, signature_id, http_status
    from {{ ref('int_error_events_signed') }}
),

-- One pass over each ticket's account events in the lookback and the baseline windows before
-- it. window_index: null in the lookback, else the baseline window the event falls in.
ticket_events as (
    select
        tickets.ticket_id,
        events.signature_id,
        case
            when events.occurred_at <= {{ lookback_start }}
                then floor(
                    {{ dbt.datediff('events.occurred_at', lookback_start, 'second') }} / {{ lookback * 3600 }}
                )
        end as window_index,
        count(*) as event_count,
        min(events.occurred_at) as first_event_at,
        max(events.occurred_at) as last_event_at,
        max(events.http_status) as http_status
    from tickets
    inner join events
        on tickets.account_id = events.account_id
        and events.occurred_at <= tickets.created_at
        and events.occurred_at > {{ dbt.dateadd('hour', -lookback * (windows + 1), 'tickets.created_at') }}
    group by tickets.ticket_id, events.signature_id, window_index
),

recent as (
    select ticket_id, signature_id, event_count, first_event_at, last_event_at, http_status
    from ticket_events
    where window_index is null
),

baseline_windows as (
    select
        ticket_events.ticket_id,
        ticket_events.signature_id,
        ticket_events.window_index,
        ticket_events.event_count as window_events
    from ticket_events
    inner join recent
        on ticket_events.ticket_id = recent.ticket_id
        and ticket_events.signature_id = recent.signature_id
    where ticket_events.window_index is not null
),

baseline as (
    select
        ticket_id,
        signature_id,
        {{ spike_baseline(
            'sum(window_events)', 'sum(window_events * window_events)', 'max(window_events)',
            windows
        ) }}
    from baseline_windows
    group by ticket_id, signature_id
),

ticket_terms as (
    select distinct ticket_id, unnest(terms) as term
    from tickets
    where ticket_id in (select ticket_id from recent)
),

shared as (
    select
        recent.ticket_id,
        recent.signature_id,
        string_agg(distinct ticket_terms.term, ', ' order by ticket_terms.term) as shared_terms,
        count(distinct ticket_terms.term) as shared_term_count
    from recent
    inner join ticket_terms on recent.ticket_id = ticket_terms.ticket_id
    inner join {{ ref('int_signature_terms') }} as signature_terms
        on recent.signature_id = signature_terms.signature_id
        and ticket_terms.term = signature_terms.term
    group by recent.ticket_id, recent.signature_id
),

unexplained_emerging as (
    select signature_id
    from {{ ref('emerging_signatures') }}
    where matched_defect_id is null
),

measured as (
    select
        recent.*,
        signatures.service,
        signatures.error_code,
        signatures.template,
        explained.defect_id,
        coalesce(baseline.baseline_mean, 0) as baseline_mean,
        {{ spike_threshold(
            'baseline.baseline_mean', 'baseline.baseline_stddev', 'baseline.baseline_max',
            var('tickets_triage_spike_min_events'), var('tickets_triage_spike_min_ratio'),
            var('tickets_triage_spike_sigmas'), var('tickets_triage_spike_burst_ratio')
        ) }} as spike_threshold,
        shared.shared_terms,
        coalesce(shared.shared_term_count, 0) as shared_term_count,
        recent.signature_id in (select signature_id from unexplained_emerging)
            as is_unexplained_emerging,
        {{ is_configuration_error('recent.http_status', 'signatures.error_code', 'signatures.template') }}
            as is_configuration
    from recent
    inner join {{ ref('int_error_signatures') }} as signatures
        on recent.signature_id = signatures.signature_id
    left join {{ ref('int_signatures_matched_to_known_defects') }} as explained
        on recent.signature_id = explained.signature_id
    left join baseline
        on recent.ticket_id = baseline.ticket_id
        and recent.signature_id = baseline.signature_id
    left join shared
        on recent.ticket_id = shared.ticket_id
        and recent.signature_id = shared.signature_id
),

final as (
    select
        *,
        event_count >= spike_threshold as is_spike,
        {{ triage_is_related('shared_term_count', 'defect_id', 'is_unexplained_emerging') }}
            as is_related
    from measured
)

select * from final
