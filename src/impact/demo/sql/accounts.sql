-- Accounts. Tiers come from the rank of a hash, not a per-row draw, so every size gets the
-- same tier mix (6% enterprise, 11% business, 18% pro, 25% starter, 40% free).
create or replace table demo_accounts as
with

numbered as (
    select
        i::integer as account_no,
        (rank() over (order by hash(getvariable('seed'), i, 'tier'), i) - 1)
        / getvariable('n_accounts')::double as tier_quantile
    from range(1, getvariable('n_accounts') + 1) as t (i)
),

tiered as (
    select
        account_no,
        case
            when tier_quantile < 0.06 then 'enterprise'
            when tier_quantile < 0.17 then 'business'
            when tier_quantile < 0.35 then 'pro'
            when tier_quantile < 0.60 then 'starter'
            else 'free'
        end as plan_tier
    from numbered
),

ranked as (
    select
        *,
        count(*) over (partition by plan_tier) as tier_size,
        row_number() over (
            partition by plan_tier
            order by hash(getvariable('seed'), account_no, 'strategic'), account_no
        ) as rank_in_tier,
        -- enterprise customers do not churn in this story
        row_number() over (
            partition by plan_tier = 'enterprise'
            order by hash(getvariable('seed'), account_no, 'churn'), account_no
        ) as churn_rank
    from tiered
),

flagged as (
    select
        *,
        (plan_tier = 'enterprise' and rank_in_tier <= ceil(tier_size * 0.25))
        or (plan_tier = 'business' and rank_in_tier <= floor(tier_size * 0.05)) as is_strategic,
        plan_tier <> 'enterprise'
        and churn_rank <= floor(getvariable('n_accounts') * 0.03) as is_churned,
        -- a bijection of 1..6000 onto the name grid keeps names unique for small sizes
        ((account_no * 7919 + hash(getvariable('seed'), 'names') % 6000) % 6000)::bigint
        as name_slot
    from ranked
),

described as (
    select
        account_no,
        plan_tier,
        is_strategic,
        is_churned,
        churn_rank,
        [
            'Acme', 'Northwind', 'Blue Harbor', 'Redwood', 'Silverline', 'Brightpath',
            'Cobalt', 'Evergreen', 'Granite', 'Harborview', 'Ironclad', 'Juniper', 'Keystone',
            'Lakeshore', 'Maple', 'Nimbus', 'Oakridge', 'Pinnacle', 'Quantum', 'Riverbend',
            'Summit', 'Tidewater', 'Upland', 'Vantage', 'Westbrook', 'Yellowstone', 'Zenith',
            'Aurora', 'Beacon', 'Cascade', 'Driftwood', 'Ember', 'Foxglove', 'Golden Gate',
            'Highland', 'Indigo', 'Larkspur', 'Meridian', 'Northstar', 'Orchard'
        ][name_slot // 150 + 1]
        || ' '
        || [
            'Analytics', 'Logistics', 'Health', 'Robotics', 'Foods', 'Capital', 'Media',
            'Energy', 'Software', 'Labs', 'Retail', 'Freight', 'Studios', 'Insurance',
            'Biotech', 'Security', 'Networks', 'Consulting', 'Manufacturing', 'Travel',
            'Education', 'Realty', 'Dynamics', 'Telecom', 'Farms'
        ][(name_slot // 6) % 25 + 1]
        || ['', ' Inc.', ' GmbH', ' Ltd', ', Inc.', ' Group'][name_slot % 6 + 1]
        || case when account_no > 6000 then ' ' || ((account_no - 1) // 6000 + 1) else '' end
        as name,
        case
            when rnd(account_no, 'region') < 0.35 then 'us-east'
            when rnd(account_no, 'region') < 0.50 then 'us-west'
            when rnd(account_no, 'region') < 0.75 then 'eu-west'
            when rnd(account_no, 'region') < 0.90 then 'eu-central'
            else 'apac'
        end as region,
        -- whole dollars (seats x list price x 12), so sums are exact in any float type
        case plan_tier
            when 'free' then 0
            when 'starter' then 1200 + 240 * pick(account_no, 'arr', 15)
            when 'pro' then 9600 + 600 * pick(account_no, 'arr', 51)
            when 'business' then 48000 + 1200 * pick(account_no, 'arr', 85)
            else 200000 + 6000 * pick(account_no, 'arr', 167)
        end::decimal(12, 2) as arr_usd
    from flagged
)

select
    account_no,
    account_id_of(account_no) as account_id,
    name,
    plan_tier,
    arr_usd,
    is_strategic,
    region,
    -- churned accounts were created well before they left
    ts_between(
        account_no, 'created',
        timestamp '2021-01-04 00:00:00',
        case when is_churned then timestamp '2026-06-01' else timestamp '2026-09-20' end
    ) as created_at,
    case
        when not is_churned then null
        when churn_rank % 2 = 1
            then ts_between(account_no, 'churned', timestamp '2026-08-01', timestamp '2026-09-25')
        else ts_between(
            account_no, 'churned',
            getvariable('month_start') + interval 2 day,
            getvariable('as_of') - interval 3 day
        )
    end as churned_at,
    list_filter(
        [
            case when region like 'eu-%' then 'eu_data_residency' end,
            case when plan_tier in ('business', 'enterprise') then 'sso_enabled' end,
            case when rnd(account_no, 'beta') < 0.1 then 'beta_program' end,
            case
                when plan_tier <> 'free' and rnd(account_no, 'annual') < 0.6
                    then 'annual_contract'
            end
        ],
        lambda tag: tag is not null
    ) as tags
from described
order by account_no;

-- Accounts that are active all month, with a cumulative activity weight: larger customers
-- log more errors and open more tickets. Picks are an ASOF join on cum_weight.
create or replace table demo_active_accounts as
with weighted as (
    select
        account_no,
        plan_tier,
        case plan_tier
            when 'free' then 1
            when 'starter' then 2
            when 'pro' then 3
            when 'business' then 5
            else 8
        end as weight
    from demo_accounts
    where churned_at is null
)

select
    account_no,
    plan_tier,
    weight,
    coalesce(
        sum(weight) over (order by account_no rows between unbounded preceding and 1 preceding),
        0
    ) as cum_weight
from weighted
order by account_no;

set variable active_weight = (select sum(weight) from demo_active_accounts);
