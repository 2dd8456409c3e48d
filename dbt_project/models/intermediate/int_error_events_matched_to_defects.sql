-- Known defects' matched events, plus each suspected defect's events: those of its signature.
with

known as (
    select * from {{ ref('int_error_events_matched_to_known_defects') }}
),

suspected as (
    select
        definitions.defect_id,
        events.event_key,
        events.account_id,
        events.service,
        events.occurred_at,
        events.signature_id
    from {{ ref('int_error_events_signed') }} as events
    inner join {{ ref('int_suspected_defects') }} as definitions
        on events.signature_id = definitions.signature_id
),

final as (
    select * from known
    union all
    select * from suspected
)

select * from final
