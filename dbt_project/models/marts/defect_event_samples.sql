{{ defect_event_samples(ref('int_error_events_matched_to_defects')) }}
