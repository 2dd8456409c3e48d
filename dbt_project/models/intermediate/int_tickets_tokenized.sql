-- Tickets up to as_of, with the code-like tokens of their text (to find quoted error codes).
with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
    where created_at <= {{ as_of() }}
),

final as (
    select
        tickets.*,
        {{ code_tokens("coalesce(subject, '') || ' ' || coalesce(description, '')") }} as text_tokens
    from tickets
)

select * from final
