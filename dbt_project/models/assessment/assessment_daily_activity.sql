{{ defect_daily_activity(ref('assessment_matched_events'), ref('assessment_matched_tickets')) }}
