{{ events_matched_to(ref('int_known_defects'), ref('int_error_events_signed')) }}
