-- A Sentry event (the SDK's event payload, or the event JSON Sentry shows and exports) as a
-- canonical error event: the account, service and error code from configured tags, the message
-- from the last exception (the one raised), else the log entry. A release `package@version`
-- names the service when no tag does; its version is the release.
select
    {occurred_at} as occurred_at,
    {account_id} as account_id,
    coalesce({service}, nullif(regexp_extract(_release, '^(.+)@[^@]+$', 1), '')) as service,
    coalesce({error_code}, json_extract_string(_exception, '$.type')) as error_code,
    coalesce(
        nullif(trim(json_extract_string(_exception, '$.value')), ''),
        nullif(trim(json_extract_string({logentry}, '$.formatted')), ''),
        nullif(trim(
            case
                when json_type({message}) = 'OBJECT'
                    then json_extract_string({message}, '$.formatted')
                else json_extract_string({message}, '$')
            end
        ), ''),
        nullif(trim(json_extract_string({logentry}, '$.message')), ''),
        json_extract_string(_exception, '$.type')
    ) as message,
    coalesce(nullif(regexp_extract(_release, '^.+@([^@]+)$', 1), ''), _release) as release,
    json_extract_string({transaction}, '$') as endpoint,
    coalesce(json_extract_string({contexts}, '$.response.status_code'), {http_status}) as http_status,
    json_extract_string({user}, '$.id') as user_id,
    json_extract_string({contexts}, '$.trace.trace_id') as trace_id,
    {kept}
from (
    select
        *,
        json_extract({exception}, '$.values[#-1]') as _exception,
        json_extract_string({release}, '$') as _release,
        case json_type({tags})
            when 'OBJECT' then list_transform(
                json_keys({tags}),
                lambda k: struct_pack(k := k, v := json_extract_string({tags}, '$."' || k || '"'))
            )
            when 'ARRAY' then list_transform(
                json_extract({tags}, '$[*]'),
                lambda t: struct_pack(
                    k := json_extract_string(t, '$[0]'), v := json_extract_string(t, '$[1]')
                )
            )
        end as _tags
    from ({records})
)
