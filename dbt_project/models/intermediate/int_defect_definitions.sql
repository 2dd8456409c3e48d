-- Every defect the priority table ranks: known ones and suspected (emerging) ones.
select * from {{ ref('int_known_defects') }}
union all
select * from {{ ref('int_suspected_defects') }}
