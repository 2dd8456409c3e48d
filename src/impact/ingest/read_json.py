"""JSON: newline-delimited objects (one per line), or one document (an array of objects, or
one object).

A document that is an export page (`{"tickets": [...], "next_page": ...}` from Zendesk,
`{"issues": [...], "total": ...}` from Jira) stands for the records in its list. Records are
numbered by their position in the file, a page's records one by one. Each record's keys become
columns of type JSON, so nested values survive for the shapes and into `extra`. A line of JSON
Lines that is not a JSON object is quarantined; a document that does not parse makes the file
unreadable as a whole.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact.ingest.raw_file import RawFile, RejectedLine, quote_identifier, quote_literal
from impact.ingest.sources import SOURCES

# The list a page holds its records in: Zendesk tickets and search, Jira search.
PAGE_KEYS = ("tickets", "results", "issues")
# A page is an object holding such a list and no canonical column: a record that merely has a
# `tickets` column stays a record.
_CANONICAL = sorted({name for source in SOURCES.values() for name in source.column_names})
# One export page can be large (a thousand tickets with their descriptions).
_MAX_DOCUMENT_BYTES = 1 << 30


def read_json_lines(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawFile:
    # Read lines as text (no delimiter, no quoting) so one bad line cannot sink the file.
    con.execute(
        f"create temp table {name}_documents as "
        f"select try_cast(line as json) as doc, line as text, row_number() over () as _number "
        f"from read_csv({quote_literal(str(path))}, columns = {{'line': 'VARCHAR'}}, "
        f"header = false, delim = '\\x1f', quote = '', escape = '', auto_detect = false)"
    )
    return _records(con, name, "not a JSON object")


def read_json(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawFile:
    con.execute(
        f"create temp table {name}_documents as "
        f"select json as doc, null::varchar as text, row_number() over () as _number "
        f"from read_json_objects({quote_literal(str(path))}, format = 'auto', "
        f"maximum_object_size = {_MAX_DOCUMENT_BYTES})"
    )
    return _records(con, name, "array item is not a JSON object")


def _records(con: duckdb.DuckDBPyConnection, name: str, not_an_object: str) -> RawFile:
    """Records of the documents in `{name}_documents`, pages unpacked, with their positions.

    A document is `doc` (JSON; null if it does not parse), `text` (as read, when that is not
    `doc` itself) and `_number` (its line or array position).
    """
    documents, pages = f"{name}_documents", f"{name}_pages"
    page = " ".join(
        f"when json_type(doc, {quote_literal('$.' + key)}) = 'ARRAY' "
        f"then struct_pack(key := {quote_literal(key)}, items := json_extract(doc, "
        f"{quote_literal('$.' + key + '[*]')}))"
        for key in PAGE_KEYS
    )
    # Only a document that mentions a page key is parsed for one: most files have no pages.
    mentions = quote_literal('"(' + "|".join(PAGE_KEYS) + ')"')
    canonical = ", ".join(quote_literal(column) for column in _CANONICAL)
    con.execute(
        f"""
        create temp table {pages} as
        select _number, page.key, page.items
        from (
            select _number, doc, case {page} end as page
            from {documents}
            where regexp_matches(doc::varchar, {mentions}) and json_type(doc) = 'OBJECT'
        )
        where page is not null and not list_has_any(json_keys(doc), [{canonical}])
        """
    )
    # A record's position: its document's number, moved on by the records of earlier pages.
    records = (
        f"(select *, null::varchar as key, null::json[] as items, _number as _first "
        f"from {documents})"
    )
    if _one(con, f"select count(*) from {pages}"):
        records = f"{name}_positioned"
        con.execute(
            f"""
            create temp table {records} as
            select {documents}.*, key, items,
                _number + coalesce(sum(coalesce(len(items) - 1, 0)) over (
                    order by _number rows between unbounded preceding and 1 preceding), 0)
                    as _first
            from {documents} left join {pages} using (_number)
            """
        )
    page_items = (
        f"select unnest(items) as item, generate_subscripts(items, 1) as i, key, _first "
        f"from {records} where items is not null"
    )
    bad = con.execute(
        f"""
        select _first, {quote_literal(not_an_object)}, coalesce(text, doc::varchar)
        from {records}
        where items is null and trim(coalesce(text, doc::varchar, '')) <> ''
            and json_type(doc) is distinct from 'OBJECT'
        union all
        select _first + i - 1, key || ' item is not a JSON object', item::varchar
        from ({page_items})
        where json_type(item) is distinct from 'OBJECT'
        order by 1
        """
    ).fetchall()
    con.execute(
        f"""
        create temp table {name}_objects as
        select doc as obj, _first as _row_number
        from {records}
        where items is null and json_type(doc) = 'OBJECT'
        union all
        select item, _first + i - 1
        from ({page_items})
        where json_type(item) = 'OBJECT'
        """
    )
    rejected = [RejectedLine(int(n), reason, text or "") for n, reason, text in bad]
    return _from_objects(con, f"{name}_objects", rejected)


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


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
