{#-
    Triage rules, in one place (rationale: DECISIONLOG.md, "Ticket analytics: triage").

    A ticket's evidence is (a) the ticket itself matching a defect (contract section 2), and
    (b) each error signature its account logged in the tickets_triage_lookback_hours before
    the ticket. A signature counts only when it is *relevant*: the ticket's text shares terms
    with it (its template and error code, and the title and tags of the known defect it
    belongs to; see triage_is_related), or the account logged it at a spike against its own
    baseline (the shared spike rule of macros/spikes.sql). Relevant signatures are evidence of a kind; the rest are
    background, listed but never deciding.

    kind                          class                    confidence
    ticket_matches_known_defect   product_defect           0.95
    ticket_quotes_signature       suspected_defect         0.90
    known_defect_errors           product_defect           0.60 + 0.15 related + 0.15 spike
    unexplained_signature_errors  suspected_defect         0.55 + 0.15 related + 0.15 spike
    configuration_errors          configuration            0.50 + 0.15 related + 0.15 spike
    background_errors             (none)                   -
    no relevant evidence          user_error_or_question   0.60 with no errors at all, else 0.50

    The suggestion is the class of the first kind above that the ticket has evidence of
    (a defect explains more than a setting does); its confidence is that evidence's.
-#}

{#- Error kinds that point at a setting: auth, permission and validation 4xx codes, and codes
    or messages about credentials, permissions or settings. -#}
{% macro is_configuration_error(http_status, error_code, template) -%}
    (
        coalesce({{ http_status }}, 0) in (400, 401, 403, 407, 422)
        or regexp_matches(
            coalesce({{ error_code }}, ''),
            '(?i)(AUTH|PERMISSION|FORBIDDEN|CSRF|VALIDATION|CONFIG|SETTING|CREDENTIAL)'
        )
        or regexp_matches(
            coalesce({{ template }}, ''),
            '(?i)(permission|forbidden|not allowed|access denied|unauthori[sz]ed|invalid (api )?key|credential|misconfigur|not configured|setting)'
        )
    )
{%- endmacro %}

{#- Whether a ticket's text relates to a signature: one shared term for a known defect's or an
    unexplained emerging signature, two for any other (configuration-type errors are common
    background: a mistyped password says "password" as often as a broken setting does). -#}
{% macro triage_is_related(shared_term_count, defect_id, is_unexplained_emerging) -%}
    (
        {{ shared_term_count }} >= 2
        or ({{ shared_term_count }} >= 1
            and ({{ defect_id }} is not null or {{ is_unexplained_emerging }}))
    )
{%- endmacro %}

{#- The evidence kind of one signature of the ticket's account (null when irrelevant). -#}
{% macro triage_signature_kind(defect_id, is_unexplained_emerging, is_configuration, is_relevant) -%}
    case
        when not {{ is_relevant }} then 'background_errors'
        when {{ defect_id }} is not null then 'known_defect_errors'
        when {{ is_unexplained_emerging }} then 'unexplained_signature_errors'
        when {{ is_configuration }} then 'configuration_errors'
        else 'background_errors'
    end
{%- endmacro %}

{#- (kind, class, precedence, base confidence); precedence 1 decides first. -#}
{% macro triage_kinds() -%}
    {{ return([
        ('ticket_matches_known_defect', 'product_defect', 1, 0.95),
        ('known_defect_errors', 'product_defect', 2, 0.60),
        ('ticket_quotes_signature', 'suspected_defect', 3, 0.90),
        ('unexplained_signature_errors', 'suspected_defect', 4, 0.55),
        ('configuration_errors', 'configuration', 5, 0.50),
        ('background_errors', none, 9, none),
    ]) }}
{%- endmacro %}

{% macro triage_class(kind) -%}
    case {{ kind }}
    {%- for name, class, precedence, confidence in triage_kinds() if class %}
        when '{{ name }}' then '{{ class }}'
    {%- endfor %}
    end
{%- endmacro %}

{% macro triage_precedence(kind) -%}
    case {{ kind }}
    {%- for name, class, precedence, confidence in triage_kinds() %}
        when '{{ name }}' then {{ precedence }}
    {%- endfor %}
    end
{%- endmacro %}

{#- Errors add 0.15 for a text the ticket shares and 0.15 for a spike on the account. -#}
{% macro triage_confidence(kind, is_related, is_spike) -%}
    case {{ kind }}
    {%- for name, class, precedence, confidence in triage_kinds() if class %}
        when '{{ name }}' then {{ confidence }}
        {%- if name.endswith('_errors') %}
            + case when {{ is_related }} then 0.15 else 0 end
            + case when {{ is_spike }} then 0.15 else 0 end
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}

{#- No relevant evidence: likely a user error or a question. -#}
{% macro triage_fallback_confidence(account_event_count) -%}
    case when coalesce({{ account_event_count }}, 0) = 0 then 0.60 else 0.50 end
{%- endmacro %}

{#- Words every error message says: sharing one with a signature relates nothing. Stemmed like
    the terms they are compared with. -#}
{% macro generic_error_terms() -%}
    {%- set words -%}
error errors fail failed fails failure exception warning request response code status invalid
expired found user users undefined must got returned result null none value true false
    {%- endset -%}
    list_transform(
        [{%- for word in words.split() -%}'{{ word }}'{% if not loop.last %}, {% endif %}{%- endfor -%}],
        lambda word: {{ stem('word') }}
    )
{%- endmacro %}
