{#- `name as {{ inlined() }} (...)`: a CTE over the events that its query reads more than once.
    DuckDB materializes such a CTE (every row and column: at 20M events it spills to disk, and
    known-defect matching took 38 s instead of 3); inlined, each reader scans only what it
    needs. Engines without the hint decide for themselves. -#}
{% macro inlined() -%}
    {{ return(adapter.dispatch('inlined', 'impact')()) }}
{%- endmacro %}

{% macro default__inlined() -%}
{%- endmacro %}

{% macro duckdb__inlined() -%}
    not materialized
{%- endmacro %}
