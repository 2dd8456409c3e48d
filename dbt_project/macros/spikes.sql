{#-
    The one spike rule: a window's count against the same-length windows of its own baseline.
    Used by emerging_signatures (error events per signature), ticket_volume_trends (tickets per
    tag, classification, channel and tier) and the triage evidence (an account's events per
    signature before a ticket), so all three agree on what "spiking" means. Each caller passes
    its own thresholds (dbt vars); the rule and its rationale are in DECISIONLOG.md.
-#}

{#- Mean, sample standard deviation and maximum of `windows` baseline windows, from the sum,
    the sum of squares and the maximum of their counts. Windows with no rows count as zeros:
    the sums over the windows that have rows suffice. -#}
{% macro spike_baseline(count_sum, count_square_sum, count_max, windows) -%}
    {{ count_sum }} / {{ windows }} as baseline_mean,
    sqrt(greatest(
        ({{ count_square_sum }}
            - {{ count_sum }} * {{ count_sum }} / {{ windows }})
        / {{ windows - 1 }},
        0
    )) as baseline_stddev,
    {{ count_max }} as baseline_max
{%- endmacro %}

{#- The count a window must reach to be a spike: a floor, a multiple of the baseline mean, the
    mean plus some standard deviations, and a burst above the busiest baseline window. A
    missing baseline (never seen before) is all zeros, so the floor decides. -#}
{% macro spike_threshold(mean, stddev, max, min_count, min_ratio, sigmas, burst_ratio) -%}
    greatest(
        {{ min_count }},
        {{ min_ratio }} * coalesce({{ mean }}, 0),
        coalesce({{ mean }}, 0) + {{ sigmas }} * coalesce({{ stddev }}, 0),
        {{ burst_ratio }} * coalesce({{ max }}, 0)
    )
{%- endmacro %}
