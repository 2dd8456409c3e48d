"""CSV: every column read as text by DuckDB's reader; malformed lines are captured, not lost."""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact.ingest.raw_file import RawFile, RejectedLine, quote_identifier, quote_literal


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawFile:
    rejects, scan = f"{name}_rejects", f"{name}_scan"
    con.execute(
        f"create temp table {name} as "
        f"select *, row_number() over () as _parsed_number from read_csv("
        f"{quote_literal(str(path))}, all_varchar = true, header = true, "
        f"store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{scan}')"
    )
    # A rejected line has no parsed ordinal; data row N of the file is parsed row N minus the
    # rejects before it, so renumber parsed rows to count the rejected lines they follow.
    rejected_rows = con.execute(
        f"select line - 1 as row_number, any_value(error_type), any_value(csv_line) "
        f"from {rejects} group by line order by line"
    ).fetchall()
    con.execute(f"drop table if exists {rejects}; drop table if exists {scan}")
    columns = [c for c in _columns(con, name) if c != "_parsed_number"]
    rejected = [
        RejectedLine(int(n), f"malformed CSV line: {kind}", text) for n, kind, text in rejected_rows
    ]
    offsets = [line.row_number - i for i, line in enumerate(rejected)]
    shift = " + ".join(f"(_parsed_number >= {o})::bigint" for o in offsets) or "0"
    select_columns = ", ".join(quote_identifier(c) for c in columns)
    return RawFile(
        select_sql=f"select {select_columns}, _parsed_number + {shift} as _row_number from {name}",
        column_types={c: "VARCHAR" for c in columns},
        rejected=rejected,
    )


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f"describe {table}").fetchall()]
