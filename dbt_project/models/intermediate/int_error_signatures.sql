-- One row per signature (service + error code + template) seen up to as_of.
with

events as (
    select * from {{ ref('int_error_events_signed') }}
),

final as (
    select
        signature_id,
        service,
        error_code,
        template,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        count(*) as event_count,
        count(distinct account_id) as affected_accounts
    from events
    group by signature_id, service, error_code, template
)

select * from final
