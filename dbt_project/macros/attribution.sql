{#-
    The deploy that best explains a defect's onset (its first matching event): the latest deploy
    of the defect's service (its own `service`, else the service most of its events come from)
    at or before the onset and at most `window_attribution_hours` before it. A deploy only counts
    when the service was already observed before it: otherwise the "onset" may just be where
    the data begins. Limits: see DECISIONLOG.md.
-#}
{% macro suspected_deploys(definitions, matched_events) -%}
with

onsets as (
    select defect_id, min(occurred_at) as onset_at
    from {{ matched_events }}
    group by defect_id
),

service_votes as (
    select
        defect_id,
        service,
        row_number() over (partition by defect_id order by count(*) desc, service) as vote_rank
    from {{ matched_events }}
    group by defect_id, service
),

defect_services as (
    select
        definitions.defect_id,
        coalesce(definitions.service, service_votes.service) as service
    from {{ definitions }} as definitions
    left join service_votes
        on definitions.defect_id = service_votes.defect_id
        and service_votes.vote_rank = 1
),

observed as (
    select service, min(occurred_at) as observed_from
    from {{ ref('int_error_events_signed') }}
    group by service
),

candidates as (
    select
        onsets.defect_id,
        deployments.deploy_id,
        deployments.version,
        row_number() over (
            partition by onsets.defect_id
            order by deployments.deployed_at desc, deployments.deploy_id desc
        ) as candidate_rank
    from onsets
    inner join defect_services on onsets.defect_id = defect_services.defect_id
    inner join {{ ref('stg_landing__deployments') }} as deployments
        on deployments.service = defect_services.service
        and deployments.deployed_at <= onsets.onset_at
        and deployments.deployed_at
            >= {{ dbt.dateadd('hour', -var('window_attribution_hours'), 'onsets.onset_at') }}
    inner join observed
        on observed.service = defect_services.service
        and observed.observed_from < deployments.deployed_at
)

select
    defect_id,
    deploy_id as suspected_deploy_id,
    version as suspected_version
from candidates
where candidate_rank = 1
{%- endmacro %}
