with

latest as (
    {{ latest_row(source('landing', 'defects'), 'defect_id', '_load_seq desc, _row_number desc') }}
),

final as (
    select
        defect_id,
        title,
        'known' as source,
        lower(coalesce(trim(status), 'open')) as status,
        created_at,
        nullif(trim(service), '') as service,
        lower(coalesce(trim(category), 'unknown')) as category,
        coalesce(error_codes, []) as error_codes,
        nullif(message_pattern, '') as message_pattern,
        list_transform(coalesce(ticket_tags, []), lambda tag: lower(trim(tag))) as ticket_tags
    from latest
)

select * from final
