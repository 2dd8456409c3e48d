-- What each landing file contains, in the contract's canonical columns. Every view also
-- carries _sort (row order in the file, so files are byte-identical across runs), _bad (a
-- row a reader must quarantine) and _superseded (a ticket row replaced by a later update);
-- the writer drops those three columns.
create or replace view out_accounts as
select
    account_id,
    name,
    plan_tier,
    arr_usd,
    is_strategic,
    region,
    iso_z(created_at) as created_at,
    iso_z(churned_at) as churned_at,
    -- CSV lists are space-separated, as Zendesk exports tags
    nullif(array_to_string(tags, ' '), '') as tags,
    account_no as _sort,
    false as _bad,
    false as _superseded
from demo_accounts;

create or replace view out_tickets as
select
    ticket_id,
    account_id,
    created_text as created_at,
    iso_offset(updated_at, offset_hours) as updated_at,
    status,
    priority,
    channel,
    subject,
    description,
    tags,
    escalated,
    classification,
    linked_defect_id,
    file_row as _sort,
    is_bad as _bad,
    not is_latest as _superseded
from demo_tickets;

create or replace view out_deployments as
select
    deploy_id,
    service,
    version,
    iso_z(deployed_at) as deployed_at,
    description,
    deploy_id as _sort,
    false as _bad,
    false as _superseded
from demo_deployments;

create or replace view out_defects as
select
    defect_id,
    title,
    status,
    created_at,
    service,
    category,
    error_codes,
    message_pattern,
    ticket_tags,
    defect_id as _sort,
    false as _bad,
    false as _superseded
from demo_defects;

-- one day of events (the day in the export_day variable), with the release each service
-- was running at the time
create or replace view out_events as
with

day_events as (
    select e.*, t.service, t.level, t.error_code, t.http_status, t.endpoint
    from demo_events as e
    inner join demo_templates as t on e.template_id = t.template_id
    where e.occurred_at >= getvariable('export_day')::timestamp
        and e.occurred_at < getvariable('export_day')::timestamp + interval 1 day
),

released as (
    select e.*, d.version as release
    from day_events as e
    asof join demo_deployments as d
        on e.service = d.service and e.occurred_at >= d.deployed_at
)

select
    uuid_of(event_key, 'event_id') as event_id,
    occurred_at::timestamptz as occurred_at,
    case when account_no is not null then account_id_of(account_no) end as account_id,
    service,
    level,
    error_code,
    event_message(template_id, event_key, coalesce(account_no, 0)) as message,
    release,
    endpoint,
    http_status,
    case
        when account_no is not null
            then 'u_' || (account_no * 100 + pick(event_key, 'user', 40))
    end as user_id,
    hex16(event_key, 'trace') || hex16(event_key, 'trace.2') as trace_id,
    {'at': occurred_at, 'key': event_key} as _sort,
    account_no is null as _bad,
    false as _superseded
from released;
