-- Error event templates. Ids 1-21 are steady background noise (weight = share of the
-- background volume); ids 101-106 belong to planted incidents and carry no noise weight.
-- Variable parts are only numbers, UUIDs, IPs, emails, quoted values, paths/URLs and ids
-- like inv_123, so a masker turns each template into exactly one signature.
create or replace table demo_templates as
select
    template_id::integer as template_id,
    plant::varchar as plant,
    service::varchar as service,
    level::varchar as level,
    error_code::varchar as error_code,
    http_status::integer as http_status,
    endpoint::varchar as endpoint,
    weight::integer as weight
from (
    values
    (1, null, 'api', 'error', 'UPSTREAM_TIMEOUT', 504, 'GET /v1/projects/{project_id}/members', 9),
    (2, null, 'api', 'warning', 'USER_NOT_FOUND', 404, 'GET /v1/users/{user_id}', 7),
    (3, null, 'api', 'warning', 'VALIDATION_ERROR', 422, 'POST /v1/tasks', 8),
    (4, null, 'api', 'error', 'IDEMPOTENCY_CONFLICT', 409, 'POST /v1/payments', 3),
    (5, null, 'web', 'error', null, null, '/app/projects/:project_id/board', 8),
    (6, null, 'web', 'warning', null, null, '/app', 5),
    (7, null, 'web', 'warning', 'CSRF_MISMATCH', 403, 'POST /app/settings', 4),
    (8, null, 'billing', 'warning', 'CARD_DECLINED', 402, 'POST /billing/charges', 5),
    (9, null, 'billing', 'warning', 'TAX_LOOKUP_MISS', null, 'GET /billing/tax-rates', 4),
    (10, null, 'billing', 'error', 'WEBHOOK_SIGNATURE', 400, 'POST /billing/webhooks/stripe', 3),
    (11, null, 'reports', 'warning', 'REPORT_ROW_LIMIT', 413, 'POST /v1/reports/{report_id}/run', 5),
    (12, null, 'reports', 'warning', null, null, 'GET /v1/dashboards/{dashboard_id}/widgets', 5),
    (13, null, 'auth', 'warning', 'AUTH_FAILED', 401, 'POST /auth/login', 10),
    (14, null, 'auth', 'info', 'TOKEN_EXPIRED', 401, 'POST /auth/token/refresh', 8),
    (15, null, 'auth', 'warning', 'MFA_REJECTED', 401, 'POST /auth/mfa/verify', 3),
    (16, null, 'sync', 'error', 'WEBHOOK_TARGET_ERROR', 502, 'worker:webhook-dispatch', 6),
    (17, null, 'sync', 'warning', 'SYNC_LAG', null, 'worker:connector-sync', 6),
    (18, null, 'sync', 'warning', 'UPSTREAM_RATE_LIMITED', 429, 'worker:connector-sync', 4),
    (19, null, 'sync', 'error', 'DB_DEADLOCK', null, 'worker:connector-sync', 2),
    (20, null, 'web', 'info', 'SESSION_EXPIRED', 401, 'PUT /app/docs/{doc_id}/draft', 5),
    (21, null, 'reports', 'error', null, 500, 'GET /v1/reports/{report_id}/pdf', 2),
    (101, 'BUG-501', 'reports', 'error', 'EXPORT_EMPTY', null, 'job:scheduled-export', 0),
    (
        102, 'REGRESSION', 'billing', 'error', 'INVOICE_RENDER', 500,
        'GET /billing/invoices/{invoice_id}/pdf', 0
    ),
    (103, 'BUG-488', 'api', 'warning', 'RATE_LIMIT_MISCOUNT', 429, 'GET /v1/tasks', 0),
    (104, 'BUG-470', 'sync', 'warning', null, null, 'worker:webhook-dispatch', 0),
    (105, 'BUG-505', 'web', 'error', null, 504, 'POST /api/dashboards/{dashboard_id}/query', 0),
    (106, 'BUG-512', 'auth', 'error', 'SSO_ASSERTION_INVALID', 401, 'POST /sso/saml/acs', 0)
) as t (template_id, plant, service, level, error_code, http_status, endpoint, weight)
order by template_id;

-- One row per unit of weight: a noise event picks a bucket with an equi-join.
create or replace table demo_template_buckets as
select
    (row_number() over (order by template_id, unit) - 1)::bigint as bucket,
    template_id
from (
    select template_id, unnest(range(weight)) as unit
    from demo_templates
    where weight > 0
);

set variable template_weight = (select count(*) from demo_template_buckets);

