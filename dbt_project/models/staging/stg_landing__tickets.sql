with

latest as (
    {{ latest_row(
        source('landing', 'tickets'),
        'ticket_id',
        'updated_at desc nulls last, _load_seq desc, _row_number desc'
    ) }}
),

final as (
    select
        ticket_id,
        account_id,
        created_at,
        coalesce(updated_at, created_at) as updated_at,
        lower(trim(status)) as status,
        lower(trim(priority)) as priority,
        lower(trim(channel)) as channel,
        subject,
        description,
        list_transform(coalesce(tags, []), lambda tag: lower(trim(tag))) as tags,
        coalesce(escalated, false) as is_escalated,
        lower(coalesce(trim(classification), 'unknown')) as classification,
        nullif(trim(linked_defect_id), '') as linked_defect_id
    from latest
)

select * from final
