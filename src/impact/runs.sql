-- The run ledger: what each run read, built, checked and published (for audits).
create schema if not exists ops;

create table if not exists ops.runs (
    run_id varchar primary key,
    kind varchar not null,               -- daily, assessment
    as_of timestamp not null,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,             -- running, published, failed_build, failed_validation
    message varchar,
    code_version varchar,                -- package version and git commit, when known
    dbt_project_hash varchar,            -- sha256 of the models and macros, and their vars
    dbt_nodes bigint,
    snapshot varchar                     -- the published snapshot folder, when published
);

create table if not exists ops.run_inputs (
    run_id varchar not null,
    load_seq bigint not null,
    source varchar not null,
    path varchar not null,
    file_hash varchar not null,
    rows_loaded bigint not null
);

create table if not exists ops.run_validations (
    run_id varchar not null,
    table_name varchar not null,
    expectation varchar not null,
    description varchar,
    is_blocking boolean not null,
    success boolean not null,
    unexpected_count bigint,
    detail varchar
);
