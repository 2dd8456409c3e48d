"""The tables ingestion writes: raw.<source> (typed, append-only) and the ingest.* ledger."""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact.ingest.raw_file import quote_identifier
from impact.ingest.sources import SOURCES, Source

_LEDGER_SQL = Path(__file__).with_name("ledger.sql")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_LEDGER_SQL.read_text())
    for source in SOURCES.values():
        con.execute(raw_table_ddl(source))
    _add_row_hashes(con)


def _add_row_hashes(con: duckdb.DuckDBPyConnection) -> None:
    """Give the raw tables of a warehouse from before `_row_hash` theirs (once: 20M events,
    about 5 s)."""
    without = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' "
        "and table_name not in (select table_name from information_schema.columns "
        "where table_schema = 'raw' and column_name = '_row_hash')"
    ).fetchall()
    for (table,) in without:
        con.execute(
            f"alter table raw.{table} add column _row_hash uhugeint; "
            f"update raw.{table} set _row_hash = md5_number(_row_key); "
            f"alter table raw.{table} alter column _row_hash set not null"
        )


def raw_table_ddl(source: Source) -> str:
    columns = ",\n    ".join(
        f"{quote_identifier(c.name)} {c.kind.sql_type}" for c in source.columns
    )
    return f"""
create table if not exists raw.{source.name} (
    {columns},
    extra json,
    _row_key varchar not null,
    -- md5_number(_row_key), what ingestion compares to find a repeated row: reading the long
    -- keys of every row loaded so far for each new batch was most of what storing a day of
    -- events cost (20M events: 1.4 of 2.4 s); their 128-bit hashes read in a third of that.
    _row_hash uhugeint not null,
    _file_hash varchar not null,
    _load_seq bigint not null,
    _row_number bigint not null
)"""
