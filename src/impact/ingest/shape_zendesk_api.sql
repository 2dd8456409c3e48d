-- A ticket of the Zendesk Support API (the `tickets` of a ticket-list or incremental-export
-- page) as a canonical ticket: the organization is the account, via.channel the channel.
-- status, priority, subject, description, tags, created_at and updated_at keep their names.
select
    json_extract_string({id}, '$') as ticket_id,
    json_extract_string({organization_id}, '$') as account_id,
    json_extract_string({via}, '$.channel') as channel,
    {escalated} as escalated,
    {linked_defect_id} as linked_defect_id,
    {kept}
from ({records})
