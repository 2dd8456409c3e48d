-- Paraphrased tickets: seven problems, each written several ways (typos, e-mail signatures,
-- quoted error text), for the ticket clustering and triage benchmarks. Every problem has a
-- cluster label and a triage label (ground truth in ticket_labels.sql), and its evidence is
-- planted where the triage rules look for it: in the account's error events shortly before
-- the ticket.
--   invoice_pdf        suspected_defect  accounts hit by the unfiled regression, after one of
--                                        their regression events
--   dashboard_timeout  product_defect    BUG-505 accounts, after one of their BUG-505 events
--   token_refresh      configuration     a burst of TOKEN_EXPIRED (401) events before the ticket
--   stripe_webhook     configuration     a burst of WEBHOOK_SIGNATURE (400) events
--   due_date_format    configuration     a burst of VALIDATION_ERROR (422) events
--   calendar_sync      user_error_or_question  no planted errors
--   bulk_archive       user_error_or_question  no planted errors
-- None carries a defect's ticket tag, link or error code, and none quotes the regression's
-- whole message, so no planted defect number changes. The bursts reuse background templates,
-- so the set of signatures does not change either.
create or replace table demo_paraphrase_problems as
select
    problem::varchar as problem,
    problem_no::integer as problem_no,
    triage_class::varchar as triage_class,
    defect_id::varchar as defect_id,
    burst_template_id::integer as burst_template_id,
    ticket_total::integer as ticket_total,
    tags::varchar [] as tags
from (
    values
    ('invoice_pdf', 1, 'suspected_defect', 'REGRESSION', null, 10, ['billing', 'invoice']),
    ('dashboard_timeout', 2, 'product_defect', 'BUG-505', null, 8, ['dashboards', 'performance']),
    ('token_refresh', 3, 'configuration', null, 14, 7, ['api', 'authentication']),
    ('stripe_webhook', 4, 'configuration', null, 10, 6, ['billing', 'payments']),
    ('due_date_format', 5, 'configuration', null, 3, 6, ['api', 'integrations']),
    ('calendar_sync', 6, 'user_error_or_question', null, null, 7, ['how_to', 'integrations']),
    ('bulk_archive', 7, 'user_error_or_question', null, null, 6, ['restore_request'])
) as t (problem, problem_no, triage_class, defect_id, burst_template_id, ticket_total, tags);

create or replace table demo_paraphrase_wordings as
select problem::varchar as problem, wording_no::integer as wording_no, subject::varchar as subject,
    description::varchar as description
