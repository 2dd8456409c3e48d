-- Pairs of clustered ticket texts whose vectors' cosine reaches tickets_cluster_min_similarity
-- (one row per pair, text_id < similar_text_id): the edges of the cluster graph. Tickets with
-- the same text are one node: their cosine is 1.
with

representatives as (
    select text_id, min(ticket_id) as ticket_id
    from {{ ref('int_ticket_vectors') }}
    group by text_id
),

vectors as (
    select vectors.text_id, vectors.feature, vectors.weight
    from {{ ref('int_ticket_vectors') }} as vectors
    inner join representatives on vectors.ticket_id = representatives.ticket_id
),

final as (
    select
        left_vector.text_id,
        right_vector.text_id as similar_text_id,
        sum(left_vector.weight * right_vector.weight) as similarity
    from vectors as left_vector
    inner join vectors as right_vector
        on left_vector.feature = right_vector.feature
        and left_vector.text_id < right_vector.text_id
    group by left_vector.text_id, right_vector.text_id
    having sum(left_vector.weight * right_vector.weight) >= {{ var('tickets_cluster_min_similarity') }}
)

select * from final
