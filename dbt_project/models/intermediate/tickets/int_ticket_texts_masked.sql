{#-
    Every distinct ticket text (subject and description) masked once (e-mail signature dropped,
    ids and numbers as <*>), with its terms, and its subject and description masked apart as
    the quoting rule reads them (tickets_quoting). Incremental: a daily run masks only the texts
    it has not seen, a new or edited ticket's; masking is the costly part of reading tickets.
-#}
{{ config(materialized='incremental') }}
with

texts as (
    select distinct
        {{ ticket_text_id('subject', 'description') }} as text_id,
        subject,
        description
    from {{ ref('stg_landing__tickets') }}
    {%- if is_incremental() %}
    where {{ ticket_text_id('subject', 'description') }} not in (select text_id from {{ this }})
    {%- endif %}
),

masked as (
    select
        text_id,
        {{ ticket_text('subject', 'description') }} as masked_text,
        {{ mask_message("coalesce(subject, '')") }} as masked_subject,
        {{ mask_message("coalesce(description, '')") }} as masked_description
    from texts
),

final as (
    select
        text_id,
        masked_text,
        {{ text_terms('masked_text') }} as terms,
        masked_subject,
        masked_description
    from masked
)

select * from final
