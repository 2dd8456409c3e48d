-- A row of a flattened Zendesk ticket table (Fivetran's `ticket`: via_channel, custom fields as
-- columns), from CSV, Parquet or JSON, as a canonical ticket. status, priority, subject,
-- description, created_at and updated_at keep their names; tags if the export joined them in.
select
    {id} as ticket_id,
    {organization_id} as account_id,
    {via_channel} as channel,
    {escalated} as escalated,
    {linked_defect_id} as linked_defect_id,
    {kept}
from ({records})
