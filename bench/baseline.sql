-- The benchmark's baseline: the hotfix-priority numbers of every known defect computed by one
-- plain DuckDB script straight from the landing files (no warehouse, no dbt, no validation).
--
-- It is a deliberately independent re-implementation, a cross-check of the pipeline: it
-- restates the contract's validity rules, the matching rules and the severity formula with
-- the default settings (src/impact/config.py; rationale in dbt_project/DECISIONLOG.md)
-- instead of calling the project's macros. bench/pipeline_bench.py compares its rows with the
-- published hotfix_priority and reports every difference.
--
-- Run it with two variables set, e.g. in the duckdb shell:
--   set variable landing = 'impact_home/landing';
--   set variable as_of = timestamp '2026-11-01 00:00:00';
--   .read bench/baseline.sql
-- What it leaves out: signatures and emerging (suspected) defects, deploy attribution, the
-- detail tables; the severity of a known defect depends on none of them.

set TimeZone = 'UTC';

-- Rows the pipeline would quarantine are left out: a required value missing, or a value that
-- does not parse as its type. Text is trimmed and empty text is missing.
create or replace temp table accounts as
with

rows as (
    select
        nullif(trim(account_id), '') as account_id,
        nullif(trim(plan_tier), '') as plan_tier,
        nullif(trim(arr_usd), '') as arr_text,
        try_cast(nullif(trim(arr_usd), '') as decimal(18, 2)) as arr_usd,
        nullif(trim(is_strategic), '') as strategic_text,
        nullif(trim(churned_at), '') as churned_text,
        try_cast(try_cast(nullif(trim(churned_at), '') as timestamptz) as timestamp) as churned_at,
        row_number() over () as row_number
    from read_csv(getvariable('landing') || '/accounts/*.csv', all_varchar = true, header = true)
),

valid as (
    select *
    from rows
    where account_id is not null
        and plan_tier is not null
        and (arr_text is null or (arr_usd is not null and arr_usd >= 0))
        and (strategic_text is null
            or lower(strategic_text) in ('true', 't', 'yes', 'y', '1', 'false', 'f', 'no', 'n', '0'))
        and (churned_text is null or churned_at is not null)
),

latest as (
    select *
    from valid
    qualify row_number() over (partition by account_id order by row_number desc) = 1
)

select
    account_id,
    lower(plan_tier) as plan_tier,
    coalesce(arr_usd, 0) as arr_usd,
    coalesce(lower(strategic_text) in ('true', 't', 'yes', 'y', '1'), false) as is_strategic,
    churned_at is null or churned_at > getvariable('as_of') as is_active
from latest;

create or replace temp table defects as
with

rows as (
    select
        nullif(trim(defect_id), '') as defect_id,
        nullif(trim(title), '') as title,
        nullif(trim(created_at), '') as created_text,
        try_cast(try_cast(nullif(trim(created_at), '') as timestamptz) as timestamp) as created_at,
        nullif(trim(service), '') as service,
        lower(coalesce(nullif(trim(category), ''), 'unknown')) as category,
        coalesce(error_codes, []) as error_codes,
        nullif(trim(message_pattern), '') as message_pattern,
        coalesce(ticket_tags, []) as ticket_tags,
        row_number() over () as row_number
    from read_json(
        getvariable('landing') || '/defects/*.json',
        columns = {
            defect_id: 'VARCHAR', title: 'VARCHAR', created_at: 'VARCHAR', service: 'VARCHAR',
            category: 'VARCHAR', error_codes: 'VARCHAR[]', message_pattern: 'VARCHAR',
            ticket_tags: 'VARCHAR[]'
        }
    )
)

select defect_id, service, category, error_codes, message_pattern, ticket_tags
from rows
where defect_id is not null
    and title is not null
    and (created_text is null or created_at is not null)
qualify row_number() over (partition by defect_id order by row_number desc) = 1;

create or replace temp table events as
with

rows as (
    select
        nullif(trim(event_id), '') as event_id,
        try_cast(try_cast(occurred_at as timestamptz) as timestamp) as occurred_at,
        nullif(trim(account_id), '') as account_id,
        nullif(trim(service), '') as service,
        nullif(trim(error_code), '') as error_code,
        nullif(trim(message), '') as message,
        level, release, endpoint, http_status, user_id, trace_id,
        filename,
        file_row_number
    from read_parquet(
        getvariable('landing') || '/error_events/*.parquet',
        filename = true,
        file_row_number = true
    )
),

valid as (
    select
        case
            when event_id is not null then 'id:' || event_id
            else md5(concat_ws('|', occurred_at, account_id, service, level, error_code,
                message, release, endpoint, http_status, user_id, trace_id))
        end as event_key,
        occurred_at,
        account_id,
        service,
        error_code,
        message,
        filename,
        file_row_number
    from rows
    where occurred_at is not null
        and account_id is not null
        and service is not null
        and message is not null
),

