{#- Keep one row per key: the first by `order_by` (the latest version of a re-delivered row). -#}
{% macro latest_row(relation, key, order_by) -%}
    select * exclude (_version_rank)
    from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ order_by }}) as _version_rank
        from {{ relation }}
    ) as versions
    where _version_rank = 1
{%- endmacro %}
