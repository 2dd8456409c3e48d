{#-
    Every ticket's error windows: per error signature its account logged in the
    tickets_triage_lookback_hours before the ticket, the lookback's count and the account's own
    baseline of that signature (the same-length windows of the tickets_triage_baseline_days
    before); a ticket with no such event has one row with no signature. Every loaded ticket and
    event, whatever as_of: a ticket's windows end when it was created, so as_of only decides
    which tickets are read (int_tickets_matched_to_recent_signatures).
    Incremental: a daily run builds only the tickets that are new, changed (account, creation
    time) or whose windows got newly loaded events; the others' windows cannot have changed.
-#}
{{ config(materialized='incremental', unique_key='ticket_id', incremental_strategy='delete+insert') }}
{%- set lookback = var('tickets_triage_lookback_hours') -%}
{%- set windows = (var('tickets_triage_baseline_days') * 24) // lookback -%}
{%- set lookback_start = dbt.dateadd('hour', -lookback, 'tickets.created_at') -%}
{%- set windows_start = dbt.dateadd('hour', -lookback * (windows + 1), 'tickets.created_at') -%}
{%- set windows_shape = sql_string(lookback ~ 'h, ' ~ windows ~ ' baseline windows') -%}
with

tickets as (
    select ticket_id, account_id, created_at
    from {{ ref('stg_landing__tickets') }}
),

events as {{ inlined() }} (
    select account_id, occurred_at, signature_id, http_status, _load_seq
    from {{ ref('int_loaded_error_events_signed') }}
),

{%- if is_incremental() %}

built as (
    select distinct ticket_id, account_id, created_at, windows_shape
    from {{ this }}
),

new_events as (
    select account_id, occurred_at
    from events
    where _load_seq > (select max(through_load_seq) from {{ this }})
),

changed as (
    select tickets.ticket_id
    from tickets
    left join built
        on tickets.ticket_id = built.ticket_id
        and tickets.account_id = built.account_id
        and tickets.created_at = built.created_at
        and built.windows_shape = {{ windows_shape }}
    where built.ticket_id is null
),

touched as (
    select tickets.ticket_id
    from tickets
    inner join new_events
        on tickets.account_id = new_events.account_id
        and new_events.occurred_at <= tickets.created_at
        and new_events.occurred_at > {{ windows_start }}
),

to_build as (
    select * from tickets
    where ticket_id in (select ticket_id from changed union select ticket_id from touched)
),

{%- else %}

to_build as (
    select * from tickets
),

{%- endif %}

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
    from to_build as tickets
    inner join events
        on tickets.account_id = events.account_id
        and events.occurred_at <= tickets.created_at
        and events.occurred_at > {{ windows_start }}
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

final as (
    select
        to_build.ticket_id,
        to_build.account_id,
        to_build.created_at,
        recent.signature_id,
        recent.event_count,
        recent.first_event_at,
        recent.last_event_at,
        recent.http_status,
        baseline.baseline_mean,
        baseline.baseline_stddev,
        baseline.baseline_max,
        {{ windows_shape }} as windows_shape,
        -- Every event loaded up to here is in these windows.
        (select max(_load_seq) from events) as through_load_seq
    from to_build
    left join recent on to_build.ticket_id = recent.ticket_id
    left join baseline
        on recent.ticket_id = baseline.ticket_id
        and recent.signature_id = baseline.signature_id
)

select * from final
