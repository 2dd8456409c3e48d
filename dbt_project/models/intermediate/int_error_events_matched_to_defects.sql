-- Known defects' matched events, plus each suspected defect's events: those of its signature.
with

known as (
    select * from {{ ref('int_error_events_matched_to_known_defects') }}
),

suspected_events as (
    select
        definitions.defect_id,
        signed._load_seq,
        signed._row_number,
        signed.signature_id
    from {{ ref('int_error_events_signed') }} as signed
    inner join {{ ref('int_suspected_defects') }} as definitions
        on signed.signature_id = definitions.signature_id
),

-- The example columns, from the raw events. Joining on the load lets the engine skip the loads
-- before a suspected defect's first event (new or spiking signatures: recent ones). The same
-- keys as filters, one column each, reach the scan as Bloom filters (the two-column join key
-- only as a range), so it reads the wide columns of the rows that pass, not of every row.
suspected as (
    select
        suspected_events.defect_id,
        {{ matched_event_columns('events') }},
        suspected_events.signature_id
    from suspected_events
    inner join {{ ref('stg_landing__error_events') }} as events
        on suspected_events._load_seq = events._load_seq
        and suspected_events._row_number = events._row_number
    where events._load_seq in (select _load_seq from suspected_events)
        and events._row_number in (select _row_number from suspected_events)
),

final as (
    select * from known
    union all
    select * from suspected
)

select * from final
