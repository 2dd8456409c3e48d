-- Every event up to as_of with its template (variable parts masked) and signature.
with

events as (
    select * from {{ ref('stg_landing__error_events') }}
    where occurred_at <= {{ as_of() }}
),

templated as (
    select
        events.*,
        {{ mask_message('message') }} as template
    from events
),

final as (
    select
        templated.*,
        {{ signature_id('service', 'error_code', 'template') }} as signature_id
    from templated
)

select * from final
