with

impact as (
    {{ defect_impact(
        ref('int_defect_definitions'),
        ref('int_error_events_matched_to_defects'),
        ref('int_tickets_matched_to_defects'),
        ref('defect_accounts'),
        ref('int_error_events_signed')
    ) }}
),

final as (
    select
        row_number() over (
            order by severity_score desc, affected_arr_usd desc, affected_accounts desc, defect_id
        ) as priority_rank,
        impact.*
    from impact
)

select * from final
