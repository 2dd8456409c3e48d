{{ defect_event_samples(ref('assessment_matched_events')) }}
