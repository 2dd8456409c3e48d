{{ tickets_matched_to(ref('int_defect_definitions'), ref('int_tickets_tokenized')) }}
