-- The bug tracker's defects, in the shape every matching macro reads.
with

defects as (
    select * from {{ ref('stg_landing__defects') }}
),

final as (
    select
        defect_id,
        title,
        source,
        status,
        service,
        category,
        error_codes,
        message_pattern,
        ticket_tags,
        cast(null as {{ dbt.type_string() }}) as signature_id,
        cast(null as {{ dbt.type_string() }}) as signature_template
    from defects
)

select * from final
