{{ tickets_matched_to(
    ref('int_defect_definitions'),
    ref('stg_landing__tickets'),
    masked_texts=ref('int_ticket_texts_masked')
) }}
