-- The known defect that explains each signature: the one most of its matched events belong to
-- (signatures no known defect matches have no row).
with

votes as (
    select
        signature_id,
        defect_id,
        count(*) as matched_event_count,
        row_number() over (
            partition by signature_id order by count(*) desc, defect_id
        ) as explanation_rank
    from {{ ref('int_error_events_matched_to_known_defects') }}
    group by signature_id, defect_id
),

final as (
    select signature_id, defect_id, matched_event_count
    from votes
    where explanation_rank = 1
)

select * from final
