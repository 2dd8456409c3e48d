-- The evidence queries of a bug report: each one reproduces a part of the report from the
-- tables of the published snapshot (or the report's own evidence.duckdb, which holds the same
-- tables for the one assessed defect). `:defect_id` and `:severity_score` are filled in as
-- literals, so the report shows each query ready to run.

-- name: severity
-- proves: the title, severity score and level, each score component, the trend, the suspected deploy and the as_of
select
    defect_id,
    title,
    category,
    severity_score,
    severity_level,
    score_components,
    trend,
    suspected_deploy_id,
    suspected_version,
    as_of
from hotfix_priority
where defect_id = :defect_id;

-- name: headline
-- proves: affected accounts, accounts hit 2+ times, ARR at risk, enterprise and strategic accounts, events, tickets, escalated tickets, first and last seen
select
    count(*) as affected_accounts,
    sum(case when event_count >= 2 then 1 else 0 end) as repeat_affected_accounts,
    sum(arr_usd) as affected_arr_usd,
    sum(case when plan_tier = 'enterprise' then 1 else 0 end) as enterprise_accounts,
    sum(case when is_strategic then 1 else 0 end) as strategic_accounts,
    sum(event_count) as event_count,
    sum(ticket_count) as ticket_count,
    sum(escalated_ticket_count) as escalated_ticket_count,
    min(first_seen_at) as first_seen_at,
    max(last_seen_at) as last_seen_at
from defect_accounts
where defect_id = :defect_id;

-- name: tiers
-- proves: affected accounts and ARR per plan tier
select
    plan_tier,
    count(*) as accounts,
    sum(arr_usd) as arr_usd,
    sum(case when is_strategic then 1 else 0 end) as strategic_accounts
from defect_accounts
where defect_id = :defect_id
group by plan_tier
order by arr_usd desc, plan_tier;

-- name: top_accounts
-- proves: the affected accounts with the most ARR (accounts.csv lists them all)
select
    account_id,
    account_name,
    plan_tier,
    arr_usd,
    is_strategic,
    event_count,
    ticket_count,
    last_seen_at
from defect_accounts
where defect_id = :defect_id
order by arr_usd desc, event_count desc, account_id
limit 10;

-- name: daily
-- proves: the timeline: matching events, tickets and accounts per day
select
    activity_date,
    event_count,
    ticket_count,
    escalated_ticket_count,
    affected_accounts
from defect_daily_activity
where defect_id = :defect_id
order by activity_date;

-- name: suspected_deploy
-- proves: the suspected deploy's service, version, time and description
select
    deployments.deploy_id,
    deployments.service,
    deployments.version,
    deployments.deployed_at,
    deployments.description
from deployments
inner join hotfix_priority on deployments.deploy_id = hotfix_priority.suspected_deploy_id
where hotfix_priority.defect_id = :defect_id;

-- name: deploys
-- proves: the deploy markers on the timeline: deploys of the defect's services from a week before it was first seen
select
    deploy_id,
    service,
    version,
    deployed_at,
    description
from deployments
where service in (
        select service from defect_event_samples where defect_id = :defect_id
    )
    and deployed_at >= (
        select min(first_seen_at) - interval 7 day from defect_accounts where defect_id = :defect_id
    )
order by deployed_at, deploy_id;

-- name: samples
-- proves: the signatures and endpoints of the matching events, with a raw example of each
select
    service,
    error_code,
    endpoint,
    template,
    event_count,
    affected_accounts,
    first_seen_at,
    last_seen_at,
    example_event_id,
    example_occurred_at,
    example_http_status,
    example_release,
    example_trace_id,
    example_message
from defect_event_samples
where defect_id = :defect_id
order by event_count desc, signature_id, endpoint;

-- name: tickets
-- proves: the linked tickets (every ticket counted, escalated or not)
select
    ticket_id,
    account_id,
    created_at,
    status,
    priority,
    is_escalated,
    linked_defect_id,
    subject,
    description
from defect_tickets
where defect_id = :defect_id
order by created_at, ticket_id;

-- name: rank
-- proves: the defect's place in the published hotfix priority
select priority_rank
from hotfix_priority
where defect_id = :defect_id;

-- name: would_rank
-- proves: where a defect with this score would stand in the published hotfix priority
select count(*) + 1 as would_rank
from hotfix_priority
where severity_score > :severity_score
    and defect_id <> :defect_id;
