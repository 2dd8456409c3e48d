-- The tickets of each reported cluster (tickets_cluster_min_tickets or more), with how central
-- each is: the cosine of its vector and the cluster's mean vector.
with

clustered as (
    select * from {{ ref('int_tickets_clustered') }}
    where cluster_ticket_count >= {{ var('tickets_cluster_min_tickets') }}
),

vectors as (
    select clustered.cluster_id, vectors.ticket_id, vectors.feature, vectors.weight
    from {{ ref('int_ticket_vectors') }} as vectors
    inner join clustered on vectors.ticket_id = clustered.ticket_id
),

centroids as (
    select cluster_id, feature, sum(weight) as weight
    from vectors
    group by cluster_id, feature
),

centroid_norms as (
    select cluster_id, sqrt(sum(weight * weight)) as norm
    from centroids
    group by cluster_id
),

centrality as (
    select
        vectors.ticket_id,
        -- rounded: float sums in another order must not reorder equally central tickets
        round(sum(vectors.weight * centroids.weight) / max(centroid_norms.norm), 6) as centrality
    from vectors
    inner join centroids
        on vectors.cluster_id = centroids.cluster_id
        and vectors.feature = centroids.feature
    inner join centroid_norms on vectors.cluster_id = centroid_norms.cluster_id
    group by vectors.ticket_id
),

final as (
    select
        clustered.cluster_id,
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        tickets.status,
        tickets.is_open,
        tickets.is_escalated,
        tickets.classification,
        tickets.subject,
        round(centrality.centrality, 4) as centrality,
        row_number() over (
            partition by clustered.cluster_id
            order by centrality.centrality desc, tickets.ticket_id
        ) as centrality_rank,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from clustered
    inner join {{ ref('int_tickets_masked') }} as tickets on clustered.ticket_id = tickets.ticket_id
    inner join centrality on clustered.ticket_id = centrality.ticket_id
)

select * from final