-- The raw message of an event; every variable part is derived from the event key.
create or replace macro event_message(template_id, event_key, account_no) as
    case template_id
        when 1 then 'Timeout after 30000 ms calling GET /v1/projects/'
            || (1000 + pick(event_key, 'm1', 9000)) || '/members'
        when 2 then 'User u_' || (account_no * 100 + 40 + pick(event_key, 'm1', 60))
            || ' not found in org ' || account_id_of(account_no)
        when 3 then 'Request body rejected: field ''due_date'' must be an ISO 8601 date, got '''
            || format('{:02d}/{:02d}/2026', 1 + pick(event_key, 'm1', 28), 1 + pick(event_key, 'm2', 12))
            || ''''
        when 4 then 'Idempotency key ' || uuid_of(event_key, 'm1')
            || ' reused with a different payload'
        when 5 then 'TypeError: Cannot read properties of undefined (reading ''assignee'') at /app/projects/'
            || (1000 + pick(event_key, 'm1', 9000)) || '/board'
        when 6 then 'ChunkLoadError: Loading chunk ' || (100 + pick(event_key, 'm1', 900))
            || ' failed from https://cdn.example.com/static/js/'
            || (100 + pick(event_key, 'm1', 900)) || '.chunk.js'
        when 7 then 'CSRF token mismatch for session s_' || (100000 + pick(event_key, 'm1', 900000))
        when 8 then 'Card declined for customer cus_' || (10000 + pick(event_key, 'm1', 90000))
            || ': insufficient_funds'
        when 9 then 'Tax rate lookup for postal code '''
            || format('{:05d}', pick(event_key, 'm1', 100000)) || ''' returned no result, defaulting to 0'
        when 10 then 'Stripe webhook evt_' || (1000000 + pick(event_key, 'm1', 9000000))
            || ' signature verification failed from 54.187.' || pick(event_key, 'm2', 256)
            || '.' || pick(event_key, 'm3', 256)
        when 11 then 'Report rpt_' || (1000 + pick(event_key, 'm1', 9000)) || ' exceeded row limit: '
            || (100001 + pick(event_key, 'm2', 400000)) || ' rows, limit 100000'
        when 12 then 'Chart render for widget w_' || (1000 + pick(event_key, 'm1', 9000)) || ' took '
            || (5001 + pick(event_key, 'm2', 9000)) || ' ms, over budget of 5000 ms'
        when 13 then 'Invalid password for user' || (1000 + pick(event_key, 'm1', 9000))
            || '@example.com from ' || (20 + pick(event_key, 'm2', 180)) || '.'
            || pick(event_key, 'm3', 256) || '.' || pick(event_key, 'm4', 256) || '.'
            || (1 + pick(event_key, 'm5', 254))
        when 14 then 'Refresh token ' || uuid_of(event_key, 'm1') || ' expired'
        when 15 then 'MFA code rejected for user u_' || (account_no * 100 + pick(event_key, 'm1', 40))
            || ' (attempts remaining: ' || pick(event_key, 'm2', 5) || ')'
        when 16 then 'Outbound webhook to https://hooks.example.com/in/'
            || (10000 + pick(event_key, 'm1', 90000)) || ' responded 502 after 3 retries'
        when 17 then 'Connector cn_' || (100 + pick(event_key, 'm1', 900)) || ' cursor '
            || uuid_of(event_key, 'm2') || ' lagging by ' || (300 + pick(event_key, 'm3', 3300))
            || ' seconds'
        when 18 then 'Upstream CRM rate limit hit for connector cn_' || (100 + pick(event_key, 'm1', 900))
            || ', retrying in ' || (5 + pick(event_key, 'm2', 55)) || ' s'
        when 19 then 'Deadlock detected on table ''sync_state'' (pid ' || (1000 + pick(event_key, 'm1', 60000))
            || '), transaction retried'
        when 20 then 'Session s_' || (100000 + pick(event_key, 'm1', 900000)) || ' for user u_'
            || (account_no * 100 + pick(event_key, 'm2', 40)) || ' expired while saving draft d_'
            || (1000 + pick(event_key, 'm3', 90000))
        when 21 then 'PDF renderer exited with code 137 for job job_' || (10000 + pick(event_key, 'm1', 90000))
            || ' (memory limit 2048 MB)'
        when 101 then 'Scheduled export exp_' || (account_no * 10 + pick(event_key, 'm1', 3))
            || ' of report rpt_' || (1000 + pick(event_key, 'm2', 9000))
            || ' delivered an empty file: 0 rows written, source query returned '
            || (20 + pick(event_key, 'm3', 5000)) || ' rows'
        when 102 then 'Invoice inv_' || (40000 + pick(event_key, 'm1', 60000))
            || ' rendering failed: template variable ''tax_id'' undefined'
        when 103 then 'Rate limit counter for token tok_' || (account_no * 7 + 10007) || ' exceeded: '
            || (1001 + pick(event_key, 'm1', 400)) || ' requests counted, limit 1000 per 60 s'
        when 104 then 'Webhook delivery whd_' || (100000 + pick(event_key, 'm1', 900000))
            || ' duplicated: event evt_' || (1000000 + pick(event_key, 'm2', 9000000)) || ' sent '
            || (2 + pick(event_key, 'm3', 3)) || ' times to https://hooks.example.com/in/'
            || (10000 + account_no)
        when 105 then 'Dashboard query q_' || (10000 + pick(event_key, 'm1', 90000))
            || ' timed out after 30 s on workspace ws_' || (account_no * 10 + pick(event_key, 'm2', 5))
        when 106 then 'SAML assertion for user u_' || (account_no * 100 + pick(event_key, 'm1', 40))
            || ' rejected: NotOnOrAfter is ' || (61 + pick(event_key, 'm2', 600))
            || ' s in the past (allowed skew 60 s)'
    end;
