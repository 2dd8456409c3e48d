-- scores lie in 0-100, each level follows the thresholds, and ranks run 1..n in descending score
with

ranked as (
    select
        *,
        lag(severity_score) over (order by priority_rank) as previous_score,
        count(*) over () as defect_count
    from {{ ref('hotfix_priority') }}
)

select defect_id, priority_rank, severity_score, severity_level
from ranked
where severity_score < 0
    or severity_score > 100
    or severity_level <> case
        when severity_score >= {{ var('level_s1') }} then 'S1'
        when severity_score >= {{ var('level_s2') }} then 'S2'
        when severity_score >= {{ var('level_s3') }} then 'S3'
        else 'S4'
    end
    or priority_rank not between 1 and defect_count
    or severity_score > previous_score
