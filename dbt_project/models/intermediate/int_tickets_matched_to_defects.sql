{{ tickets_matched_to(ref('int_defect_definitions'), ref('stg_landing__tickets')) }}
