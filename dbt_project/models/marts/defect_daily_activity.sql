{{ defect_daily_activity(
    ref('int_error_events_matched_to_defects'),
    ref('int_tickets_matched_to_defects')
) }}
