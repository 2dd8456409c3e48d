{{ defect_account_evidence(ref('assessment_matched_events'), ref('assessment_matched_tickets')) }}
