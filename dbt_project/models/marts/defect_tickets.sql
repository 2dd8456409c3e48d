{{ defect_ticket_evidence(
    ref('int_tickets_matched_to_defects'),
    ref('stg_landing__tickets')
) }}