-- An event delivered twice (the same event_id, else the same content) counts once: the first
-- delivery, as files are loaded in order.
first_deliveries as (
    select event_key, min((filename, file_row_number)) as first_delivery
    from valid
    group by event_key
    having count(*) > 1
)

select event_key, occurred_at, account_id, service, error_code, message
from valid
where occurred_at <= getvariable('as_of')
    and (
        event_key not in (select event_key from first_deliveries)
        or (event_key, (filename, file_row_number)) in (
            select (event_key, first_delivery) from first_deliveries
        )
    );

create or replace temp table tickets as
with

rows as (
    select
        nullif(trim(ticket_id), '') as ticket_id,
        nullif(trim(account_id), '') as account_id,
        nullif(trim(created_at), '') as created_text,
        try_cast(try_cast(nullif(trim(created_at), '') as timestamptz) as timestamp) as created_at,
        nullif(trim(updated_at), '') as updated_text,
        try_cast(try_cast(nullif(trim(updated_at), '') as timestamptz) as timestamp) as updated_at,
        nullif(trim(subject), '') as subject,
        nullif(trim(description), '') as description,
        tags,
        nullif(trim(escalated), '') as escalated_text,
        nullif(trim(linked_defect_id), '') as linked_defect_id,
        row_number() over () as row_number
    from read_json(
        getvariable('landing') || '/tickets/*.jsonl',
        format = 'newline_delimited',
        columns = {
            ticket_id: 'VARCHAR', account_id: 'VARCHAR', created_at: 'VARCHAR',
            updated_at: 'VARCHAR', subject: 'VARCHAR', description: 'VARCHAR',
            tags: 'VARCHAR[]', escalated: 'VARCHAR', linked_defect_id: 'VARCHAR'
        }
    )
),

valid as (
    select *
    from rows
    where ticket_id is not null
        and account_id is not null
        and created_at is not null
        and (updated_text is null or updated_at is not null)
        and (escalated_text is null
            or lower(escalated_text) in ('true', 't', 'yes', 'y', '1', 'false', 'f', 'no', 'n', '0'))
),

-- The version with the latest updated_at (else the last delivered) stands for the ticket.
latest as (
    select *
    from valid
    qualify row_number() over (
        partition by ticket_id order by updated_at desc nulls last, row_number desc
    ) = 1
)

select
    ticket_id,
    account_id,
    created_at,
    coalesce(subject, '') || ' ' || coalesce(description, '') as text,
    list_transform(coalesce(tags, []), lambda tag: lower(trim(tag))) as tags,
    coalesce(lower(escalated_text) in ('true', 't', 'yes', 'y', '1'), false) as is_escalated,
    linked_defect_id
from latest
where created_at <= getvariable('as_of');

-- An event matches a defect by error code (case-insensitive) or message pattern
-- (case-insensitive), on the defect's service when it has one. Each pattern is written into
-- the query as a constant, so it is compiled once rather than once per event.
create or replace temp table code_rules as
select defect_id, service, upper(unnest(error_codes)) as code
from defects;

create or replace temp macro sql_literal(text) as
    chr(39) || replace(text, chr(39), chr(39) || chr(39)) || chr(39);

set variable pattern_matches = (
    select coalesce(
        string_agg(
            'select ' || sql_literal(defect_id) || ' as defect_id, event_key from events '
            || 'where regexp_matches(message, ' || sql_literal(message_pattern) || ', ''i'')'
            || case when service is null then '' else ' and service = ' || sql_literal(service) end,
            ' union all '
        ),
        'select null::varchar as defect_id, null::varchar as event_key where false'
    )
    from defects
    where message_pattern is not null
);

create or replace temp table matched_events as
with

matched as (
    select code_rules.defect_id, events.event_key
    from events
    inner join code_rules
        on upper(events.error_code) = code_rules.code
        and (code_rules.service is null or events.service = code_rules.service)
    union
    select defect_id, event_key from query(getvariable('pattern_matches'))
)

select matched.defect_id, events.event_key, events.account_id, events.occurred_at
from matched
inner join events on matched.event_key = events.event_key;

-- A ticket matches a defect when linked to it, tagged with one of its tags, or quoting one of
-- its error codes as a whole token.
create or replace temp table matched_tickets as
select distinct defects.defect_id, tickets.ticket_id, tickets.account_id, tickets.created_at,
    tickets.is_escalated
from tickets
inner join defects
    on upper(tickets.linked_defect_id) = upper(defects.defect_id)
    or len(list_intersect(
        tickets.tags, list_transform(defects.ticket_tags, lambda tag: lower(trim(tag)))
    )) > 0
    or len(list_intersect(
        regexp_extract_all(upper(tickets.text), '[A-Z0-9_]+(?:[.:\-][A-Z0-9_]+)*'),
        list_transform(defects.error_codes, lambda c: upper(c))
    )) > 0;

with

