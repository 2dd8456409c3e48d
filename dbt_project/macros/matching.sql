{#-
    Matching rules of the contract (section 2), written once and used for the daily marts and
    for ad-hoc assessments alike. `definitions` has one row per defect: defect_id, service,
    error_codes, message_pattern, ticket_tags, signature_id.
-#}

{#- A signature's stable id: the same service, code and template always give the same id. -#}
{% macro signature_id(service, error_code, template) -%}
    'sig_' || left(md5({{ service }} || '|' || coalesce({{ error_code }}, '') || '|' || {{ template }}), 12)
{%- endmacro %}

{#- Upper-cased code-like tokens of a text ("EXPORT_EMPTY", "ERR-5023", "DB.TIMEOUT"), so a
    quoted error code matches as a whole token, never as part of a longer one. -#}
{% macro code_tokens(text) -%}
    regexp_extract_all(upper({{ text }}), '[A-Z0-9_]+(?:[.:\-][A-Z0-9_]+)*')
{%- endmacro %}

{#- A fingerprint of everything events_matched_to reads from `definitions`: when it changes,
    incremental matching starts over. -#}
{% macro matching_rules_fingerprint(definitions) -%}
    (
        select md5(coalesce({{ dbt.listagg(
            "defect_id || '|' || coalesce(service, '')
                || '|' || coalesce(cast(error_codes as " ~ dbt.type_string() ~ "), '')
                || '|' || coalesce(message_pattern, '')",
            "'\n'",
            "order by defect_id"
        ) }}, ''))
        from {{ definitions }}
    )
{%- endmacro %}

{#- Defects with a message_pattern, read when the model runs: each pattern becomes a constant in
    the SQL, so DuckDB compiles each regular expression once instead of once per row. -#}
{% macro pattern_rules(definitions) -%}
    {%- if execute -%}
        {%- set rows = run_query(
            "select defect_id, service, message_pattern from " ~ definitions
            ~ " where message_pattern is not null order by defect_id"
        ) -%}
        {{ return(rows.rows) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro %}

{#- Every defect's error codes, upper-cased, read when the model runs (like pattern_rules): as
    constants they filter the scan of the events, which then reads the other columns only for
    the events that carry one of them. An assessment's code or two: 0.03 s instead of 0.35 s at
    5M events; DuckDB turns five or more into a join, as fast as the join it replaces. -#}
{% macro defect_error_codes(definitions) -%}
    {%- if execute -%}
        {%- set rows = run_query(
            "select distinct upper(unnest(error_codes)) as error_code from " ~ definitions
            ~ " order by error_code"
        ) -%}
        {{ return(rows.columns[0].values() | list) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro %}

{#- Events up to as_of that belong to each defect: by error code or by message pattern.
    With up_to_as_of=false every given event is matched, whatever its time (the incremental
    matching, whose readers filter by as_of). -#}
{% macro events_matched_to(definitions, events, up_to_as_of=true) -%}
with

definitions as (
    select * from {{ definitions }}
),

events as {{ inlined() }} (
    select * from {{ events }}
    {%- if up_to_as_of %}
    where occurred_at <= {{ as_of() }}
    {%- endif %}
),

code_rules as (
    select defect_id, service, upper(unnest(error_codes)) as error_code
    from definitions
),

{%- set error_codes = defect_error_codes(definitions) %}
coded_events as (
    select * from events
    {%- if error_codes %}
    -- Comparisons, not an IN list: DuckDB joins a list of four or more constants, reading every
    -- column of every event, where comparisons filter first (the full match at 20M: 4.4 to 3.4 s).
    where {% for code in error_codes %}upper(error_code) = {{ sql_string(code) }}{{ " or " if not loop.last }}{% endfor %}
    {%- else %}
    where false
    {%- endif %}
),

by_code as (
    select code_rules.defect_id, {{ matched_event_columns('coded_events') }}
    from coded_events
    inner join code_rules
        on upper(coded_events.error_code) = code_rules.error_code
        and (code_rules.service is null or coded_events.service = code_rules.service)
),

by_pattern as (
    {%- for rule in pattern_rules(definitions) %}
    select {{ sql_string(rule[0]) }} as defect_id, {{ matched_event_columns('events') }}
    from events
    where regexp_matches(message, {{ sql_string(rule[2]) }}, 'i')
        {%- if rule[1] %} and service = {{ sql_string(rule[1]) }}{% endif %}
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select * from by_code where false
    {%- endfor %}
),

-- An event matched by code and by pattern counts once.
final as (
    select * from by_code
    union
    select * from by_pattern
)

select * from final
{%- endmacro %}

{#- What a matched event keeps: its keys, and what a developer needs to see an example
    (defect_event_samples), so that nothing after matching reads the events again. -#}
{% macro matched_event_columns(events) -%}
    {{ events }}.event_key,
    {{ events }}._load_seq,
    {{ events }}._row_number,
    {{ events }}.account_id,
    {{ events }}.service,
    {{ events }}.occurred_at,
    {{ events }}.event_id,
    {{ events }}.error_code,
    {{ events }}.endpoint,
    {{ events }}.http_status,
    {{ events }}.release,
    {{ events }}.trace_id,
    {{ events }}.message
{%- endmacro %}

{#- Tickets up to as_of that belong to each defect: linked to it, tagged with one of its
    ticket_tags, quoting one of its error codes as a whole token, or (suspected defects, which
    are signatures) quoting the signature's message (`masked_texts`: see tickets_quoting). -#}
{% macro tickets_matched_to(definitions, tickets, masked_texts=none) -%}
with

definitions as (
    select * from {{ definitions }}
),

tickets as (
    select
        *,
        {{ code_tokens("coalesce(subject, '') || ' ' || coalesce(description, '')") }} as text_tokens
    from {{ tickets }}
    where created_at <= {{ as_of() }}
),

by_link as (
    select definitions.defect_id, tickets.ticket_id
    from tickets
    inner join definitions on upper(tickets.linked_defect_id) = upper(definitions.defect_id)
),

defect_tags as (
    select defect_id, lower(unnest(ticket_tags)) as tag from definitions
),

ticket_tags as (
    select ticket_id, unnest(tags) as tag from tickets
),

by_tag as (
    select defect_tags.defect_id, ticket_tags.ticket_id
    from ticket_tags
    inner join defect_tags on ticket_tags.tag = defect_tags.tag
),

defect_codes as (
    select defect_id, upper(unnest(error_codes)) as code from definitions
),

ticket_tokens as (
    select ticket_id, unnest(text_tokens) as token from tickets
),

by_code as (
    select defect_codes.defect_id, ticket_tokens.ticket_id
    from ticket_tokens
    inner join defect_codes on ticket_tokens.token = defect_codes.code
),

by_quote as (
    {{ tickets_quoting('definitions', 'signature_template', 'tickets', masked_texts) }}
),

matched as (
    select defect_id, ticket_id from by_link
    union
    select defect_id, ticket_id from by_tag
    union
    select defect_id, ticket_id from by_code
    union
    select defect_id, ticket_id from by_quote
),

final as (
    select
        matched.defect_id,
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        tickets.is_escalated,
        tickets.status,
        tickets.subject
    from matched
    inner join tickets on matched.ticket_id = tickets.ticket_id
)

select * from final
{%- endmacro %}


{#- (defect_id, ticket_id) for tickets whose subject or description, masked like an event
    message, contains the defect's template. Templates with fewer than three literal words are
    too generic to tie a ticket to. `tickets` must already be filtered to as_of. The daily
    models pass `masked_texts` (int_ticket_texts_masked, which the same build keeps up to date)
    so that no ticket is masked again; without it, texts are masked here. -#}
{% macro tickets_quoting(definitions, template_column, tickets, masked_texts=none) -%}
with

quotable as (
    select defect_id, {{ template_column }} as template
    from {{ definitions }}
    where {{ template_column }} is not null
        and {{ literal_word_count(template_column) }} >= 3
),

masked_tickets as (
    {%- if masked_texts %}
    select tickets.ticket_id, texts.masked_subject, texts.masked_description
    from {{ tickets }} as tickets
    inner join {{ masked_texts }} as texts
        on {{ ticket_text_id('tickets.subject', 'tickets.description') }} = texts.text_id
    {%- else %}
    select
        ticket_id,
        {{ mask_message("coalesce(subject, '')") }} as masked_subject,
        {{ mask_message("coalesce(description, '')") }} as masked_description
    from {{ tickets }}
    {%- endif %}
    where exists (select 1 from quotable)
)

select quotable.defect_id, masked_tickets.ticket_id
from masked_tickets
inner join quotable
    on contains(masked_tickets.masked_subject, quotable.template)
    or contains(masked_tickets.masked_description, quotable.template)
{%- endmacro %}

{#- Words of a template that are not placeholders. -#}
{% macro literal_word_count(template) -%}
    len(regexp_extract_all({{ template }}, '[A-Za-z]{2,}'))
{%- endmacro %}
