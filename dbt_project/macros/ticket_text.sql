{#-
    Ticket text as terms, for clustering similar tickets and for relating a ticket to an error
    signature. Vectorised like the signature masking: regexp and list functions, no per-row code.
    Why each step: DECISIONLOG.md, "Ticket analytics".
-#}

{#- Subject and description without the e-mail signature, variable parts masked as <*> by the
    error-message masking (ids, numbers, e-mails, URLs, paths...). A signature starts at a line
    that opens with a sign-off ("--", "Thanks", "Best regards", "Sent from my"): it is shared by
    unrelated tickets of one sender, so it must not make them look alike. -#}
{% macro ticket_text(subject, description) -%}
    {{ mask_message(
        "coalesce(" ~ subject ~ ", '') || chr(10) || regexp_replace(coalesce(" ~ description
        ~ ", ''), '" ~ ticket_signature_pattern() ~ "', '')"
    ) }}
{%- endmacro %}

{#- A ticket text's id: subject and description hashed apart, so that no two pairs share one. -#}
{% macro ticket_text_id(subject, description) -%}
    md5(coalesce({{ subject }}, '')) || md5(coalesce({{ description }}, ''))
{%- endmacro %}

{% macro ticket_signature_pattern() -%}
(?is)\n\s*(?:--\s|thanks\b|thank you\b|best regards\b|kind regards\b|regards\b|cheers\b|sent from my\b).*$
{%- endmacro %}

{#- The list of a text's terms: lower-case words of two or more letters, stop words dropped,
    then a light suffix stemmer (invoices, invoice -> invoic; loading, loaded -> load). -#}
{% macro text_terms(text) -%}
    list_transform(
        list_filter(
            regexp_extract_all(lower({{ text }}), '[a-z]{2,}'),
            lambda word: not list_contains({{ stop_words() }}, word)
        ),
        lambda word: {{ stem('word') }}
    )
{%- endmacro %}

{% macro stem(word) -%}
    case
        when length({{ word }}) > 4 then regexp_replace({{ word }}, '(?:ing|ed|es|e|s)$', '')
        else {{ word }}
    end
{%- endmacro %}

{#- Function words and support-ticket chatter: they say nothing about the problem. -#}
{% macro stop_words() -%}
    {%- set words -%}
a about after again all also am an and any are as at be been before being but by can cant
could did do does doesnt dont for from get got had has have hello hi how i if in into is isnt
it its just me my no not now of on once or our please since so some than that the their them
then there these they this to too us very was we were what when where which while who why will
with wont would you your yours thanks thank help hey team dear asap urgent issue problem
cannot out up off still need like want see every ok right anymore again
{%- endset -%}
    [{%- for word in words.split() -%}'{{ word }}'{% if not loop.last %}, {% endif %}{%- endfor -%}]
{%- endmacro %}

{#- Character trigrams of a term, padded with a space on both sides, so a typo (invocie,
    dashbaord) still shares most of its trigrams with the word it means. -#}
{% macro term_trigrams(term) -%}
    list_transform(
        range(1, length({{ term }}) + 1),
        lambda position: substr(' ' || {{ term }} || ' ', position::integer, 3)
    )
{%- endmacro %}
