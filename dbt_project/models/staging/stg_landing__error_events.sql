with

events as (
    select * from {{ source('landing', 'error_events') }}
),

final as (
    select
        _row_key as event_key,
        event_id,
        occurred_at,
        account_id,
        trim(service) as service,
        lower(trim(level)) as level,
        nullif(trim(error_code), '') as error_code,
        message,
        release,
        endpoint,
        http_status,
        user_id,
        trace_id
    from events
)

select * from final
