{#-
    Daily ticket counts by tag, classification, channel and plan tier (and in all), for the
    last tickets_trend_days windows of 24 hours ending at as_of. Each window is compared with
    the tickets_baseline_days windows before it by the spike rule of emerging signatures
    (macros/spikes.sql): it spikes when its count reaches the threshold and at least
    tickets_spike_min_accounts accounts filed its tickets. Rules: DECISIONLOG.md.
-#}
{%- set trend_days = var('tickets_trend_days') -%}
{%- set baseline_days = var('tickets_baseline_days') -%}
{%- set recent_start = dbt.dateadd('day', -1, as_of()) -%}
with

tickets as (
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.tags,
        tickets.classification,
        coalesce(tickets.channel, 'unknown') as channel,
        coalesce(accounts.plan_tier, 'unknown') as plan_tier,
        -- window 0 is the last 24 hours, window n the 24 hours before window n - 1
        case
            when tickets.created_at > {{ recent_start }} then 0
            else floor({{ dbt.datediff('tickets.created_at', recent_start, 'second') }} / 86400) + 1
        end as window_index
    from {{ ref('stg_landing__tickets') }} as tickets
    left join {{ ref('int_accounts_as_of') }} as accounts
        on tickets.account_id = accounts.account_id
    where tickets.created_at <= {{ as_of() }}
        and tickets.created_at > {{ dbt.dateadd('day', -(trend_days + baseline_days), as_of()) }}
),

observations as (
    select 'all' as dimension, 'all' as dimension_value, ticket_id, account_id, window_index
    from tickets
    union all
    select 'tag', unnest(tags), ticket_id, account_id, window_index
    from tickets
    union all
    select 'classification', classification, ticket_id, account_id, window_index
    from tickets
    union all
    select 'channel', channel, ticket_id, account_id, window_index
    from tickets
    union all
    select 'plan_tier', plan_tier, ticket_id, account_id, window_index
    from tickets
),

counts as (
    select
        dimension,
        dimension_value,
        window_index,
        count(distinct ticket_id) as ticket_count,
        count(distinct account_id) as account_count
    from observations
    group by dimension, dimension_value, window_index
),

-- Every series gets every window, so a window without tickets counts as zero.
grid as (
    select
        dimension,
        dimension_value,
        unnest(range(0, {{ trend_days + baseline_days }})) as window_index
    from (select distinct dimension, dimension_value from observations) as series
),

dense as (
    select
        grid.dimension,
        grid.dimension_value,
        grid.window_index,
        coalesce(counts.ticket_count, 0) as ticket_count,
        coalesce(counts.account_count, 0) as account_count
    from grid
    left join counts
        on grid.dimension = counts.dimension
        and grid.dimension_value = counts.dimension_value
        and grid.window_index = counts.window_index
),

windowed as (
    select
        *,
        sum(ticket_count) over baseline_windows as baseline_sum,
        sum(ticket_count * ticket_count) over baseline_windows as baseline_square_sum,
        max(ticket_count) over baseline_windows as baseline_max_count
    from dense
    window baseline_windows as (
        partition by dimension, dimension_value
        order by window_index
        rows between 1 following and {{ baseline_days }} following
    )
),

baselined as (
    select
        dimension,
        dimension_value,
        window_index,
        ticket_count,
        account_count,
        {{ spike_baseline('baseline_sum', 'baseline_square_sum', 'baseline_max_count', baseline_days) }}
    from windowed
    where window_index < {{ trend_days }}
),

thresholds as (
    select
        *,
        {{ spike_threshold(
            'baseline_mean', 'baseline_stddev', 'baseline_max',
            var('tickets_spike_min_tickets'), var('tickets_spike_min_ratio'),
            var('tickets_spike_sigmas'), var('tickets_spike_burst_ratio')
        ) }} as spike_threshold
    from baselined
),

final as (
    select
        dimension,
        dimension_value,
        {{ dbt.dateadd('day', '-(window_index + 1)', as_of()) }} as window_start,
        {{ dbt.dateadd('day', '-window_index', as_of()) }} as window_end,
        ticket_count,
        account_count,
        round(baseline_mean, 3) as baseline_mean,
        round(baseline_stddev, 3) as baseline_stddev,
        baseline_max,
        round(spike_threshold, 3) as spike_threshold,
        ticket_count >= spike_threshold
        and account_count >= {{ var('tickets_spike_min_accounts') }} as is_spike,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from thresholds
)

select * from final
