with

latest as (
    {{ latest_row(source('landing', 'deployments'), 'deploy_id', '_load_seq desc, _row_number desc') }}
),

final as (
    select
        deploy_id,
        trim(service) as service,
        version,
        deployed_at,
        description
    from latest
)

select * from final
