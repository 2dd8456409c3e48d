-- Valid rows per source after quarantine and ticket de-duplication.
select
    (select count(*) from demo_accounts) as accounts,
    (select count(*) from demo_accounts where churned_at is null) as active_accounts,
    (select count(*) from demo_tickets where is_latest and not is_bad) as tickets,
    (select count(*) from demo_events where plant is distinct from 'BAD') as error_events,
    (select count(*) from demo_deployments) as deployments,
    (select count(*) from demo_defects) as defects;
