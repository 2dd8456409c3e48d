"""What `impact status` shows: the per-file load ledger and quarantine counts."""

from __future__ import annotations

import duckdb

from impact.warehouse import Row, fetch_rows

_LEDGER = """
select load_seq, source, path, status, rows_read, rows_loaded, rows_quarantined,
       rows_duplicate, left(file_hash, 12) as file_hash, message, ingested_at
from ingest.files
order by load_seq
"""


def ledger(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return fetch_rows(con, _LEDGER)
