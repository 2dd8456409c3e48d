{{ defect_event_samples(ref('assessment_matched_events'), ref('stg_landing__error_events')) }}
