select
    assessment_id,
    defect_id,
    title,
    'assessment' as source,
    nullif(trim(service), '') as service,
    lower(coalesce(category, 'unknown')) as category,
    error_codes,
    nullif(message_pattern, '') as message_pattern,
    ticket_tags,
    cast(null as {{ dbt.type_string() }}) as signature_id,
    cast(null as {{ dbt.type_string() }}) as signature_template
from {{ source('params', 'assessment_defects') }}
