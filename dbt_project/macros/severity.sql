{#-
    The severity formula, the only place it exists (rationale: DECISIONLOG.md).

    score = 100 * impact * (floor + (1 - floor) * urgency)
      impact  = weighted mean of reach, revenue, tier, intensity and customer voice, each a
                saturating curve x / (x + half) of its measure: bounded, and never lower when
                the measure grows;
      urgency = weighted mean of the trend score and the category score.
    Expects a relation with the measured columns of `defect_impact`; adds severity_score,
    severity_level and score_components.
-#}
{% macro saturate(measure, half) -%}
    (coalesce({{ measure }}, 0) / (coalesce({{ measure }}, 0) + {{ half }}))
{%- endmacro %}

{% macro share(part, whole) -%}
    (cast({{ part }} as double) / nullif(cast({{ whole }} as double), 0))
{%- endmacro %}

{% macro severity(measured) -%}
{%- set impact_weights = var('weight_reach') + var('weight_revenue') + var('weight_tier')
    + var('weight_intensity') + var('weight_voice') -%}
{%- set urgency_weights = var('weight_trend') + var('weight_category') -%}
with

measures as (
    select
        {{ measured }}.*,
        {{ share('affected_accounts', 'active_accounts') }} as reach_share,
        {{ share('affected_arr_usd', 'total_arr_usd') }} as revenue_share,
        cast(enterprise_accounts + strategic_accounts as double) as tier_accounts,
        {{ share('repeat_affected_accounts', 'active_accounts') }} as repeat_share,
        cast(ticket_count + escalated_ticket_count as double) as voice_tickets
    from {{ measured }}
),

components as (
    select
        measures.*,
        {{ saturate('reach_share', var('scale_reach_share')) }} as reach_score,
        {{ saturate('revenue_share', var('scale_revenue_share')) }} as revenue_score,
        {{ saturate('tier_accounts', var('scale_tier_accounts')) }} as tier_score,
        {{ saturate('repeat_share', var('scale_repeat_share')) }} as intensity_score,
        {{ saturate('voice_tickets', var('scale_voice_tickets')) }} as voice_score,
        case trend
            when 'new' then {{ var('urgency_trend_new') }}
            when 'rising' then {{ var('urgency_trend_rising') }}
            when 'steady' then {{ var('urgency_trend_steady') }}
            when 'falling' then {{ var('urgency_trend_falling') }}
            else {{ var('urgency_trend_stopped') }}
        end as trend_score,
        case
            when category in ('data_integrity', 'security', 'availability')
                then {{ var('urgency_category_severe') }}
            else {{ var('urgency_category_other') }}
        end as category_score
    from measures
),

combined as (
    select
        components.*,
        (
            {{ var('weight_reach') }} * reach_score
            + {{ var('weight_revenue') }} * revenue_score
            + {{ var('weight_tier') }} * tier_score
            + {{ var('weight_intensity') }} * intensity_score
            + {{ var('weight_voice') }} * voice_score
        ) / {{ impact_weights }} as impact_score,
        (
            {{ var('weight_trend') }} * trend_score
            + {{ var('weight_category') }} * category_score
        ) / {{ urgency_weights }} as urgency_score
    from components
),

scored as (
    select
        combined.*,
        round(
            100 * impact_score
            * ({{ var('urgency_floor') }} + (1 - {{ var('urgency_floor') }}) * urgency_score),
            1
        ) as severity_score
    from combined
),

final as (
    select
        scored.*,
        case
            when severity_score >= {{ var('level_s1') }} then 'S1'
            when severity_score >= {{ var('level_s2') }} then 'S2'
            when severity_score >= {{ var('level_s3') }} then 'S3'
            else 'S4'
        end as severity_level,
        {{ score_components([
            ('reach', 'reach_share', 'reach_score', var('weight_reach')),
            ('revenue', 'revenue_share', 'revenue_score', var('weight_revenue')),
            ('tier', 'tier_accounts', 'tier_score', var('weight_tier')),
            ('intensity', 'repeat_share', 'intensity_score', var('weight_intensity')),
            ('voice', 'voice_tickets', 'voice_score', var('weight_voice')),
            ('trend', 'trend', 'trend_score', var('weight_trend')),
            ('category', 'category', 'category_score', var('weight_category')),
        ]) }} as score_components
    from scored
)

select * from final
{%- endmacro %}

{#- JSON text: {"reach": {"value": .., "score": .., "weight": ..}, ...} -#}
{% macro score_components(parts) -%}
    {{ return(adapter.dispatch('score_components', 'impact')(parts)) }}
{%- endmacro %}

{% macro default__score_components(parts) -%}
    cast(json_object(
        {%- for name, value, score, weight in parts %}
        '{{ name }}', json_object('value', {{ value }}, 'score', round({{ score }}, 4), 'weight', {{ weight }})
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}
