{#-
    Every loaded event that belongs to a known defect, whatever its time. Incremental: a daily
    run matches only the events loaded since the last build, unless the matching rules changed
    (their fingerprint differs), when every event is matched again and the rows of the old
    rules are deleted in the same transaction. int_error_events_matched_to_known_defects keeps
    the matches up to as_of.
-#}
{{ config(
    post_hook="delete from {{ this }} where rules_fingerprint <> "
        ~ "{{ matching_rules_fingerprint(ref('int_known_defects')) }}"
) }}
{%- set fingerprint = matching_rules_fingerprint(ref('int_known_defects')) -%}
{%- set matched_through -%}
    (
        select coalesce(max(matched_through_load_seq), -1) from {{ this }}
        where rules_fingerprint = {{ fingerprint }}
    )
{%- endset -%}
with

new_events as {{ inlined() }} (
    select * from {{ ref('stg_landing__error_events') }}
    {%- if is_incremental() %}
    where _load_seq > {{ matched_through }}
    {%- endif %}
),

-- The same events' signatures, so that what reads the matches never joins all signed events.
new_signatures as (
    select _load_seq, _row_number, signature_id
    from {{ ref('int_loaded_error_events_signed') }}
    {%- if is_incremental() %}
    where _load_seq > {{ matched_through }}
    {%- endif %}
),

matched as (
    {{ events_matched_to(ref('int_known_defects'), 'new_events', up_to_as_of=false) }}
),

final as (
    select
        matched.*,
        new_signatures.signature_id,
        -- Every event loaded up to here has been matched under these rules.
        (select max(_load_seq) from new_events) as matched_through_load_seq,
        {{ fingerprint }} as rules_fingerprint
    from matched
    left join new_signatures
        on matched._load_seq = new_signatures._load_seq
        and matched._row_number = new_signatures._row_number
)

select * from final
