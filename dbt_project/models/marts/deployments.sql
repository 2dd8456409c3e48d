-- Deployments up to as_of: the markers on every timeline, and the suspects' details.
with

deployments as (
    select * from {{ ref('stg_landing__deployments') }}
    where deployed_at <= {{ as_of() }}
),

final as (
    select
        deploy_id,
        service,
        version,
        deployed_at,
        description
    from deployments
)

select * from final
