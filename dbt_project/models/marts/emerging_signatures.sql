{#-
    Early warning: signatures that are new after a deploy of their service, or spiking far
    above their own history (rules and their rationale: DECISIONLOG.md).
-#}
{%- set recent_start = dbt.dateadd('hour', -var('window_spike_recent_hours'), as_of()) -%}
{%- set baseline_days = var('window_spike_baseline_days') -%}
with

signatures as (
    select * from {{ ref('int_error_signatures') }}
),

events as {{ inlined() }} (
    select * from {{ ref('int_error_events_signed') }}
),

-- The known defect that explains a signature: the one most of its events match.
explained as (
    select signature_id, defect_id as matched_defect_id
    from {{ ref('int_signatures_matched_to_known_defects') }}
),

-- New after a deploy: first seen recently, within the attribution window after a deploy of
-- its service that had history before it, and already more than a one-off.
new_candidates as (
    select
        signature_id,
        service,
        first_seen_at
    from signatures
    where first_seen_at > {{ dbt.dateadd('day', -var('window_new_signature_days'), as_of()) }}
        and event_count >= {{ var('emerging_new_min_events') }}
),

-- Spiking: the last window's count against the same-length windows of its own baseline.
windowed as (
    select
        signature_id,
        account_id,
        occurred_at,
        case
            when occurred_at > {{ recent_start }} then -1
            else floor({{ dbt.datediff('occurred_at', recent_start, 'hour') }} / {{ var('window_spike_recent_hours') }})
        end as window_index
    from events
    where occurred_at > {{ dbt.dateadd('day', -baseline_days, recent_start) }}
),

recent as (
    select
        signature_id,
        count(*) as recent_events,
        count(distinct account_id) as recent_accounts,
        min(occurred_at) as recent_onset_at
    from windowed
    where window_index = -1
    group by signature_id
),

baseline_windows as (
    select signature_id, window_index, count(*) as window_events
    from windowed
    where window_index between 0 and {{ baseline_days - 1 }}
    group by signature_id, window_index
),

baseline as (
    -- The shared spike rule (macros/spikes.sql): windows with no events count as zeros.
    select
        signature_id,
        {{ spike_baseline(
            'sum(window_events)', 'sum(window_events * window_events)', 'max(window_events)',
            baseline_days
        ) }}
    from baseline_windows
    group by signature_id
),

spike_thresholds as (
    select
        recent.signature_id,
        recent.recent_events,
        recent.recent_accounts,
        recent.recent_onset_at,
        coalesce(baseline.baseline_mean, 0) as baseline_mean,
        {{ spike_threshold(
            'baseline.baseline_mean', 'baseline.baseline_stddev', 'baseline.baseline_max',
            var('emerging_spike_min_events'), var('emerging_spike_min_ratio'),
            var('emerging_spike_sigmas'), var('emerging_spike_burst_ratio')
        ) }} as spike_threshold
    from recent
    left join baseline on recent.signature_id = baseline.signature_id
),

spiking as (
    select
        spike_thresholds.*,
        signatures.service
    from spike_thresholds
    inner join signatures on spike_thresholds.signature_id = signatures.signature_id
    where recent_events >= spike_threshold
        and recent_accounts >= {{ var('emerging_min_accounts') }}
),

-- The signatures that may be flagged, read through `signatures` so that the engine knows the
-- list is short: it then hashes the list, not the events (20M events: 0.2 s against 1.4 s).
flaggable as (
    select signature_id
    from signatures
    where signature_id in (
        select signature_id from new_candidates
        union all
        select signature_id from spiking
    )
),

-- Distinct accounts ever affected, counted only for the signatures that may be flagged.
reach as (
    select
        signature_id,
        count(distinct account_id) as affected_accounts
    from events
    where signature_id in (select signature_id from flaggable)
    group by signature_id
),

new_signatures as (
    select
        new_candidates.signature_id,
        new_candidates.service,
        new_candidates.first_seen_at as onset_at
    from new_candidates
    inner join reach on new_candidates.signature_id = reach.signature_id
    where reach.affected_accounts >= {{ var('emerging_min_accounts') }}
),

new_onsets as (
    select signature_id as subject_id, service, onset_at from new_signatures
),

new_after_deploy as (
    {{ deploy_attribution('new_onsets', ref('int_error_events_signed')) }}
),

spike_onsets as (
    select signature_id as subject_id, service, recent_onset_at as onset_at from spiking
),

spike_deploys as (
    {{ deploy_attribution('spike_onsets', ref('int_error_events_signed')) }}
),

flagged as (
    select
        subject_id as signature_id,
        'new_after_deploy' as status,
        suspected_deploy_id,
        suspected_version
    from new_after_deploy
    union all
    select
        spiking.signature_id,
        'spiking' as status,
        spike_deploys.suspected_deploy_id,
        spike_deploys.suspected_version
    from spiking
    left join spike_deploys on spiking.signature_id = spike_deploys.subject_id
    where spiking.signature_id not in (select subject_id from new_after_deploy)
),

quoting_tickets as (
    {{ tickets_quoting(
        "(select flagged.signature_id as defect_id, signatures.template
          from flagged inner join signatures on flagged.signature_id = signatures.signature_id)",
        'template',
        "(select * from " ~ ref('stg_landing__tickets') ~ " where created_at <= " ~ as_of() ~ ")",
        masked_texts=ref('int_ticket_texts_masked')
    ) }}
),

ticket_counts as (
    select defect_id as signature_id, count(distinct ticket_id) as ticket_count
    from quoting_tickets
    group by defect_id
),

final as (
    select
        signatures.signature_id,
        signatures.template,
        signatures.service,
        signatures.error_code,
        signatures.first_seen_at,
        signatures.last_seen_at,
        signatures.event_count,
        reach.affected_accounts,
        coalesce(ticket_counts.ticket_count, 0) as ticket_count,
        flagged.suspected_deploy_id,
        flagged.suspected_version,
        flagged.status,
        spiking.recent_events,
        spiking.baseline_mean,
        spiking.spike_threshold,
        explained.matched_defect_id,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from flagged
    inner join signatures on flagged.signature_id = signatures.signature_id
    inner join reach on flagged.signature_id = reach.signature_id
    left join spiking on flagged.signature_id = spiking.signature_id
    left join ticket_counts on flagged.signature_id = ticket_counts.signature_id
    left join explained on flagged.signature_id = explained.signature_id
)

select * from final
