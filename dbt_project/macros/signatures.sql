{#-
    Error-signature masking: a raw error message becomes a template whose variable parts are
    replaced by the placeholder <*>, so events group into signatures (service + error code +
    template). One placeholder for every kind of value: a slot that holds an IP on one line and
    a host name on the next (the same endpoint, written two ways) must still give one template.

    The masking is stateless per message: a template depends only on its message, so a
    signature id computed today is the same tomorrow however much history piles up. (On
    Loghub-2k it already beats Drain3 on every system, so no corpus-level merging stage.)

    The rules run in order, each a regexp_replace over the whole column (no per-row code).
    Patterns use RE2 syntax (DuckDB, BigQuery, Databricks). Why each rule exists, and why in
    this order, is written next to it in mask_message_rules().

    A message's template is the template of its mask key, and most messages of one kind differ
    only in their digits, so a model masks each distinct key once instead of each distinct
    message (Loghub-2k: 2x fewer; the 20M-event benchmark: 3x fewer), with mask_templates.
-#}

{% macro mask_message(column_sql) -%}
    {{ mask_template(mask_key(column_sql)) }}
{%- endmacro %}

{#- What the masking rules cannot tell apart: the message with escaped double quotes unescaped
    (\042, \x22 and \" are quotes: logs escape them inconsistently) and every digit but 0
    written as 1. The rules match digits only by class, except 0 in `0x`, and no digit is left
    in a template; unescaping goes first because `\042` is digits. -#}
{% macro mask_key(column_sql) -%}
    {#- Eight replace calls, not translate: DuckDB's translate took 1.6 times as long. -#}
    {%- set key = namespace(sql=mask_regexp_replace_all(column_sql, '\\\\(?:042|x22|")', '"')) -%}
    {%- for digit in '23456789' -%}
        {%- set key.sql = "replace(" ~ key.sql ~ ", '" ~ digit ~ "', '1')" -%}
    {%- endfor -%}
    {{ key.sql }}
{%- endmacro %}

{% macro mask_template(key_sql) -%}
    {%- set masked = namespace(sql=key_sql) -%}
    {%- for rule in mask_message_rules() -%}
        {%- set masked.sql = mask_regexp_replace_all(masked.sql, rule.pattern, rule.replacement) -%}
    {%- endfor -%}
    {{ mask_whitespace(masked.sql) }}
{%- endmacro %}

{#- The templates of the mask keys in `keys_sql` (a relation or a parenthesized query with the
    column mask_key), as a query of (mask_key, template): mask_template of each key, computed
    faster. A rule runs only on the keys holding one of the literals it cannot match without
    (its `needs`): finding a character is much cheaper than the regex engine's scan (at 20M
    events, 3.1M keys: 11 s to 4 s). The guard reads the value that the rules before it
    left, so every rule is a query layer of its own; nested in one expression, each guard
    would copy the whole chain below it. -#}
{% macro mask_templates(keys_sql) -%}
    {%- set layered = namespace(sql='select mask_key, mask_key as masked from ' ~ keys_sql ~ ' as mask_keys') -%}
    {%- for rule in mask_message_rules() -%}
        {%- set masked = mask_regexp_replace_all('masked', rule.pattern, rule.replacement) -%}
        {%- if rule.needs -%}
            {%- set found = [] -%}
            {%- for literal in rule.needs -%}
                {%- do found.append(dbt.position(sql_string(literal), 'masked') ~ ' > 0') -%}
            {%- endfor -%}
            {%- set masked = 'case when ' ~ found | join(' or ') ~ ' then ' ~ masked ~ ' else masked end' -%}
        {%- endif -%}
        {%- set layered.sql = 'select mask_key, ' ~ masked ~ ' as masked from (' ~ layered.sql ~ ') as rule_' ~ loop.index -%}
    {%- endfor -%}
    select mask_key, {{ mask_whitespace('masked') }} as template from ({{ layered.sql }}) as masked_keys
{%- endmacro %}

{% macro mask_whitespace(sql) -%}
    trim({{ mask_regexp_replace_all(sql, '\\s+', ' ') }})
{%- endmacro %}


{% macro mask_message_rules() -%}
{#- One rule a line: `pattern  =>  replacement  needs  literals`. Lines starting with # say
    why. The table is a set-block, not Jinja strings, so backslashes reach the regex engine as
    written. The rules run on mask keys: a rule may name a digit only as 0, in a {m,n} count,
    or in a character class that holds all of 0-9 (test_masking.py checks). `needs` lists
    literals, separated by a space, at least one of which every match holds (a digit is `0 1`:
    a key has no other), so mask_templates can skip the keys without them; a rule without it
    runs on every key. -#}
{%- set table -%}
# Quoted single tokens are values (names, keys, ids). A quoted phrase with spaces is kept: it is
# often a request line or a sub-message whose words matter ("GET /a" vs "POST /a").
"[^"\s]+"  =>  "<*>"  needs  "
'[^'\s]+'  =>  '<*>'  needs  '
# URLs and e-mail addresses, before the host and path rules eat their parts.
\b[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>()\[\]]*  =>  <*>  needs  ://
\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b  =>  <*>  needs  @
# UUIDs, before the hex rule splits them at their dashes.
\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b  =>  <*>  needs  -
# File paths: absolute, home- or dot-relative, Windows, and relative ones with two or more
# slashes. A slash inside a word (`Input/output`, `PS/2`) is not a path.
(^|[\s=:(\[,])(?:~|\.{1,2})?/[^\s'"(),;:\[\]{}<>]+  =>  \1<*>  needs  /
\b[A-Za-z]:\\[^\s'"(),;:<>]*  =>  <*>  needs  :
\b[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+){2,}  =>  <*>  needs  /
# Host names with an optional :port: dot-separated labels ending in a common generic TLD, or in a
# two-letter country code after at least two labels or before a port (so `main.py` stays a
# file name).
\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:com|net|org|edu|gov|mil|info|biz|io|ai|dev|app|cloud|asia|xyz|local|localdomain|internal|lan|corp)(?::[0-9]{1,5})?(\.?[^A-Za-z0-9_.-]|\.?$)  =>  <*>\1  needs  .
\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.){2,}[a-z]{2}(?::[0-9]{1,5})?(\.?[^A-Za-z0-9_.-]|\.?$)  =>  <*>\1  needs  .
\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[a-z]{2}:[0-9]{1,5}\b  =>  <*>  needs  .
# Timestamps: ISO 8601, then syslog/ctime ("Fri Jun 17 07:07:00 EDT 2005"). Day and month
# names vary, so they go with the date.
\b[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?\b  =>  <*>  needs  -
\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +)?(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?),? +[0-9]{1,2}(?:,? +[0-9]{4})?(?: +[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?(?: +[A-Z]{3,4}\b)?(?: +[0-9]{4}\b)?  =>  <*>
# IPv4 with an optional :port, then IPv6 and MAC addresses (colon-separated hex groups), then
# bare clock times and durations ("04:50"), after the IPs so `10.0.0.7:22` stays one address.
\b[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?\b  =>  <*>  needs  .
\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}\b  =>  <*>  needs  :
\b[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?\b  =>  <*>  needs  :
# Ids: words joined by _ or - with a digit somewhere (inv_123, acc_0042, key_ab12, node-17,
# shard7_eu, attempt_1445_0020_m_000000_0).
\b[A-Za-z][A-Za-z0-9]*(?:[0-9][A-Za-z0-9]*[_-]|[_-][A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]*  =>  <*>  needs  _ -
# Sizes and durations with their unit, so `5.2 KB` and `120 B` or `3 ms` and `2 s` give one
# template; a leading < or > (`<1 sec`) belongs to the value.
(?:[<>]=?)?\b[0-9]+(?:\.[0-9]+)?(?: ?(?:[KMGTP]i?B|B|bytes?|msecs?|ms|us|ns|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?)|[kKMGTBsmhd])\b  =>  <*>  needs  0 1
# Numbers: 0x-prefixed hex, dotted numbers (decimals, versions), then any whole token of hex
# digits holding a digit (plain numbers, addresses, hashes, register dumps). A minus sign after
# a non-word character belongs to the number (`vCores:-17`); in `node-17` it does not.
(?:\B-)?\b0[xX][0-9a-fA-F]+\b  =>  <*>  needs  0x 0X
(?:\B-)?\b[0-9]+(?:\.[0-9]+)+\b  =>  <*>  needs  .
(?:\B-)?\b[0-9a-fA-F]*[0-9][0-9a-fA-F]*\b  =>  <*>  needs  0 1
# A token with two or more digit runs split by letters is a generated id (a1b2c3, 80x25).
\b[A-Za-z0-9]*[0-9][A-Za-z]+[0-9][A-Za-z0-9]*\b  =>  <*>  needs  0 1
# Any digits left inside a word are a counter or an index (storage12, tty2).
[0-9]+  =>  <*>  needs  0 1
# A value followed by its restatement in parentheses is one value: `1911 bytes (1.86 KB)`,
# `10.0.0.7 (host.example.com)`, `10.0.0.7 ()`.
<\*> ?\((?:<\*>)?\)  =>  <*>  needs  (
# Placeholders glued by punctuation are one value (`<*>:<*>`, `<*>.<*>`, `<*><*>`), and a
# list of values is one value whatever its length (`<*>,<*>`, `<*> <*> <*>`).
<\*>(?:[:./_, -]*<\*>)+  =>  <*>  needs  <*>
# A masked name with a file extension is a masked file name (`<*>.log`).
<\*>\.[A-Za-z][A-Za-z0-9]{0,4}\b  =>  <*>  needs  <*>.
{%- endset -%}
{%- set rules = [] -%}
{%- for line in table.split('\n') if line.strip() and not line.startswith('#') -%}
    {%- set pattern, rest = line.split('  =>  ') -%}
    {%- set replacement, _, needs = rest.partition('  needs  ') -%}
    {%- do rules.append({'pattern': pattern, 'replacement': replacement, 'needs': needs.split(' ') if needs else []}) -%}
{%- endfor -%}
{{ return(rules) }}
{%- endmacro %}


{#- regexp_replace of every match: the one engine-specific call, behind adapter.dispatch.
    DuckDB needs the 'g' flag; Snowflake, BigQuery and Databricks replace every match by
    default. An engine whose string literals treat a backslash as an escape (BigQuery,
    Snowflake) needs its own <adapter>__ version that doubles the backslashes. -#}
{% macro mask_regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('mask_regexp_replace_all', 'impact')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__mask_regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace("'", "''") }}', '{{ replacement | replace("'", "''") }}')
{%- endmacro %}

{% macro duckdb__mask_regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern | replace("'", "''") }}', '{{ replacement | replace("'", "''") }}', 'g')
{%- endmacro %}
