{{ events_matched_to(ref('int_defect_definitions'), ref('int_error_events_signed')) }}
