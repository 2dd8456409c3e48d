"""Connections to the DuckDB warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]
# The same settings as dbt's connection (dbt_project/profiles.yml), measured with
# bench/pipeline_bench.py:
SETTINGS = {
    # DuckDB would cache up to 80% of the machine's memory; 3 GB keeps a run at 20M events
    # under 4 GB of RSS.
    "memory_limit": "3GB",
    # A commit of more than 100 kB would checkpoint the whole file instead of writing the WAL:
    # loading 31 daily files then took 7 of 12 s at 1M events. Checkpoint at 1 GB of WAL.
    "auto_checkpoint_skip_wal_threshold": "1000000000",
    "checkpoint_threshold": "1GB",
    # Vacuuming merges the partial row group each loaded file leaves behind, which rewrites
    # the table (7 s after loading 5M events). Raw tables are append-only and models are
    # rebuilt whole, so there is little to reclaim.
    "max_vacuum_tasks": "0",
    # Freed 256 kB blocks went back to the kernel, and new ones were faulted in and zeroed again:
    # a full run at 20M events spent 26-36 s in the kernel, 20-24 s with blocks up to the memory
    # limit kept for reuse (they are released when the database closes).
    "block_allocator_memory": "3GB",
}


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    # Timestamps without an offset are UTC, whatever the machine's zone.
    con.execute("set TimeZone = 'UTC'")
    for name, value in SETTINGS.items():
        con.execute(f"set {name} = '{value}'")
    return con


@contextmanager
def session(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed on exit, so dbt or another process can open the file next."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def fetch_rows(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None
) -> list[Row]:
    cursor = con.execute(sql, parameters or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])
