{#-
    TF-IDF vectors (unit length) of the tickets to cluster: those not yet solved or created in
    the last tickets_cluster_days, that no known defect explains (link, tag or quoted code).
    Features are the terms and their character trigrams (typos keep most of their trigrams).
    A feature in one ticket only cannot link two tickets, and one in more than
    tickets_cluster_max_term_share of them links everything: both are left out.
    A vector depends only on the ticket's terms, so tickets with the same terms (a pasted
    error, a form, an integration's template) share a text_id: each text is weighed once and
    compared once (document frequencies still count tickets).
-#}
{%- set since = dbt.dateadd('day', -var('tickets_cluster_days'), as_of()) -%}
with

explained as (
    select distinct matched.ticket_id
    from {{ ref('int_tickets_matched_to_defects') }} as matched
    inner join {{ ref('int_known_defects') }} as known on matched.defect_id = known.defect_id
),

scoped as (
    select ticket_id, terms, md5(cast(terms as {{ dbt.type_string() }})) as text_id
    from {{ ref('int_tickets_masked') }}
    where (is_open or created_at > {{ since }})
        and ticket_id not in (select ticket_id from explained)
),

texts as (
    select text_id, {{ dbt.any_value('terms') }} as terms, count(*) as ticket_count
    from scoped
    group by text_id
),

terms as (
    select text_id, unnest(terms) as term
    from texts
),

features as (
    select text_id, 'w:' || term as feature
    from terms
    union all
    select text_id, 'g:' || unnest({{ term_trigrams('term') }}) as feature
    from terms
    where length(term) >= 3
),

counts as (
    select text_id, feature, count(*) as term_count
    from features
    group by text_id, feature
),

population as (
    select count(*) as ticket_count from scoped
),

document_frequency as (
    select counts.feature, sum(texts.ticket_count) as ticket_count
    from counts
    inner join texts on counts.text_id = texts.text_id
    group by counts.feature
),

weighted as (
    select
        counts.text_id,
        counts.feature,
        (1 + ln(counts.term_count))
        * ln(population.ticket_count / document_frequency.ticket_count) as weight
    from counts
    inner join document_frequency on counts.feature = document_frequency.feature
    cross join population
    where document_frequency.ticket_count > 1
        and document_frequency.ticket_count
        <= {{ var('tickets_cluster_max_term_share') }} * population.ticket_count
),

text_vectors as (
    select
        text_id,
        feature,
        weight / sqrt(sum(weight * weight) over (partition by text_id)) as weight
    from weighted
),

final as (
    select
        scoped.ticket_id,
        scoped.text_id,
        text_vectors.feature,
        text_vectors.weight
    from scoped
    inner join text_vectors on scoped.text_id = text_vectors.text_id
)

select * from final
