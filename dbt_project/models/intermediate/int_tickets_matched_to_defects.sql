-- Tickets matched to every defect: the known defects' matches, and the suspected defects'.
select * from {{ ref('int_tickets_matched_to_known_defects') }}
union all
select * from (
    {{ tickets_matched_to(
        ref('int_suspected_defects'),
        ref('stg_landing__tickets'),
        masked_texts=ref('int_ticket_texts_masked')
    ) }}
) as suspected
