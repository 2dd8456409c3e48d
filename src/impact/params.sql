-- Parameters dbt models read as data (a changed var would force dbt to re-parse the project).
create schema if not exists params;

create or replace table params.run (
    as_of timestamp not null,
    run_id varchar not null
);

create table if not exists params.assessment_defects (
    assessment_id varchar not null,
    defect_id varchar not null,
    title varchar,
    service varchar,
    category varchar,
    error_codes varchar[],
    message_pattern varchar,
    ticket_tags varchar[]
);
