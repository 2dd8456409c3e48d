-- A view, not a table: it must follow the as_of of whichever build reads it (daily or assessment).
{{ config(materialized="view") }}
-- Accounts as they stand at as_of: active means not churned by then.
with

accounts as (
    select * from {{ ref('stg_landing__accounts') }}
),

final as (
    select
        accounts.*,
        (churned_at is null or churned_at > {{ as_of() }}) as is_active
    from accounts
)

select * from final
