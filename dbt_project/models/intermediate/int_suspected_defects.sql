-- Emerging signatures no known defect explains become suspected defects, keyed by signature.
with

emerging as (
    select * from {{ ref('emerging_signatures') }}
    where matched_defect_id is null
),

final as (
    select
        signature_id as defect_id,
        template as title,
        'suspected' as source,
        'open' as status,
        service,
        'unknown' as category,
        cast([] as varchar[]) as error_codes,
        cast(null as {{ dbt.type_string() }}) as message_pattern,
        cast([] as varchar[]) as ticket_tags,
        signature_id,
        template as signature_template
    from emerging
)

select * from final
