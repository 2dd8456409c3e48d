{#-
    The deploy that best explains an onset: the latest deploy of the same service at or before
    the onset and at most `window_attribution_hours` before it. A deploy only counts when the
    service had been observed (any event) for `window_history_days` before it: otherwise the
    "onset" may just be where the data begins. `onsets` has subject_id, service, onset_at.
    Limits: see DECISIONLOG.md.
-#}
{% macro deploy_attribution(onsets, events) -%}
with

observed as (
    select service, min(occurred_at) as observed_from
    from {{ events }}
    where occurred_at <= {{ as_of() }}
    group by service
),

candidates as (
    select
        onsets.subject_id,
        deployments.deploy_id,
        deployments.version,
        row_number() over (
            partition by onsets.subject_id
            order by deployments.deployed_at desc, deployments.deploy_id desc
        ) as candidate_rank
    from {{ onsets }} as onsets
    inner join {{ ref('stg_landing__deployments') }} as deployments
        on deployments.service = onsets.service
        and deployments.deployed_at <= onsets.onset_at
        and deployments.deployed_at
            >= {{ dbt.dateadd('hour', -var('window_attribution_hours'), 'onsets.onset_at') }}
    inner join observed
        on observed.service = onsets.service
        and observed.observed_from
            <= {{ dbt.dateadd('day', -var('window_history_days'), 'deployments.deployed_at') }}
)

select
    subject_id,
    deploy_id as suspected_deploy_id,
    version as suspected_version
from candidates
where candidate_rank = 1
{%- endmacro %}

{#- Onsets of defects: their first matching event, on their own service or else the service
    most of their events come from. -#}
{% macro defect_onsets(definitions, matched_events) -%}
with

service_votes as (
    select
        defect_id,
        service,
        row_number() over (partition by defect_id order by count(*) desc, service) as vote_rank
    from {{ matched_events }}
    group by defect_id, service
),

first_events as (
    select defect_id, min(occurred_at) as onset_at
    from {{ matched_events }}
    group by defect_id
)

select
    first_events.defect_id as subject_id,
    coalesce(definitions.service, service_votes.service) as service,
    first_events.onset_at
from first_events
inner join {{ definitions }} as definitions on first_events.defect_id = definitions.defect_id
left join service_votes
    on first_events.defect_id = service_votes.defect_id
    and service_votes.vote_rank = 1
{%- endmacro %}
