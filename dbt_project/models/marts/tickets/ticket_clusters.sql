{#-
    Clusters of similar tickets that no known defect explains (the sibling of
    emerging_signatures): size, reach, first and last ticket, top terms, sample tickets, and
    the error signature its accounts logged in the hours before their tickets, if one stands
    out. Rules: DECISIONLOG.md, "Ticket analytics".
-#}
with

members as (
    select * from {{ ref('ticket_cluster_members') }}
),

accounts as (
    select * from {{ ref('int_accounts_as_of') }}
),

reach as (
    select
        members.cluster_id,
        count(*) as ticket_count,
        count(distinct members.account_id) as affected_accounts,
        sum(case when members.is_escalated then 1 else 0 end) as escalated_ticket_count,
        sum(case when members.is_open then 1 else 0 end) as open_ticket_count,
        min(members.created_at) as first_ticket_at,
        max(members.created_at) as last_ticket_at
    from members
    group by members.cluster_id
),

account_reach as (
    select
        cluster_accounts.cluster_id,
        sum(coalesce(accounts.arr_usd, 0)) as affected_arr_usd,
        sum(case when accounts.plan_tier = 'enterprise' then 1 else 0 end) as enterprise_accounts
    from (select distinct cluster_id, account_id from members) as cluster_accounts
    left join accounts on cluster_accounts.account_id = accounts.account_id
    group by cluster_accounts.cluster_id
),

-- Top terms: the words whose TF-IDF weight summed over the cluster's tickets is highest,
-- each shown as its most frequent spelling.
words as (
    select
        members.cluster_id,
        members.ticket_id,
        unnest(list_filter(
            regexp_extract_all(lower(tickets.masked_text), '[a-z]{2,}'),
            lambda word: not list_contains({{ stop_words() }}, word)
        )) as word
    from members
    inner join {{ ref('int_tickets_masked') }} as tickets on members.ticket_id = tickets.ticket_id
),

spellings as (
    select
        words.cluster_id,
        {{ stem('words.word') }} as term,
        words.word,
        count(*) as word_count
    from words
    group by words.cluster_id, {{ stem('words.word') }}, words.word
),

term_scores as (
    select cluster_id, term, word
    from spellings
    qualify row_number() over (
        partition by cluster_id, term order by word_count desc, word
    ) = 1
),

term_weights as (
    select
        members.cluster_id,
        substr(vectors.feature, 3) as term,
        round(sum(vectors.weight), 6) as weight
    from members
    inner join {{ ref('int_ticket_vectors') }} as vectors on members.ticket_id = vectors.ticket_id
    where vectors.feature like 'w:%'
    group by members.cluster_id, substr(vectors.feature, 3)
),

ranked_terms as (
    select
        term_weights.cluster_id,
        term_scores.word,
        term_weights.weight
    from term_weights
    inner join term_scores
        on term_weights.cluster_id = term_scores.cluster_id
        and term_weights.term = term_scores.term
    qualify row_number() over (
        partition by term_weights.cluster_id order by term_weights.weight desc, term_scores.word
    ) <= 6
),

top_terms as (
    select
        cluster_id,
        string_agg(word, ', ' order by weight desc, word) as top_terms
    from ranked_terms
    group by cluster_id
),

samples as (
    select
        cluster_id,
        string_agg(ticket_id || ': ' || coalesce(subject, ''), ' | ' order by centrality_rank)
            as sample_tickets
    from members
    where centrality_rank <= 3
    group by cluster_id
),

-- The signature a cluster is about: the one that is triage evidence (the ticket's text shares
-- a term with it, or its account logged it at a spike in the hours before the ticket) for
-- the most of the cluster's tickets, when that is at least tickets_signature_min_share of them.
-- A signature every account logs now and then is evidence for none of them.
ticket_signatures as (
    select distinct members.cluster_id, members.ticket_id, recent.signature_id
    from members
    inner join {{ ref('int_tickets_matched_to_recent_signatures') }} as recent
        on members.ticket_id = recent.ticket_id
    where recent.is_related or recent.is_spike
),

tied as (
    select
        ticket_signatures.cluster_id,
        ticket_signatures.signature_id,
        count(*) / max(reach.ticket_count) as ticket_share
    from ticket_signatures
    inner join reach on ticket_signatures.cluster_id = reach.cluster_id
    group by ticket_signatures.cluster_id, ticket_signatures.signature_id
    having count(*) >= {{ var('tickets_signature_min_share') }} * max(reach.ticket_count)
    qualify row_number() over (
        partition by ticket_signatures.cluster_id
        order by count(*) desc, ticket_signatures.signature_id
    ) = 1
),

explained as (
    select * from {{ ref('int_signatures_matched_to_known_defects') }}
),

final as (
    select
        reach.cluster_id,
        reach.ticket_count,
        reach.affected_accounts,
        coalesce(account_reach.affected_arr_usd, 0) as affected_arr_usd,
        coalesce(account_reach.enterprise_accounts, 0) as enterprise_accounts,
        reach.escalated_ticket_count,
        reach.open_ticket_count,
        reach.first_ticket_at,
        reach.last_ticket_at,
        top_terms.top_terms,
        samples.sample_tickets,
        tied.signature_id,
        signatures.template as signature_template,
        signatures.service as signature_service,
        signatures.error_code as signature_error_code,
        round(tied.ticket_share, 4) as signature_ticket_share,
        emerging.status as signature_status,
        explained.defect_id as matched_defect_id,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from reach
    left join account_reach on reach.cluster_id = account_reach.cluster_id
    left join top_terms on reach.cluster_id = top_terms.cluster_id
    left join samples on reach.cluster_id = samples.cluster_id
    left join tied on reach.cluster_id = tied.cluster_id
    left join {{ ref('int_error_signatures') }} as signatures
        on tied.signature_id = signatures.signature_id
    left join {{ ref('emerging_signatures') }} as emerging
        on tied.signature_id = emerging.signature_id
    left join explained on tied.signature_id = explained.signature_id
)

select * from final
