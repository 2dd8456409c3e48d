-- Support tickets: ordinary how-to / user-error / configuration tickets (about 1.25 per
-- account), the tickets of planted incidents, a few later updates of the same ticket, and
-- three rows a reader must quarantine. Ordinary tickets never carry a defect's tag, link or
-- error code, so they never match a defect.
create or replace table demo_ticket_templates as
select
    template_no::integer as template_no,
    classification::varchar as classification,
    subject::varchar as subject,
    description::varchar as description,
    tags::varchar [] as tags
from (
    values
    (
        1, 'question', 'How do I add a teammate to a project?',
        'We onboarded a new colleague today. How do I give them access to project {n}?',
        ['how_to', 'projects']
    ),
    (
        2, 'question', 'Can we change our billing contact?',
        'Our finance lead changed. Where do I update the billing contact for our workspace?',
        ['how_to', 'billing_contact']
    ),
    (
        3, 'question', 'Where can I find the API limits?',
        'Before we build an integration: how many API calls per minute does our plan allow?',
        ['how_to', 'api']
    ),
    (
        4, 'question', 'How to schedule a weekly report?',
        'I would like report {n} emailed to my manager every Monday morning. Is that possible?',
        ['how_to', 'reports']
    ),
    (
        5, 'question', 'Is there a dark mode?',
        'Several people on our team asked whether the app has a dark theme.',
        ['feature_request']
    ),
    (
        6, 'question', 'How do I export all tasks to CSV?',
        'We need a one-off CSV of all tasks in project {n} for an audit.',
        ['how_to', 'data_export']
    ),
    (
        7, 'question', 'Do you support SCIM provisioning?',
        'Our IT team wants to provision users from our identity provider automatically.',
        ['how_to', 'sso']
    ),
    (
        8, 'question', 'Question about our last invoice',
        'Our invoice total is higher than last month. Can you explain the extra seats?',
        ['billing_question']
    ),
    (
        9, 'user_error', 'Cannot log in, reset link expired',
        'I forgot my password and the reset link from yesterday says it has expired.',
        ['password_reset', 'login']
    ),
    (
        10, 'user_error', 'Import failed: file not accepted',
        'I tried to import our task list but the importer rejects the file. It is an .xlsx export from our old tool.',
        ['data_import', 'user_error']
    ),
    (
        11, 'user_error', 'Locked out after too many attempts',
        'A colleague typed the wrong password several times and is now locked out.',
        ['login', 'account_locked']
    ),
    (
        12, 'user_error', 'Deleted a project by mistake',
        'I deleted project {n} by accident this afternoon. Can it be restored?',
        ['restore_request']
    ),
    (
        13, 'user_error', 'API returns 401 Unauthorized',
        'Our script gets 401 responses. We may have used the sandbox key against production.',
        ['api', 'authentication']
    ),
    (
        14, 'user_error', 'Columns not recognized in import',
        'The import ignores our Owner and Due columns. We used headers from an old template.',
        ['data_import']
    ),
    (
        15, 'configuration', 'SAML SSO setup: audience mismatch',
        'We are configuring SAML with our IdP and get an audience mismatch during the test login.',
        ['sso', 'saml', 'configuration']
    ),
    (
        16, 'configuration', 'Webhook URL not receiving events',
        'We registered a webhook endpoint but our server never receives anything.',
        ['webhooks', 'configuration']
    ),
    (
        17, 'configuration', 'Member cannot see a shared dashboard',
        'A member of our team gets an access message on dashboard {n} that I shared with her.',
        ['permissions', 'dashboards']
    ),
    (
        18, 'configuration', 'Notification emails land in spam',
        'Our mail filter marks all notification emails as spam. Which sender domains should we allow?',
        ['notifications', 'email_delivery']
    ),
    (
        19, 'configuration', 'Set up SSO for a second email domain',
        'We acquired a company and want their domain to use our SSO connection too.',
        ['sso', 'domain_verification']
    ),
    (
        20, 'configuration', 'Slack integration posts to the wrong channel',
        'Task updates go to our general channel instead of the project channel.',
        ['integrations', 'slack']
    ),
    (
        21, 'configuration', 'Custom role permissions not applied',
        'We created a custom role without delete rights but its members can still delete tasks.',
        ['permissions', 'roles']
    ),
    (
        22, 'configuration', 'Scheduled reports use the wrong time zone',
        'Our reports arrive at 3 AM local time. Where do we set the workspace time zone?',
        ['reports', 'timezone']
    )
) as t (template_no, classification, subject, description, tags)
order by template_no;

create or replace table demo_tickets as
with

