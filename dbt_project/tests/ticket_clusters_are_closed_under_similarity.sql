-- every pair of similar ticket texts ends up in one cluster: the propagation rounds sufficed
with

texts as (
    select distinct vectors.text_id, clustered.cluster_id
    from {{ ref('int_ticket_vectors') }} as vectors
    inner join {{ ref('int_tickets_clustered') }} as clustered
        on vectors.ticket_id = clustered.ticket_id
)

select similarities.text_id, similarities.similar_text_id
from {{ ref('int_ticket_similarities') }} as similarities
inner join texts as left_text on similarities.text_id = left_text.text_id
inner join texts as right_text on similarities.similar_text_id = right_text.text_id
where left_text.cluster_id <> right_text.cluster_id
