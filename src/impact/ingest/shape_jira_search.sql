-- A Jira issue of the REST search API (the `issues` of a search page) as a canonical defect:
-- the key and summary, the status category as the contract's status, and the matching rules
-- from prefixed labels ("code:EXPORT_EMPTY") or configured custom fields.
select
    json_extract_string({key}, '$') as defect_id,
    json_extract_string({fields}, '$.summary') as title,
    case json_extract_string({fields}, '$.status.statusCategory.key')
        when 'new' then 'open'
        when 'indeterminate' then 'in_progress'
        when 'done' then
            case
                when regexp_matches(
                    coalesce(json_extract_string({fields}, '$.resolution.name'), ''),
                    'won.?t|declined|duplicate|cannot reproduce',
                    'i'
                ) then 'wont_fix'
                else 'fixed'
            end
        else lower(replace(json_extract_string({fields}, '$.status.name'), ' ', '_'))
    end as status,
    json_extract_string({fields}, '$.created') as created_at,
    {service} as service,
    {category} as category,
    {error_codes} as error_codes,
    {message_pattern} as message_pattern,
    {ticket_tags} as ticket_tags,
    {kept}
from (
    select
        *,
        json_extract_string({fields}, '$.labels[*]') as _labels
    from ({records})
)