from (
    values
    (
        'invoice_pdf', 1, 'Invoice PDF won''t download',
        'When we click Download PDF on any invoice we get an error page instead of the file. This started after your update on Tuesday.'
    ),
    (
        'invoice_pdf', 2, 'cant open invoices',
        'hi, none of our invoices open anymore, the pdf just fails. we need to bill clients today!!'
    ),
    (
        'invoice_pdf', 3, 'Error generating invoice PDFs',
        'Generating an invoice PDF fails with: rendering failed: template variable ''tax_id'' undefined. We did not change anything on our side.'
    ),
    (
        'invoice_pdf', 4, 'Invoices broken - 500 error',
        'Every invoice we try to open returns a 500 error. Our accountant cannot send this month''s invoices.'
    ),
    (
        'invoice_pdf', 5, 'Invocie pdf error',
        'The invoice pdf download is broken for us since yesterday, it shows an error about a template variable.'
    ),
    (
        'invoice_pdf', 6, 'Urgent: customers can''t get their invoices',
        'Our customers report that the invoice PDF links in their emails lead to an error. Please fix asap, month end is coming.'
    ),
    (
        'dashboard_timeout', 1, 'Dashboards take forever to load',
        'Our main dashboard spins for half a minute and then gives up with a timeout. Smaller dashboards are fine.'
    ),
    (
        'dashboard_timeout', 2, 'dashbaord not loading',
        'the big team dashboard never finishes loading, after ~30 sec it says the request timed out'
    ),
    (
        'dashboard_timeout', 3, 'Timeout on large dashboard',
        'Opening our portfolio dashboard ends in a timeout error every time. It has around 40 widgets.'
    ),
    (
        'dashboard_timeout', 4, 'Dashboard very slow, then an error',
        'Since this week our dashboards are extremely slow to load and end with "query timed out". Can you look into it?'
    ),
    (
        'dashboard_timeout', 5, 'Management dashboard times out',
        'The management dashboard times out for everyone in our workspace. We present from it on Monday, please help.'
    ),
    (
        'token_refresh', 1, 'Integration keeps getting logged out',
        'Our integration loses its session every hour and the API answers 401. The refresh token seems to be rejected.'
    ),
    (
        'token_refresh', 2, 'Refresh token expired error',
        'We get "refresh token expired" from the auth endpoint although we refresh the token on schedule. Did something change?'
    ),
    (
        'token_refresh', 3, 'API 401 after token refresh',
        'after we refresh the access token our calls still fail with 401 unauthorized. using the python client.'
    ),
    (
        'token_refresh', 4, 'our connector cant stay authenticated',
        'The connector authenticates fine in the morning and then every refresh of the token fails with 401.'
    ),
    (
        'stripe_webhook', 1, 'Stripe payments not showing up',
        'Payments made through Stripe are not marked as paid in the app. Stripe shows the webhooks to you as failed with 400.'
    ),
    (
        'stripe_webhook', 2, 'Stripe webhook signature verification failed',
        'Our Stripe dashboard lists every webhook to you as failed: "signature verification failed". We rotated our Stripe keys last week.'
    ),
    (
        'stripe_webhook', 3, 'stripe events rejected',
        'hi - stripe says your webhook endpoint rejects its events (HTTP 400). payments stay unpaid on our side'
    ),
    (
        'stripe_webhook', 4, 'Paid, but still open - Stripe webhook errors',
        'Customers paid but their payments are not recorded. Stripe webhook deliveries fail with a signature error.'
    ),
    (
        'due_date_format', 1, 'Task creation via API fails with 422',
        'Our integration creates tasks through the API and since Monday every request is rejected with 422: due_date must be an ISO 8601 date.'
    ),
    (
        'due_date_format', 2, 'API rejects our due dates',
        'POST /v1/tasks answers 422 for our due dates, we send them as 05/11/2026. Which date format do you expect?'
    ),
    (
        'due_date_format', 3, 'Zapier zap failing: request body rejected',
        'Our zap that creates tasks fails, the error says "request body rejected", field due_date must be an ISO 8601 date.'
    ),
    (
        'due_date_format', 4, 'cant create tasks from our script',
        'our script that creates tasks gets validation errors on the due date field since we moved it to a new server'
    ),
    (
        'calendar_sync', 1, 'How do I sync tasks with Google Calendar?',
        'Is there a way to see our task due dates in Google Calendar?'
    ),
    (
        'calendar_sync', 2, 'google calender sync?',
        'hi, can tasks show up in my google calender? couldnt find a calendar option anywhere'
    ),
    (
        'calendar_sync', 3, 'Calendar feed for due dates',
        'We would like a calendar feed (iCal) of task due dates for our team. Is a calendar sync supported?'
    ),
    (
        'calendar_sync', 4, 'Outlook / Google calendar sync',
        'Can we subscribe to our project deadlines from an Outlook or Google calendar?'
    ),
    (
        'bulk_archive', 1, 'Archived all tasks by mistake',
        'I selected all tasks and clicked archive instead of export. How can I get the archived tasks back?'
    ),
    (
        'bulk_archive', 2, 'tasks disappeared after bulk archive',
        'i think i archived our whole board by accident, all tasks are gone. can you undo the archive?'
    ),
    (
        'bulk_archive', 3, 'Undo bulk archive',
        'A teammate bulk-archived 200 tasks this morning. Is there a way to unarchive them in one go?'
    ),
    (
        'bulk_archive', 4, 'Where did our tasks go?',
        'After select all + archive our project looks empty. How do we unarchive all the tasks?'
    )
) as t (problem, wording_no, subject, description);

create or replace table demo_paraphrases as
with

tickets as (
    select
        p.*,
        'para-' || p.problem || '-' || n as ticket_key,
        n,
        -- one rank per (problem, ticket) across all problems, to give each its own account
        row_number() over (order by p.problem_no, n) as global_no
    from demo_paraphrase_problems as p
    cross join lateral (select unnest(range(1, p.ticket_total + 1)) as n)
),

-- Accounts for the problems without planted incidents: accounts no incident touched first
-- (so the evidence is the planted one only), each ticket its own account where possible.
bystanders as (
    select
        aa.account_no,
        row_number() over (
            order by
                aa.account_no in (select account_no from demo_incident_accounts),
                hash(getvariable('seed'), aa.account_no, 'paraphrase')
        ) as bystander_rank
    from demo_active_accounts as aa
),

