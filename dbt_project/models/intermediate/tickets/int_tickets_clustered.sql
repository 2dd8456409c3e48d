{#-
    Connected components of the similarity graph: every clustered ticket with the smallest
    ticket_id of its component as its label. Min-label propagation with pointer jumping (a
    ticket takes the smallest label among itself and its neighbours, then its label's label),
    a fixed number of rounds; the singular test clusters_are_closed_under_similarity proves
    the rounds sufficed.
-#}
{%- set rounds = 12 -%}
with

edges as (
    select ticket_id, similar_ticket_id as neighbour_id from {{ ref('int_ticket_similarities') }}
    union all
    select similar_ticket_id, ticket_id from {{ ref('int_ticket_similarities') }}
),

labels_0 as materialized (
    select distinct ticket_id, ticket_id as label
    from {{ ref('int_ticket_vectors') }}
),

{% for round in range(1, rounds + 1) %}
propagated_{{ round }} as materialized (
    select
        labels.ticket_id,
        least(labels.label, coalesce(min(neighbours.label), labels.label)) as label
    from labels_{{ round - 1 }} as labels
    left join edges on labels.ticket_id = edges.ticket_id
    left join labels_{{ round - 1 }} as neighbours on edges.neighbour_id = neighbours.ticket_id
    group by labels.ticket_id, labels.label
),

labels_{{ round }} as materialized (
    select
        propagated.ticket_id,
        least(propagated.label, jumped.label) as label
    from propagated_{{ round }} as propagated
    inner join propagated_{{ round }} as jumped on propagated.label = jumped.ticket_id
),

{% endfor %}
final as (
    select
        ticket_id,
        'tcl_' || left(md5(label), 12) as cluster_id,
        count(*) over (partition by label) as cluster_ticket_count
    from labels_{{ rounds }}
)

select * from final
