"""What `impact status` shows: the per-file load ledger and quarantine counts."""

from __future__ import annotations

import duckdb

from impact.render import Row

_LEDGER = """
select load_seq, source, path, status, rows_read, rows_loaded, rows_quarantined,
       rows_duplicate, left(file_hash, 12) as file_hash, message, ingested_at
from ingest.files
order by load_seq
"""


def ledger(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return _rows(con, _LEDGER)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
