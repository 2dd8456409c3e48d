-- every pair of similar tickets ends up in one cluster: the propagation rounds sufficed
select similarities.ticket_id, similarities.similar_ticket_id
from {{ ref('int_ticket_similarities') }} as similarities
inner join {{ ref('int_tickets_clustered') }} as left_cluster
    on similarities.ticket_id = left_cluster.ticket_id
inner join {{ ref('int_tickets_clustered') }} as right_cluster
    on similarities.similar_ticket_id = right_cluster.ticket_id
where left_cluster.cluster_id <> right_cluster.cluster_id
