-- Pairs of clustered tickets whose vectors' cosine reaches tickets_cluster_min_similarity
-- (one row per pair, ticket_id < similar_ticket_id): the edges of the cluster graph.
with

vectors as (
    select * from {{ ref('int_ticket_vectors') }}
),

final as (
    select
        left_vector.ticket_id,
        right_vector.ticket_id as similar_ticket_id,
        sum(left_vector.weight * right_vector.weight) as similarity
    from vectors as left_vector
    inner join vectors as right_vector
        on left_vector.feature = right_vector.feature
        and left_vector.ticket_id < right_vector.ticket_id
    group by left_vector.ticket_id, right_vector.ticket_id
    having sum(left_vector.weight * right_vector.weight) >= {{ var('tickets_cluster_min_similarity') }}
)

select * from final
