-- Ephemeral: read by one model only.
{{ config(materialized="ephemeral") }}
-- The terms of each error signature a ticket's text can share with it: the words of its
-- template and error code, and the title and ticket tags of the known defect it belongs to.
-- Words every error says (error, failed, invalid...) relate nothing and are left out.
with

signatures as (
    select * from {{ ref('int_error_signatures') }}
),

defects as (
    select
        explained.signature_id,
        known.title,
        array_to_string(coalesce(known.ticket_tags, []), ' ') as ticket_tags
    from {{ ref('int_signatures_matched_to_known_defects') }} as explained
    inner join {{ ref('int_known_defects') }} as known on explained.defect_id = known.defect_id
),

described as (
    select
        signatures.signature_id,
        replace(
            concat_ws(
                ' ',
                signatures.template,
                signatures.error_code,
                defects.title,
                defects.ticket_tags
            ),
            '_',
            ' '
        ) as description
    from signatures
    left join defects on signatures.signature_id = defects.signature_id
),

final as (
    select distinct
        signature_id,
        unnest({{ text_terms('description') }}) as term
    from described
)

select * from final
where not list_contains({{ generic_error_terms() }}, term)
