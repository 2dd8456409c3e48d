-- every emerging signature no known defect explains is ranked as a suspected defect, and nothing else is
with

unexplained as (
    select signature_id from {{ ref('emerging_signatures') }} where matched_defect_id is null
),

suspected as (
    select defect_id as signature_id from {{ ref('hotfix_priority') }} where source = 'suspected'
)

select coalesce(unexplained.signature_id, suspected.signature_id) as signature_id
from unexplained
full outer join suspected on unexplained.signature_id = suspected.signature_id
where unexplained.signature_id is null or suspected.signature_id is null
