{#-
    The triage evidence from errors: one row per ticket to triage and error signature its
    account logged in the tickets_triage_lookback_hours before the ticket, with the account's
    own baseline of that signature (the same-length windows of the tickets_triage_baseline_days
    before: int_ticket_error_windows), whether that is a spike (macros/spikes.sql), the terms
    the ticket shares with the signature, and what the signature is: a known defect's,
    unexplained and emerging, or of a configuration kind. Tickets to triage: not yet solved, or
    created in the last tickets_triage_days.
-#}
with

tickets as (
    select ticket_id, terms
    from {{ ref('int_tickets_masked') }}
    where is_triaged
),

-- The signatures each ticket's account logged in its lookback, with their baselines.
recent as (
    select
        windows.ticket_id,
        windows.signature_id,
        windows.event_count,
        windows.first_event_at,
        windows.last_event_at,
        windows.http_status,
        windows.baseline_mean,
        windows.baseline_stddev,
        windows.baseline_max
    from {{ ref('int_ticket_error_windows') }} as windows
    inner join tickets on windows.ticket_id = tickets.ticket_id
    where windows.signature_id is not null
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
        recent.ticket_id,
        recent.signature_id,
        recent.event_count,
        recent.first_event_at,
        recent.last_event_at,
        recent.http_status,
        signatures.service,
        signatures.error_code,
        signatures.template,
        explained.defect_id,
        coalesce(recent.baseline_mean, 0) as baseline_mean,
        {{ spike_threshold(
            'recent.baseline_mean', 'recent.baseline_stddev', 'recent.baseline_max',
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
