-- A bug report's own evidence database: the assessed defect's rows, in the tables and shapes of
-- the published snapshot, so the report's evidence queries run unchanged against either.
-- Runs with the warehouse attached read-only as `warehouse`, after the assessment built it.
create table assessment as
select
    assessment_defects.*,
    run.as_of
from warehouse.params.assessment_defects as assessment_defects
cross join warehouse.params.run as run;

create table hotfix_priority as
select
    cast(null as bigint) as priority_rank,
    * exclude (assessment_id)
from warehouse.assessment.assessment_impact;

create table defect_accounts as
select * from warehouse.assessment.assessment_accounts;

create table defect_daily_activity as
select * from warehouse.assessment.assessment_daily_activity;

create table defect_event_samples as
select * from warehouse.assessment.assessment_event_samples;

create table defect_tickets as
select * from warehouse.assessment.assessment_tickets;

create table deployments as
select * from warehouse.assessment.assessment_deployments;
