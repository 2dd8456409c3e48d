-- What defines each defect for matching: the bug tracker's known defects.
with

known as (
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
        cast(null as {{ dbt.type_string() }}) as signature_id
    from known
)

select * from final
