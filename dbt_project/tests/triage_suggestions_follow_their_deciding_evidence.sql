-- a suggestion is the class of its first-ranked evidence, or the fallback when none decides
select suggestions.ticket_id
from {{ ref('triage_suggestions') }} as suggestions
left join {{ ref('triage_evidence') }} as evidence
    on suggestions.ticket_id = evidence.ticket_id
    and evidence.evidence_rank = 1
where suggestions.triage_class
    is distinct from coalesce(evidence.triage_class, 'user_error_or_question')
