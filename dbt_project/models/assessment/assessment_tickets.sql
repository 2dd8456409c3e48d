{{ defect_ticket_evidence(ref('assessment_matched_tickets'), ref('stg_landing__tickets')) }}