incident_accounts as (
    select
        plant,
        account_no,
        row_number() over (partition by plant order by pick_rank) as incident_rank,
        count(*) over (partition by plant) as incident_accounts
    from demo_incident_accounts
    where role <> 'ticket_only'
),

accounted as (
    select
        t.*,
        coalesce(ia.account_no, b.account_no) as account_no
    from tickets as t
    left join incident_accounts as ia
        on t.defect_id = ia.plant
        and ia.incident_rank = (t.n - 1) % ia.incident_accounts + 1
    left join bystanders as b
        on t.defect_id is null
        and b.bystander_rank
        = (t.global_no - 1) % (select count(*) from bystanders) + 1
),

-- After an incident: one of the account's incident events in the last 13 days (else its
-- latest one), the ticket 20 minutes to 5 hours later.
anchor_events as (
    select
        a.ticket_key,
        arg_max(
            e.occurred_at,
            (
                e.occurred_at >= getvariable('as_of') - interval 13 day,
                hash(getvariable('seed'), a.ticket_key, e.event_key)
            )
        ) as anchor_at
    from accounted as a
    inner join demo_events as e
        on e.plant = a.defect_id
        and e.account_no = a.account_no
        and e.occurred_at < getvariable('as_of') - interval 6 hour
    group by a.ticket_key
),

timed as (
    select
        a.*,
        coalesce(
            ae.anchor_at + to_minutes((20 + pick(a.ticket_key, 'after', 280))::integer),
            ts_between(
                a.ticket_key, 'created',
                getvariable('as_of') - interval 13 day,
                getvariable('as_of') - interval 12 hour
            )
        ) as created_at
    from accounted as a
    left join anchor_events as ae on a.ticket_key = ae.ticket_key
),

worded as (
    select
        t.*,
        w.subject,
        w.description
    from timed as t
    inner join demo_paraphrase_wordings as w
        on t.problem = w.problem
        and w.wording_no = (t.n - 1) % (
            select count(*) from demo_paraphrase_wordings as c where c.problem = t.problem
        ) + 1
)

select
    ticket_key,
    problem,
    triage_class,
    defect_id,
    burst_template_id,
    account_no,
    created_at,
    subject,
    -- chat tickets are often typed in lower case; e-mails end in a signature
    case when rnd(ticket_key, 'lower') < 0.2 then lower(description) else description end
    || [
        '',
        chr(10) || chr(10) || 'Thanks,' || chr(10) || 'Maria',
        chr(10) || chr(10) || '--' || chr(10) || 'John Miller | Head of Operations' || chr(10)
        || 'Sent from my iPhone',
        chr(10) || chr(10) || 'Best regards,' || chr(10) || 'The finance team',
        chr(10) || chr(10) || 'Kind regards, Priya (IT admin)'
    ][pick(ticket_key, 'signature', 5) + 1] as description,
    -- half carry the problem's tags, some one of them, some none
    case
        when rnd(ticket_key, 'tags') < 0.5 then tags
        when rnd(ticket_key, 'tags') < 0.8 then [tags[1]]
        else []::varchar []
    end as tags,
    case when rnd(ticket_key, 'classified') < 0.2 then 'question' else 'unknown' end
    as classification,
    ['new', 'open', 'open', 'pending'][pick(ticket_key, 'status', 4) + 1] as status,
    case when rnd(ticket_key, 'urgent') < 0.3 then 'urgent' else 'high' end as priority,
    rnd(ticket_key, 'escalated') < 0.8 as escalated
from worded
order by created_at, ticket_key;

-- The configuration problems' evidence: 5 to 10 events of the problem's template from the
-- ticket's account in the three hours before the ticket. Keys are negative and far below the
-- incident keys, so they never collide.
insert into demo_events
select
    -(5000000000000000 + hash(getvariable('seed'), p.ticket_key) % 1000000000000 * 100 + k)
    as event_key,
    p.created_at - to_microseconds(
        (600000000 + pick(p.ticket_key || k, 'burst', 10200000000))::bigint
    ) as occurred_at,
    p.account_no,
    p.burst_template_id as template_id,
    'TRIAGE' as plant
from demo_paraphrases as p
cross join lateral (select unnest(range(5 + pick(p.ticket_key, 'burst_size', 6))) as k)
where p.burst_template_id is not null;
