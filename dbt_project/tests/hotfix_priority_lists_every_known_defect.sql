-- every known defect appears in hotfix_priority, as a known defect
select defects.defect_id
from {{ ref('stg_landing__defects') }} as defects
left join {{ ref('hotfix_priority') }} as priority
    on defects.defect_id = priority.defect_id
    and priority.source = 'known'
where priority.defect_id is null
