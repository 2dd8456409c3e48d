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
        trace_id,
        -- The load that delivered the row: raw tables are append-only and every loaded file
        -- gets a higher one, so incremental models read only what they have not seen.
        _load_seq,
        -- With the load, the row's number in its file names the row: two integers, which
        -- tables of every event store instead of the event key (often a 36-character UUID).
        _row_number
    from events
)

select * from final
