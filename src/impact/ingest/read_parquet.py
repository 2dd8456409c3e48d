"""Parquet: columns keep their types; the loader casts them like any other value."""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact.ingest.raw_file import RawFile, quote_identifier, quote_literal


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawFile:
    scan = f"read_parquet({quote_literal(str(path))}, file_row_number = true)"
    con.execute(f"create temp view {name} as select * from {scan}")
    column_types = {
        row[0]: row[1]
        for row in con.execute(f"describe {name}").fetchall()
        if row[0] != "file_row_number"
    }
    columns = ", ".join(quote_identifier(c) for c in column_types)
    return RawFile(
        select_sql=f"select {columns}, file_row_number + 1 as _row_number from {name}",
        column_types=column_types,
    )
