{{ tickets_matched_to(ref('stg_params__assessment_defects'), ref('stg_landing__tickets')) }}
