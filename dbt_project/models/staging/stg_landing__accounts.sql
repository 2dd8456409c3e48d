with

latest as (
    {{ latest_row(source('landing', 'accounts'), 'account_id', '_load_seq desc, _row_number desc') }}
),

final as (
    select
        account_id,
        name as account_name,
        lower(trim(plan_tier)) as plan_tier,
        case lower(trim(plan_tier))
            when 'enterprise' then 5
            when 'business' then 4
            when 'pro' then 3
            when 'starter' then 2
            when 'free' then 1
            else 0
        end as tier_rank,
        coalesce(arr_usd, 0) as arr_usd,
        coalesce(is_strategic, false) as is_strategic,
        region,
        created_at,
        churned_at
    from latest
)

select * from final
