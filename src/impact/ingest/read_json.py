"""JSON: newline-delimited objects (one per line) or one array of objects.

Each object's keys become columns of type JSON so nested values survive into `extra`.
A line of JSON Lines that is not a JSON object is quarantined; an array file that does not
parse is unreadable as a whole.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact.ingest.raw_file import RawFile, RejectedLine, quote_identifier, quote_literal


def read_json_lines(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawFile:
    # Read lines as text (no delimiter, no quoting) so one bad line cannot sink the file.
    con.execute(
        f"create temp table {name}_lines as "
        f"select line, row_number() over () as _row_number from read_csv("
        f"{quote_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false, "
        f"delim = '\\x1f', quote = '', escape = '', auto_detect = false)"
    )
    bad = con.execute(
        f"select _row_number, line from {name}_lines where trim(coalesce(line, '')) <> '' "
        f"and coalesce(json_type(try_cast(line as json)) <> 'OBJECT', true) order by 1"
    ).fetchall()
    con.execute(
        f"create temp table {name}_objects as select line::json as obj, _row_number "
        f"from {name}_lines where json_type(try_cast(line as json)) = 'OBJECT'"
    )
    rejected = [RejectedLine(int(n), "not a JSON object", text or "") for n, text in bad]
    return _from_objects(con, f"{name}_objects", rejected)


def read_json_array(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawFile:
    con.execute(
        f"create temp table {name}_items as "
        f"select json as obj, row_number() over () as _row_number "
        f"from read_json_objects({quote_literal(str(path))}, format = 'array')"
    )
    bad = con.execute(
        f"select _row_number, obj::varchar from {name}_items "
        f"where json_type(obj) <> 'OBJECT' order by 1"
    ).fetchall()
    con.execute(
        f"create temp table {name}_objects as select * from {name}_items "
        f"where json_type(obj) = 'OBJECT'"
    )
    rejected = [RejectedLine(int(n), "array item is not a JSON object", t) for n, t in bad]
    return _from_objects(con, f"{name}_objects", rejected)


def _from_objects(
    con: duckdb.DuckDBPyConnection, table: str, rejected: list[RejectedLine]
) -> RawFile:
    keys = [
        row[0]
        for row in con.execute(
            f"select distinct unnest(json_keys(obj)) as k from {table} order by k"
        ).fetchall()
    ]
    if not keys:
        return RawFile(f"select _row_number from {table}", {}, rejected)
    paths = ", ".join(quote_literal("$." + quote_identifier(k)) for k in keys)
    values = ", ".join(f"_v[{i}] as {quote_identifier(k)}" for i, k in enumerate(keys, 1))
    return RawFile(
        select_sql=(
            f"select {values}, _row_number from "
            f"(select json_extract(obj, [{paths}]) as _v, _row_number from {table})"
        ),
        column_types={k: "JSON" for k in keys},
        rejected=rejected,
    )
