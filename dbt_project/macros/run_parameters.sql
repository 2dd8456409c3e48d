{#- "Now" for every window: the run's as_of, read from data so a new as_of needs no re-parse. -#}
{% macro as_of() -%}
    (select as_of from {{ ref('stg_params__run') }})
{%- endmacro %}

{% macro run_id() -%}
    (select run_id from {{ ref('stg_params__run') }})
{%- endmacro %}

{#- A SQL string literal for a value read at run time (patterns, ids). -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
