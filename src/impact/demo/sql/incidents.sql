-- Which accounts each planted incident hits. Accounts are ranked by a preference (e.g.
-- paid tiers first) and then by hash, and the first N are taken, so every planted count is
-- exact at any size >= the minimum. Roles:
--   repeat       2+ matching events      single       exactly one matching event
--   ticket_only  a matching ticket and no matching event
create or replace table demo_incident_accounts as
with

active as (
    select
        aa.account_no,
        aa.plan_tier,
        a.is_strategic,
        row_number() over (
            partition by aa.plan_tier, a.is_strategic
            order by hash(getvariable('seed'), aa.account_no, 'incident')
        ) as rank_in_group
    from demo_active_accounts as aa
    inner join demo_accounts as a on aa.account_no = a.account_no
),

-- empty exports: 38 repeat + 8 single + 2 ticket-only; first five enterprise customers
-- (two of them strategic), then other paid tiers (scheduled exports are a paid
-- feature), free accounts only if needed
bug_501 as (
    select
        'BUG-501' as plant,
        account_no,
        row_number() over (
            order by
                case
                    when plan_tier = 'enterprise' and is_strategic and rank_in_group <= 2 then 0
                    when plan_tier = 'enterprise' and not is_strategic and rank_in_group <= 3 then 0
                    when plan_tier <> 'free' then 1
                    else 2
                end,
                hash(getvariable('seed'), account_no, 'BUG-501')
        ) as pick_rank
    from active
    qualify pick_rank <= 48
),

regression as (
    select
        'REGRESSION' as plant,
        account_no,
        row_number() over (
            order by plan_tier = 'free', hash(getvariable('seed'), account_no, 'REGRESSION')
        ) as pick_rank
    from active
    qualify pick_rank <= 23
),

bug_488 as (
    select
        'BUG-488' as plant,
        account_no,
        row_number() over (order by hash(getvariable('seed'), account_no, 'BUG-488')) as pick_rank
    from active
    where plan_tier = 'free'
    qualify pick_rank <= 3
),

bug_470 as (
    select
        'BUG-470' as plant,
        account_no,
        row_number() over (
            order by plan_tier = 'free', hash(getvariable('seed'), account_no, 'BUG-470')
        ) as pick_rank
    from active
    qualify pick_rank <= 10
),

bug_505 as (
    select
        'BUG-505' as plant,
        account_no,
        row_number() over (
            order by
                plan_tier not in ('pro', 'business'),
                hash(getvariable('seed'), account_no, 'BUG-505')
        ) as pick_rank
    from active
    qualify pick_rank <= 16
),

bug_512 as (
    select
        'BUG-512' as plant,
        account_no,
        row_number() over (
            order by
                plan_tier not in ('enterprise', 'business'),
                hash(getvariable('seed'), account_no, 'BUG-512')
        ) as pick_rank
    from active
    qualify pick_rank <= 6
),

picked as (
    select * from bug_501
    union all select * from regression
    union all select * from bug_488
    union all select * from bug_470
    union all select * from bug_505
    union all select * from bug_512
),

roled as (
    select
        *,
        case
            when plant = 'BUG-501' and pick_rank > 46 then 'ticket_only'
            when plant = 'BUG-501' and pick_rank > 38 then 'single'
            when plant = 'REGRESSION' and pick_rank % 5 = 0 then 'single'
            else 'repeat'
        end as role
    from picked
)

select
    plant,
    account_no,
    pick_rank::integer as pick_rank,
    role,
    (
        case
            when role = 'ticket_only' then 0
            when role = 'single' then 1
            when plant = 'BUG-501' then 2 + pick(account_no, 'n501', 12)
            when plant = 'REGRESSION' then 2 + pick(account_no, 'nreg', 10)
            -- one every 30 minutes, all month
            when plant = 'BUG-488'
                then date_diff('minute', getvariable('month_start'), getvariable('as_of')) // 30
            when plant = 'BUG-470' then 3 + pick(account_no, 'n470', 8)
            when plant = 'BUG-505' then 8 + pick(account_no, 'n505', 33)
            else 3 + pick(account_no, 'n512', 10)
        end
    )::integer as event_total
from roled
order by plant, pick_rank;