per_account as (
    select
        defect_id,
        account_id,
        sum(events) as event_count,
        sum(tickets) as ticket_count,
        sum(escalations) as escalated_ticket_count,
        min(signal_at) as first_seen_at
    from (
        select defect_id, account_id, 1 as events, 0 as tickets, 0 as escalations,
            occurred_at as signal_at
        from matched_events
        union all
        select defect_id, account_id, 0, 1, case when is_escalated then 1 else 0 end, created_at
        from matched_tickets
    )
    group by defect_id, account_id
),

reach as (
    select
        per_account.defect_id,
        count(*) as affected_accounts,
        count(*) filter (where event_count >= 2) as repeat_affected_accounts,
        sum(coalesce(accounts.arr_usd, 0)) as affected_arr_usd,
        count(*) filter (where accounts.plan_tier = 'enterprise') as enterprise_accounts,
        count(*) filter (where accounts.is_strategic) as strategic_accounts,
        sum(ticket_count) as ticket_count,
        sum(escalated_ticket_count) as escalated_ticket_count,
        sum(event_count) as event_count,
        min(first_seen_at) as first_seen_at
    from per_account
    left join accounts on per_account.account_id = accounts.account_id
    group by per_account.defect_id
),

-- Trend: matching events and tickets in the last 7 days against the 21 days before.
activity as (
    select
        defect_id,
        count(*) filter (where signal_at > getvariable('as_of') - interval 7 day) as recent,
        count(*) filter (
            where signal_at > getvariable('as_of') - interval 28 day
                and signal_at <= getvariable('as_of') - interval 7 day
        ) as baseline
    from (
        select defect_id, occurred_at as signal_at from matched_events
        union all
        select defect_id, created_at from matched_tickets
    )
    group by defect_id
),

population as (
    select
        count(*) filter (where is_active) as active_accounts,
        sum(case when is_active then arr_usd else 0 end) as total_arr_usd
    from accounts
),

measured as (
    select
        defects.defect_id,
        defects.category,
        coalesce(reach.affected_accounts, 0) as affected_accounts,
        coalesce(reach.repeat_affected_accounts, 0) as repeat_affected_accounts,
        coalesce(reach.affected_arr_usd, 0) as affected_arr_usd,
        coalesce(reach.enterprise_accounts, 0) as enterprise_accounts,
        coalesce(reach.strategic_accounts, 0) as strategic_accounts,
        coalesce(reach.ticket_count, 0) as ticket_count,
        coalesce(reach.escalated_ticket_count, 0) as escalated_ticket_count,
        coalesce(reach.event_count, 0) as event_count,
        case
            when coalesce(activity.recent, 0) = 0 then 'stopped'
            when reach.first_seen_at > getvariable('as_of') - interval 7 day then 'new'
            when activity.recent * 21 > 1.5 * activity.baseline * 7 then 'rising'
            when activity.recent * 21 < 0.5 * activity.baseline * 7 then 'falling'
            else 'steady'
        end as trend,
        population.active_accounts,
        population.total_arr_usd
    from defects
    cross join population
    left join reach on defects.defect_id = reach.defect_id
    left join activity on defects.defect_id = activity.defect_id
),

-- Each component saturates: x / (x + half).
components as (
    select
        *,
        cast(affected_accounts as double) / nullif(cast(active_accounts as double), 0) as reach_share,
        cast(affected_arr_usd as double) / nullif(cast(total_arr_usd as double), 0) as revenue_share,
        cast(enterprise_accounts + strategic_accounts as double) as tier_accounts,
        cast(repeat_affected_accounts as double) / nullif(cast(active_accounts as double), 0)
            as repeat_share,
        cast(ticket_count + escalated_ticket_count as double) as voice_tickets
    from measured
),

scored as (
    select
        *,
        (
            0.30 * (coalesce(reach_share, 0) / (coalesce(reach_share, 0) + 0.03))
            + 0.30 * (coalesce(revenue_share, 0) / (coalesce(revenue_share, 0) + 0.03))
            + 0.15 * (tier_accounts / (tier_accounts + 2.0))
            + 0.10 * (coalesce(repeat_share, 0) / (coalesce(repeat_share, 0) + 0.02))
            + 0.15 * (voice_tickets / (voice_tickets + 5.0))
        ) / 1.0 as impact_score,
        (
            0.6 * case trend
                when 'new' then 1.0 when 'rising' then 0.85 when 'steady' then 0.5
                when 'falling' then 0.25 else 0.0
            end
            + 0.4 * case
                when category in ('data_integrity', 'security', 'availability') then 1.0
                else 0.5
            end
        ) / 1.0 as urgency_score
    from components
),

final as (
    select
        defect_id,
        affected_accounts,
        repeat_affected_accounts,
        affected_arr_usd,
        enterprise_accounts,
        strategic_accounts,
        event_count,
        ticket_count,
        escalated_ticket_count,
        trend,
        round(100 * impact_score * (0.5 + (1 - 0.5) * urgency_score), 1) as severity_score
    from scored
)

select
    *,
    case
        when severity_score >= 60 then 'S1'
        when severity_score >= 40 then 'S2'
        when severity_score >= 20 then 'S3'
        else 'S4'
    end as severity_level
from final
order by defect_id;
