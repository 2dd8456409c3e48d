"""The tables ingestion writes: raw.<source> (typed, append-only) and the ingest.* ledger."""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact.ingest.raw_file import quote_identifier
from impact.ingest.sources import RANDOM_TEXT, SOURCES, Column, Source

_LEDGER_SQL = Path(__file__).with_name("ledger.sql")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_LEDGER_SQL.read_text())
    for source in SOURCES.values():
        con.execute(raw_table_ddl(source))


def raw_table_ddl(source: Source) -> str:
    columns = ",\n    ".join(
        f"{quote_identifier(c.name)} {c.kind.sql_type}{_storage(c)}" for c in source.columns
    )
    # _row_key is the identity, else an md5: as random as an event id, so stored the same way.
    return f"""
create table if not exists raw.{source.name} (
    {columns},
    extra json,
    _row_key varchar not null using compression {RANDOM_TEXT},
    _file_hash varchar not null,
    _load_seq bigint not null,
    _row_number bigint not null
)"""


def _storage(column: Column) -> str:
    return f" using compression {column.compression}" if column.compression else ""
