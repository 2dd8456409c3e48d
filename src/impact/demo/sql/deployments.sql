-- Deployments: every service ships on a fixed cadence (Monday to Thursday only), plus three
-- planted deploys. No other deploy of the same service lands within two days of a planted
-- one, so each planted deploy is the only candidate cause inside a 48 h attribution window.
-- Baselines are in late September, more than 48 h before the month starts.
create or replace table demo_deployments as
with

services (service, major, base_minor, cadence, phase, baseline_at) as (
    values
    ('api', 5, 8, 2, 1, timestamp '2026-09-22 10:14:00'),
    ('web', 2, 31, 3, 0, timestamp '2026-09-23 11:02:00'),
    ('billing', 3, 13, 4, 2, timestamp '2026-09-24 13:40:00'),
    ('reports', 4, 1, 4, 1, timestamp '2026-09-24 15:21:00'),
    ('auth', 1, 9, 5, 3, timestamp '2026-09-25 09:35:00'),
    ('sync', 2, 7, 4, 0, timestamp '2026-09-25 16:05:00')
),

planted (plant, service, deployed_at, is_minor, description) as (
    values
    (
        'BUG-501', 'reports', timestamp '2026-10-08 15:04:00', true,
        'Report cache rewrite: the nightly 02:00 UTC refresh now swaps cache generations in place'
    ),
    (
        'BUG-470-fix', 'sync', timestamp '2026-10-09 10:31:00', false,
        'Fix duplicated webhook deliveries on retry (BUG-470)'
    ),
    (
        'REGRESSION', 'billing', timestamp '2026-10-20 14:02:00', true,
        'New invoice templates with localized tax fields'
    )
),

routine_days as (
    select
        s.service,
        (getvariable('month_start') + to_days(r.d::integer))::date as deploy_date
    from services as s
    cross join range(0, 31) as r (d)
    where (r.d + s.phase) % s.cadence = 0
),

routine as (
    select
        service,
        deploy_date + to_minutes(540 + pick(service || deploy_date, 'deploy_minute', 480)::integer)
        as deployed_at,
        [
            'Dependency updates and minor fixes',
            'Performance improvements',
            'Logging and metrics improvements',
            'UI copy and layout polish',
            'Feature flag cleanup',
            'Small bug fixes',
            'Database index tuning',
            'Retry and timeout tuning'
        ][pick(service || deploy_date, 'deploy_text', 8) + 1] as description
    from routine_days as r
    where isodow(deploy_date) between 1 and 4
        and not exists (
            select 1
            from planted as p
            where p.service = r.service
                and abs(date_diff('day', p.deployed_at::date, r.deploy_date)) <= 2
        )
),

all_deploys as (
    select service, baseline_at as deployed_at, true as is_minor, 'Sprint release' as description,
        null::varchar as plant
    from services
    union all
    select service, deployed_at, false, description, null
    from routine
    union all
    select service, deployed_at, is_minor, description, plant
    from planted
),

-- a minor deploy opens a new x.y.0 line; every other deploy bumps the patch number
stepped as (
    select
        *,
        sum(is_minor::integer) over (
            partition by service order by deployed_at rows unbounded preceding
        ) as minor_step
    from all_deploys
)

select
    format('dep_{:04d}', row_number() over (order by st.deployed_at, st.service)) as deploy_id,
    st.service,
    s.major || '.' || (s.base_minor + st.minor_step - 1) || '.'
    || (row_number() over (partition by st.service, st.minor_step order by st.deployed_at) - 1)
    as version,
    st.deployed_at,
    st.description,
    st.plant
from stepped as st
inner join services as s on st.service = s.service
order by st.deployed_at, st.service;
