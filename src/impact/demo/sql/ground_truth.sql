-- Ground truth per defect, counted from what was planted (the plant label), not by
-- re-applying the matching rules: a test that re-applies the contract's rules to the
-- written files and gets the same numbers proves nothing else matches by accident.
-- Bad rows and superseded ticket versions are excluded, as a correct reader excludes them.
with

defects as (
    select defect_id, 'known' as kind, service, error_codes[1] as error_code
    from demo_defects
    union all
    select plant, 'unfiled', service, error_code
    from demo_templates
    where plant = 'REGRESSION'
),

events as (
    select plant, account_no, occurred_at
    from demo_events
    where plant is not null and plant <> 'BAD'
),

event_accounts as (
    select plant, account_no, count(*) as event_count
    from events
    group by plant, account_no
),

tickets as (
    select plant, account_no, created_at, escalated
    from demo_tickets
    where is_latest and not is_bad and plant is not null
),

affected as (
    select plant, account_no from event_accounts
    union
    select plant, account_no from tickets
),

account_stats as (
    select
        af.plant,
        count(*) as affected_accounts,
        count(ea.account_no) as event_accounts,
        count(*) filter (where ea.account_no is null) as ticket_only_accounts,
        count(*) filter (where ea.event_count >= 2) as repeat_affected_accounts,
        count(*) filter (where ea.event_count = 1) as single_event_accounts,
        count(*) filter (where a.plan_tier = 'enterprise') as enterprise_accounts,
        count(*) filter (where a.is_strategic) as strategic_accounts,
        sum(a.arr_usd) as affected_arr_usd
    from affected as af
    inner join demo_accounts as a on af.account_no = a.account_no
    left join event_accounts as ea on af.plant = ea.plant and af.account_no = ea.account_no
    group by af.plant
),

event_stats as (
    select
        plant,
        count(*) as event_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from events
    group by plant
),

ticket_stats as (
    select
        plant,
        count(*) as ticket_count,
        count(*) filter (where escalated) as escalated_ticket_count,
        min(created_at) as first_ticket_at,
        max(created_at) as last_ticket_at
    from tickets
    group by plant
)

select
    d.defect_id,
    d.kind,
    d.service,
    d.error_code,
    coalesce(a.affected_accounts, 0) as affected_accounts,
    coalesce(a.event_accounts, 0) as event_accounts,
    coalesce(a.ticket_only_accounts, 0) as ticket_only_accounts,
    coalesce(a.repeat_affected_accounts, 0) as repeat_affected_accounts,
    coalesce(a.single_event_accounts, 0) as single_event_accounts,
    coalesce(e.event_count, 0) as event_count,
    coalesce(t.ticket_count, 0) as ticket_count,
    coalesce(t.escalated_ticket_count, 0) as escalated_ticket_count,
    coalesce(a.enterprise_accounts, 0) as enterprise_accounts,
    coalesce(a.strategic_accounts, 0) as strategic_accounts,
    coalesce(a.affected_arr_usd, 0)::double as affected_arr_usd,
    iso_z(least(e.first_event_at, t.first_ticket_at)) as first_seen_at,
    iso_z(greatest(e.last_event_at, t.last_ticket_at)) as last_seen_at,
    iso_z(e.first_event_at) as first_event_at,
    iso_z(e.last_event_at) as last_event_at,
    cause.deploy_id as suspected_deploy_id,
    cause.version as suspected_version,
    fix.deploy_id as fix_deploy_id,
    -- the regression has no defect entry: this is the shape its events and tickets share
    case
        when d.kind = 'unfiled'
            then '^Invoice inv_[0-9]+ rendering failed: template variable ''tax_id'' undefined$'
    end as message_regex
from defects as d
left join account_stats as a on d.defect_id = a.plant
left join event_stats as e on d.defect_id = e.plant
left join ticket_stats as t on d.defect_id = t.plant
left join demo_deployments as cause on d.defect_id = cause.plant
left join demo_deployments as fix on d.defect_id || '-fix' = fix.plant
order by d.kind, d.defect_id;
