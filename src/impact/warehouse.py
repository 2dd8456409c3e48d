"""Connections to the DuckDB warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    # Timestamps without an offset are UTC, whatever the machine's zone.
    con.execute("set TimeZone = 'UTC'")
    return con


@contextmanager
def session(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed on exit, so dbt or another process can open the file next."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()
