-- Tables ingestion keeps beside the raw data: the per-file load ledger and quarantined rows.
create schema if not exists raw;
create schema if not exists ingest;
create sequence if not exists ingest.load_seq;

create table if not exists ingest.files (
    load_seq bigint primary key,
    file_hash varchar not null,       -- sha256 of the file's bytes: a file's identity
    source varchar not null,
    path varchar not null,
    file_format varchar,
    status varchar not null,          -- loaded, duplicate_file, rejected
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_duplicate bigint not null,
    message varchar,
    ingested_at timestamp not null
);

create table if not exists ingest.quarantine (
    load_seq bigint not null,
    source varchar not null,
    path varchar not null,
    row_number bigint not null,
    reason varchar not null,
    row_content varchar
);

-- The sha256 of each landed file by name, size and modification time: finding the new files
-- then reads only those, not every file ever delivered.
create table if not exists ingest.landed_hashes (
    source varchar not null,
    name varchar not null,
    size bigint not null,
    mtime_ns bigint not null,
    file_hash varchar not null
);
