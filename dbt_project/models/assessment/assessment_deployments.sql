-- Deployments up to the assessment's as_of: the markers on the bug report's timeline.
select
    deploy_id,
    service,
    version,
    deployed_at,
    description
from {{ ref('stg_landing__deployments') }}
where deployed_at <= {{ as_of() }}
