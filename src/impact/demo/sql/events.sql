-- Error events, kept lean (keys, times, template ids): messages and ids are rendered per
-- day at export time, so tens of millions of events never sit in memory as strings.
-- event_key is the hash key of every variable part: >= 0 for noise, < 0 for planted rows.
create or replace table demo_events as
with

noise_draws as (
    select
        i as event_key,
        ts_between(i, 'at', getvariable('month_start'), getvariable('as_of')) as occurred_at,
        pick(i, 'account', getvariable('active_weight')) as account_draw,
        pick(i, 'template', getvariable('template_weight')) as bucket
    from range(getvariable('n_background')) as t (i)
),

noise as (
    select n.event_key, n.occurred_at, a.account_no, b.template_id, null::varchar as plant
    from noise_draws as n
    asof join demo_active_accounts as a on n.account_draw >= a.cum_weight
    inner join demo_template_buckets as b on n.bucket = b.bucket
),

planted_deploys as (
    select
        max(deployed_at) filter (where plant = 'BUG-501') as reports_deploy_at,
        max(deployed_at) filter (where plant = 'REGRESSION') as billing_deploy_at,
        max(deployed_at) filter (where plant = 'BUG-470-fix') as sync_fix_at
    from demo_deployments
),

incident_rows as (
    select
        ia.plant,
        ia.account_no,
        ia.pick_rank,
        t.template_id,
        unnest(range(ia.event_total)) as k
    from demo_incident_accounts as ia
    inner join demo_templates as t on ia.plant = t.plant
),

keyed as (
    select
        *,
        -(template_id * 10000000000000 + account_no::bigint * 1000000 + k) as event_key
    from incident_rows
),

planted as (
    select
        e.event_key,
        case e.plant
            -- the 15 minutes after the 02:00 UTC cache refresh, from the night after the deploy
            when 'BUG-501' then
                (d.reports_deploy_at::date + interval 1 day + interval 2 hour)
                + to_days(pick(e.event_key, 'night', date_diff(
                    'day', d.reports_deploy_at::date + interval 1 day, getvariable('as_of')
                ))::integer)
                + to_microseconds(pick(e.event_key, 'second', 900000000))
            -- a new signature from 30 minutes after the billing deploy to the end of the
            -- month; the first account is hit at once, every account within three days
            when 'REGRESSION' then ts_between(
                e.event_key, 'at',
                d.billing_deploy_at + interval 30 minute,
                case
                    when e.k = 0 and e.pick_rank = 1 then d.billing_deploy_at + interval 40 minute
                    when e.k = 0 then d.billing_deploy_at + interval 3 day
                    else getvariable('as_of')
                end
            )
            -- steady: one event in every 30-minute slot
            when 'BUG-488' then getvariable('month_start')
                + to_minutes((30 * e.k)::integer)
                + to_microseconds(pick(e.event_key, 'at', 1800000000))
            -- stops with the fix deploy
            when 'BUG-470' then ts_between(
                e.event_key, 'at', getvariable('month_start'), d.sync_fix_at - interval 10 minute
            )
            else ts_between(e.event_key, 'at', getvariable('month_start'), getvariable('as_of'))
        end as occurred_at,
        e.account_no,
        e.template_id,
        e.plant
    from keyed as e
    cross join planted_deploys as d
),

-- rows a reader must quarantine: no account_id (one looks like an EXPORT_EMPTY event)
bad (event_key, occurred_at, account_no, template_id, plant) as (
    values
    (-99900000000001, timestamp '2026-10-17 02:07:13.250', null::integer, 101, 'BAD'),
    (-99900000000002, timestamp '2026-10-17 09:41:55.500', null::integer, 14, 'BAD'),
    (-99900000000003, timestamp '2026-10-17 16:20:08.125', null::integer, 1, 'BAD')
)

select * from noise
union all
select * from planted
union all
select * from bad
order by occurred_at, event_key;
