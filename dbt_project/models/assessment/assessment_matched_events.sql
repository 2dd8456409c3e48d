-- Ad-hoc assessment: events of the assessed definition, matched on their raw messages.
{{ events_matched_to(ref('stg_params__assessment_defects'), ref('stg_landing__error_events')) }}
