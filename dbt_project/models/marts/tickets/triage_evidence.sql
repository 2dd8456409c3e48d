-- Every piece of triage evidence of every ticket to triage, most decisive first
-- (evidence_rank 1 decides; kinds, classes and confidences: macros/triage.sql).
with

tickets as (
    select ticket_id
    from {{ ref('int_tickets_masked') }}
    where is_triaged
),

ticket_matches as (
    select
        matched.ticket_id,
        case
            when definitions.source = 'known' then 'ticket_matches_known_defect'
            else 'ticket_quotes_signature'
        end as evidence_kind,
        matched.defect_id,
        definitions.signature_id,
        cast(null as {{ dbt.type_string() }}) as service,
        cast(null as {{ dbt.type_string() }}) as error_code,
        definitions.signature_template as template,
        cast(null as integer) as http_status,
        cast(null as bigint) as event_count,
        cast(null as timestamp) as first_event_at,
        cast(null as timestamp) as last_event_at,
        cast(null as double) as baseline_mean,
        cast(null as double) as spike_threshold,
        false as is_spike,
        false as is_related,
        cast(null as {{ dbt.type_string() }}) as shared_terms
    from {{ ref('int_tickets_matched_to_defects') }} as matched
    inner join {{ ref('int_defect_definitions') }} as definitions
        on matched.defect_id = definitions.defect_id
    where matched.ticket_id in (select ticket_id from tickets)
),

error_evidence as (
    select
        ticket_id,
        {{ triage_signature_kind(
            'defect_id', 'is_unexplained_emerging', 'is_configuration', '(is_related or is_spike)'
        ) }} as evidence_kind,
        -- a suspected defect's id is its signature's, as in hotfix_priority
        coalesce(defect_id, case when is_unexplained_emerging then signature_id end) as defect_id,
        signature_id,
        service,
        error_code,
        template,
        http_status,
        event_count,
        first_event_at,
        last_event_at,
        baseline_mean,
        spike_threshold,
        is_spike,
        is_related,
        shared_terms
    from {{ ref('int_tickets_matched_to_recent_signatures') }}
),

unioned as (
    select * from ticket_matches
    union all
    select * from error_evidence
),

classified as (
    select
        *,
        {{ triage_class('evidence_kind') }} as triage_class,
        round({{ triage_confidence('evidence_kind', 'is_related', 'is_spike') }}, 2) as confidence,
        {{ triage_precedence('evidence_kind') }} as precedence
    from unioned
),

final as (
    select
        ticket_id,
        row_number() over (
            partition by ticket_id
            order by
                precedence,
                confidence desc nulls last,
                event_count desc nulls last,
                coalesce(signature_id, defect_id)
        ) as evidence_rank,
        evidence_kind,
        triage_class,
        confidence,
        defect_id,
        signature_id,
        service,
        error_code,
        http_status,
        template,
        event_count,
        first_event_at,
        last_event_at,
        round(baseline_mean, 3) as baseline_mean,
        round(spike_threshold, 3) as spike_threshold,
        is_spike,
        is_related,
        shared_terms,
        {{ as_of() }} as as_of,
        {{ run_id() }} as run_id
    from classified
)

select * from final