noise_draws as (
    select
        'noise-' || i as ticket_key,
        ts_between(
            i, 'ticket_at', getvariable('month_start'), getvariable('as_of') - interval 2 hour
        ) as created_at,
        pick(i, 'ticket_account', getvariable('active_weight')) as account_draw,
        1 + pick(i, 'ticket_template', (select count(*) from demo_ticket_templates)) as template_no
    from range(getvariable('n_accounts') * 5 // 4) as t (i)
),

noise as (
    select
        n.ticket_key,
        null::varchar as plant,
        a.account_no,
        n.created_at,
        replace(tt.subject, '{n}', (1000 + pick(n.ticket_key, 'n', 9000))::varchar) as subject,
        replace(tt.description, '{n}', (1000 + pick(n.ticket_key, 'n', 9000))::varchar)
        as description,
        tt.tags,
        tt.classification,
        case
            when n.created_at < getvariable('as_of') - interval 7 day then
                case
                    when rnd(n.ticket_key, 'status') < 0.55 then 'closed'
                    when rnd(n.ticket_key, 'status') < 0.90 then 'solved'
                    when rnd(n.ticket_key, 'status') < 0.95 then 'pending'
                    else 'on_hold'
                end
            else
                case
                    when rnd(n.ticket_key, 'status') < 0.20 then 'new'
                    when rnd(n.ticket_key, 'status') < 0.55 then 'open'
                    when rnd(n.ticket_key, 'status') < 0.80 then 'pending'
                    else 'solved'
                end
        end as status,
        case
            when rnd(n.ticket_key, 'priority') < 0.25 then 'low'
            when rnd(n.ticket_key, 'priority') < 0.80 then 'normal'
            when rnd(n.ticket_key, 'priority') < 0.95 then 'high'
            else 'urgent'
        end as priority,
        rnd(n.ticket_key, 'escalated') < 0.03 as escalated,
        null::varchar as linked_defect_id,
        -- about 4% of older tickets are exported again later, solved
        case
            when n.created_at < getvariable('as_of') - interval 3 day
                and rnd(n.ticket_key, 'update') < 0.04 then 'solve'
            else 'none'
        end as update_kind
    from noise_draws as n
    asof join demo_active_accounts as a on n.account_draw >= a.cum_weight
    inner join demo_ticket_templates as tt on n.template_no = tt.template_no
),

deploys as (
    select
        max(deployed_at) filter (where plant = 'BUG-501') as reports_deploy_at,
        max(deployed_at) filter (where plant = 'BUG-470-fix') as sync_fix_at
    from demo_deployments
),

first_hits as (
    select
        plant,
        account_no,
        min(occurred_at) as first_at,
        arg_min(event_key, occurred_at) as first_event_key
    from demo_events
    where plant is not null and plant <> 'BAD'
    group by plant, account_no
),

quota (plant, ticket_total) as (
    values
    ('BUG-501', 24), ('REGRESSION', 15), ('BUG-488', 2), ('BUG-470', 4), ('BUG-505', 6),
    ('BUG-512', 5)
),

-- tickets from accounts that saw the events, filed some time after their first event
event_ticketed as (
    select
        f.*,
        row_number() over (
            partition by f.plant order by hash(getvariable('seed'), f.account_no, f.plant, 'ticket')
        ) as j
    from first_hits as f
    inner join quota as q on f.plant = q.plant
    qualify j <= q.ticket_total
),

ticket_only as (
    select
        ia.plant,
        ia.account_no,
        d.reports_deploy_at + to_days((3 + 8 * (ia.pick_rank - 47))::integer)
        + to_minutes((60 + pick(ia.account_no, 'ticket_only_at', 480))::integer) as first_at,
        null::bigint as first_event_key,
        (24 + ia.pick_rank - 46)::bigint as j
    from demo_incident_accounts as ia
    cross join deploys as d
    where ia.role = 'ticket_only'
),

incident_base as (
    select
        t.plant || '-' || t.j as ticket_key,
        t.plant,
        t.account_no,
        t.j,
        t.first_event_key,
        acc.plan_tier,
        case
            when t.first_event_key is null then t.first_at
            else make_timestamp(
                epoch_us(t.first_at) + (
                    greatest(
                        epoch_us(
                            case when t.plant = 'BUG-470' then d.sync_fix_at else getvariable('as_of') end
                            - interval 2 hour
                        ) - epoch_us(t.first_at),
                        0
                    ) * (0.03 + 0.3 * rnd(t.plant || t.j, 'ticket_delay'))
                )::bigint
            )
        end as created_at
    from (select * from event_ticketed union all select * from ticket_only) as t
    inner join demo_accounts as acc on t.account_no = acc.account_no
    cross join deploys as d
),

incident as (
    select
        ticket_key,
        plant,
        account_no,
        created_at,
        case
            when plant = 'BUG-501' and j > 24 then 'Our nightly export file was empty'
            when plant = 'BUG-501' and j % 5 = 0 then 'Scheduled export is missing data'
            when plant = 'BUG-501' then [
                'Scheduled export arrived empty',
                'Daily report export has no rows',
                'Empty CSV from our 2 AM scheduled export',
                'Scheduled report delivered a blank file again'
            ][j % 4 + 1]
            when plant = 'REGRESSION' and j % 2 = 1
                then event_message(102, first_event_key, account_no)
            when plant = 'REGRESSION' then 'Cannot open or download invoices'
            when plant = 'BUG-488' and j = 1 then 'Getting 429 responses far below our rate limit'
            when plant = 'BUG-488' then 'API throttling on our integration'
            when plant = 'BUG-470' then 'Our endpoint receives every webhook twice'
            when plant = 'BUG-505' then 'Dashboards time out for our team'
            when j % 2 = 1 then 'SSO login fails with SSO_ASSERTION_INVALID'
            else 'Users cannot sign in through Okta'
        end as subject,
        case
            when plant = 'BUG-501' and j > 24 then
                'We see no errors in the app, but the file our scheduled export sent at 2 AM had no rows in it.'
            when plant = 'BUG-501' and j % 5 = 0 then
                'Our morning export contains no data rows although the report itself shows data. '
                || 'Support linked this to the known export issue.'
            when plant = 'BUG-501' then [
                'Our scheduled export of report rpt_' || (1000 + pick(ticket_key, 'rpt', 9000))
                || ' arrived this morning with the header row only. Running the report by hand returns all rows.',
                'The daily export we send to our BI tool has been empty on several mornings. Nothing changed on our side.',
                'The CSV attached to the 2 AM export email is empty. The export log shows EXPORT_EMPTY.',
                'Second time this week the scheduled report file is blank. Our finance team relies on it every morning.'
            ][j % 4 + 1]
            when plant = 'REGRESSION' and j % 2 = 1 then
                'Since yesterday every invoice we open fails with the error in the subject. '
                || 'Our accounts team cannot send invoices to customers.'
            when plant = 'REGRESSION' then
                'Every invoice PDF fails for us. The page shows:' || chr(10)
                || event_message(102, first_event_key, account_no) || chr(10)
                || 'We need this fixed before our month-end close.'
            when plant = 'BUG-488' and j = 1 then
                'Our integration makes about 50 calls a minute but the API answers 429 Too Many Requests.'
            when plant = 'BUG-488' then
                'Responses carry error code RATE_LIMIT_MISCOUNT even with a handful of calls per minute.'
            when plant = 'BUG-470' then
                'Each webhook event reaches our endpoint two or three times, which creates duplicate orders on our side.'
            when plant = 'BUG-505' then
                'Large dashboards spin for 30 seconds and then show a timeout. Smaller dashboards load fine.'
            when j % 2 = 1 then
                'Several of our users cannot sign in with SSO this morning. Password login still works.'
            else
                'After the IdP redirect users see error SSO_ASSERTION_INVALID. Nothing changed in our Okta configuration.'
        end as description,
        case
            when plant = 'BUG-501' and j <= 24 and j % 5 = 0 then ['reports', 'scheduled_export']
            when plant = 'BUG-501' and j <= 24 and j % 2 = 0
                then ['empty_export', 'reports', 'scheduled_export']
            when plant = 'BUG-501' then ['empty_export', 'reports']
            when plant = 'REGRESSION' then ['billing', 'invoice']
            when plant = 'BUG-488' and j = 1 then ['api', 'rate_limit_miscount']
            when plant = 'BUG-488' then ['api', 'throttling']
            when plant = 'BUG-470' then ['duplicate_webhook', 'webhooks']
            when plant = 'BUG-505' then ['dashboard_timeout', 'dashboards']
            else ['sso', 'login']
        end as tags,
        case
            when plant = 'BUG-501' and j <= 24 and j % 5 = 0 then 'defect'
            when j % 3 = 0 then 'defect'
            else 'unknown'
        end as classification,
        case
            when plant = 'BUG-470' then 'solved'
            when j % 2 = 0 then 'pending'
            else 'open'
        end as status,
        case
            when plant = 'BUG-512' then 'urgent'
            when plan_tier = 'enterprise' then 'urgent'
            when plant = 'REGRESSION' or plan_tier in ('business', 'pro') then 'high'
            else 'normal'
        end as priority,
        case plant
            -- ticket 3 is escalated by a later update (see versions below)
            when 'BUG-501' then j in (1, 3, 7, 13, 19)
            when 'REGRESSION' then j in (2, 8, 14)
            when 'BUG-470' then j = 1
            when 'BUG-505' then j = 2
            when 'BUG-512' then j in (1, 4)
            else false
        end as escalated,
        case when plant = 'BUG-501' and j <= 24 and j % 5 = 0 then 'BUG-501' end
        as linked_defect_id,
        case
            when plant = 'BUG-501' and j = 3 then 'escalate'
            when plant = 'REGRESSION' and j = 4 then 'progress'
            else 'none'
        end as update_kind
    from incident_base
),

-- quarantine material: two unparseable created_at values and one row without account_id
-- (the last one carries the empty_export tag, so loading it would inflate BUG-501)
bad as (
    select
        'bad-' || b.n as ticket_key,
        'BAD' as plant,
        b.account_no,
        b.sort_at as created_at,
        b.subject,
        b.description,
        b.tags,
        'unknown' as classification,
        'new' as status,
        'normal' as priority,
        false as escalated,
        null::varchar as linked_defect_id,
        'none' as update_kind,
        b.created_text
    from (
        values
        (
            1, (select min(account_no) from demo_active_accounts), timestamp '2026-10-14 09:30:00',
            '14/10/2026 09:30', 'How do I rename a workspace?',
            'Where is the setting to rename our workspace?', ['how_to']
        ),
        (
            2, (select max(account_no) from demo_active_accounts), timestamp '2026-10-22 09:15:00',
            '2026-10-32T09:15:00Z', 'Two-factor codes not arriving',
            'Our SMS codes take minutes to arrive.', ['login']
        ),
        (
            3, null, timestamp '2026-10-18 10:05:00', null, 'Scheduled export empty',
            'Submitted from the web form: our export this morning was empty.', ['empty_export']
        )
    ) as b (n, account_no, sort_at, created_text, subject, description, tags)
),

unioned as (
    select *, null::varchar as created_text from noise
    union all
    select
        ticket_key, plant, account_no, created_at, subject, description, tags, classification,
        status, priority, escalated, linked_defect_id, update_kind, null::varchar
    from incident
    union all
    select
        ticket_key, plant, account_no, created_at, subject, description, tags, classification,
        status, priority, escalated, linked_defect_id, update_kind, created_text
    from bad
    union all
    select
        ticket_key, 'PARAPHRASE', account_no, created_at, subject, description, tags,
        classification, status, priority, escalated, null, 'none', null
    from demo_paraphrases
),

timed as (
    select
        *,
        -- paraphrased tickets (paraphrases.sql) are numbered apart: the others keep their ids
        format(
            'tkt_{:06d}',
            case when plant = 'PARAPHRASE' then 200000 else 100000 end
            + row_number() over (
                partition by coalesce(plant = 'PARAPHRASE', false) order by created_at, ticket_key
            )
        ) as ticket_id,
        case
            when rnd(ticket_key, 'offset') < 0.12 then 2 else 0
        end as offset_hours,
        greatest(
            created_at + interval 1 minute,
            least(
                case
                    when update_kind = 'none'
                        then created_at + to_minutes((10 + pick(ticket_key, 'touch', 4310))::integer)
                    else created_at + to_minutes((1440 + pick(ticket_key, 'touch', 4320))::integer)
                end,
                getvariable('as_of') - interval 1 minute
            )
        ) as updated_at
    from unioned
),

-- an updated ticket appears twice: first as it was, then (later in the file) as it is
versions as (
    select *, 1 as version_no, update_kind = 'none' as is_latest
    from timed
    union all
    select *, 2, true
    from timed
    where update_kind <> 'none'
)

select
    ticket_id,
    ticket_key,
    account_no,
    case when account_no is not null then account_id_of(account_no) end as account_id,
    created_at,
    coalesce(created_text, iso_offset(created_at, offset_hours)) as created_text,
    case
        when version_no = 1 and not is_latest then make_timestamp(
            epoch_us(created_at) + ((epoch_us(updated_at) - epoch_us(created_at)) * 0.2)::bigint
        )
        else updated_at
    end as updated_at,
    offset_hours,
    case
        when version_no = 1 and not is_latest then 'new'
        when update_kind = 'solve' then 'solved'
        else status
    end as status,
    case
        when version_no = 1 and not is_latest and update_kind = 'escalate' then 'normal'
        else priority
    end as priority,
    ['email', 'web', 'chat', 'api'][
        case
            when rnd(ticket_key, 'channel') < 0.40 then 1
            when rnd(ticket_key, 'channel') < 0.70 then 2
            when rnd(ticket_key, 'channel') < 0.90 then 3
            else 4
        end
    ] as channel,
    subject,
    description,
    tags,
    case
        when version_no = 1 and not is_latest and update_kind = 'escalate' then false
        else escalated
    end as escalated,
    classification,
    linked_defect_id,
    plant,
    version_no,
    is_latest,
    coalesce(plant = 'BAD', false) as is_bad,
    row_number() over (
        order by version_no, case when version_no = 1 then created_at else updated_at end, ticket_id
    ) as file_row
from versions
order by version_no, case when version_no = 1 then created_at else updated_at end, ticket_id;
