-- The bug tracker export: five defects with planted impact and three that match nothing
-- this month (BUG-455, BUG-493, BUG-497), which must still appear with zero impact.
create or replace table demo_defects as
select
    defect_id::varchar as defect_id,
    title::varchar as title,
    status::varchar as status,
    created_at::varchar as created_at,
    service::varchar as service,
    category::varchar as category,
    error_codes::varchar [] as error_codes,
    message_pattern::varchar as message_pattern,
    ticket_tags::varchar [] as ticket_tags
from (
    values
    (
        'BUG-455', 'CSV import drops the first column when the file starts with a UTF-8 BOM',
        'in_progress', '2026-09-03T08:12:00Z', 'web', 'functional',
        ['IMPORT_BOM_TRUNCATED'], null, ['csv_bom']
    ),
    (
        'BUG-470', 'Webhook deliveries are duplicated when the first attempt times out',
        'fixed', '2026-10-02T09:30:00Z', 'sync', 'functional',
        null, 'webhook delivery .* duplicated', ['duplicate_webhook']
    ),
    (
        'BUG-488', 'API rate limiter over-counts requests from bursty tokens',
        'open', '2026-09-16T14:05:00Z', 'api', 'performance',
        ['RATE_LIMIT_MISCOUNT'], null, ['rate_limit_miscount']
    ),
    (
        'BUG-493', 'Audit log export skips entries at page boundaries',
        'open', '2026-09-21T10:44:00Z', 'reports', 'data_integrity',
        ['AUDIT_EXPORT_GAP'], null, ['audit_log_gap']
    ),
    (
        'BUG-497', 'Push notifications delayed by up to an hour',
        'wont_fix', '2026-09-25T16:20:00Z', 'notifications', 'availability',
        [], 'push notification .* delayed', ['push_delay']
    ),
    (
        'BUG-501', 'Scheduled report exports are empty right after the nightly cache refresh',
        'open', '2026-10-12T11:02:00Z', 'reports', 'data_integrity',
        ['EXPORT_EMPTY'], null, ['empty_export']
    ),
    (
        'BUG-505', 'Dashboard queries time out on large workspaces',
        'in_progress', '2026-09-19T13:15:00Z', 'web', 'performance',
        null, 'dashboard query .* timed out', ['dashboard_timeout']
    ),
    (
        'BUG-512', 'SAML assertions rejected when the IdP clock is skewed',
        'open', '2026-10-14T08:50:00Z', 'auth', 'security',
        ['SSO_ASSERTION_INVALID'], null, null
    )
) as t (
    defect_id, title, status, created_at, service, category, error_codes, message_pattern,
    ticket_tags
)
order by defect_id;
