-- Tickets matched to the known defects alone: what ticket clustering leaves out. It needs no
-- signature, so the clustering models do not wait for the signatures and suspected defects.
{{ tickets_matched_to(
    ref('int_known_defects'),
    ref('stg_landing__tickets'),
    masked_texts=ref('int_ticket_texts_masked')
) }}
