{#-
    Connected components of the similarity graph: every clustered ticket with the smallest
    ticket_id of its component as its label. The graph's nodes are ticket texts (tickets with
    the same terms), each starting with its smallest ticket_id. Min-label propagation with
    pointer jumping (a text takes the smallest label among itself and its neighbours, then its
    label's label), a fixed number of rounds; the singular test
    clusters_are_closed_under_similarity proves the rounds sufficed.
-#}
{%- set rounds = 12 -%}
with

edges as (
    select text_id, similar_text_id as neighbour_id from {{ ref('int_ticket_similarities') }}
    union all
    select similar_text_id, text_id from {{ ref('int_ticket_similarities') }}
),

tickets as (
    select distinct ticket_id, text_id from {{ ref('int_ticket_vectors') }}
),

labels_0 as materialized (
    select text_id, min(ticket_id) as label
    from tickets
    group by text_id
),

{% for round in range(1, rounds + 1) %}
propagated_{{ round }} as materialized (
    select
        labels.text_id,
        least(labels.label, coalesce(min(neighbours.label), labels.label)) as label
    from labels_{{ round - 1 }} as labels
    left join edges on labels.text_id = edges.text_id
    left join labels_{{ round - 1 }} as neighbours on edges.neighbour_id = neighbours.text_id
    group by labels.text_id, labels.label
),

labels_{{ round }} as materialized (
    select
        propagated.text_id,
        least(propagated.label, jumped.label) as label
    from propagated_{{ round }} as propagated
    inner join tickets as label_ticket on propagated.label = label_ticket.ticket_id
    inner join propagated_{{ round }} as jumped on label_ticket.text_id = jumped.text_id
),

{% endfor %}
final as (
    select
        tickets.ticket_id,
        'tcl_' || left(md5(labels.label), 12) as cluster_id,
        count(*) over (partition by labels.label) as cluster_ticket_count
    from tickets
    inner join labels_{{ rounds }} as labels on tickets.text_id = labels.text_id
)

select * from final
