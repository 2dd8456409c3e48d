-- The assessed defect's hotfix_priority row (without a rank: it is not published).
with

impact as (
    {{ defect_impact(
        ref('stg_params__assessment_defects'),
        ref('assessment_matched_events'),
        ref('assessment_matched_tickets'),
        ref('assessment_accounts'),
        ref('stg_landing__error_events')
    ) }}
),

final as (
    select
        assessments.assessment_id,
        impact.*
    from impact
    cross join (
        select distinct assessment_id from {{ ref('stg_params__assessment_defects') }}
    ) as assessments
)

select * from final
