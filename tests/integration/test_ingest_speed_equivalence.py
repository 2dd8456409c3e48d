"""What ingestion keeps while it avoids work on good rows: a quarantined row's content as read,
reasons for typed columns (their text is only made for the message), and which copy of a
repeated row is loaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from impact.config import Settings
from impact.ingest.landing import ingest_pending
from tests.fixtures.files import write_rows

GOOD = {
    "event_id": "e1",
    "occurred_at": "2026-10-01T00:00:00Z",
    "account_id": "a",
    "service": "api",
    "message": "ok",
    "http_status": 500,
}
NO_ACCOUNT = {**GOOD, "event_id": "e2", "account_id": None, "message": "no account"}


def _ingest(settings: Settings, con: duckdb.DuckDBPyConnection) -> list:
    return ingest_pending(con, settings.landing, settings.quarantine)


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select row_number, reason, row_content from ingest.quarantine order by row_number"
    ).fetchall()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json", ".parquet"])
def test_quarantined_row_keeps_its_content_as_read(settings, warehouse, suffix):
    write_rows(settings.landing / "error_events" / f"events{suffix}", [GOOD, NO_ACCOUNT])
    [load] = _ingest(settings, warehouse)
    [(row_number, reason, content)] = _quarantine(warehouse)
    assert (load.rows_loaded, row_number, reason) == (1, 2, "missing account_id")
    # CSV is read as text; the other formats keep their values' types.
    as_read = {
        k: str(v) if suffix == ".csv" and v is not None else v for k, v in NO_ACCOUNT.items()
    }
    assert json.loads(content) == as_read


def test_typed_columns_are_checked_and_quoted(settings, warehouse):
    path = settings.landing / "error_events" / "typed.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.table(
            {
                "event_id": ["e1", "e2", "e3"],
                "occurred_at": pa.array(
                    [datetime(2026, 10, 1, tzinfo=UTC), None, datetime(2026, 10, 2, tzinfo=UTC)],
                    pa.timestamp("us", tz="UTC"),
                ),
                "account_id": ["a", "a", "a"],
                "service": ["api", "api", "api"],
                "message": ["ok", "no time", "odd status"],
                "http_status": [500.0, 500.0, 1e30],
            }
        ),
        path,
    )
    [load] = _ingest(settings, warehouse)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 2)
    assert _quarantine(warehouse) == [
        (
            2,
            "missing occurred_at",
            '{"event_id":"e2","occurred_at":null,"account_id":"a","service":"api",'
            '"message":"no time","http_status":500.0}',
        ),
        (
            3,
            "invalid integer in http_status: 1e+30",
            '{"event_id":"e3","occurred_at":"2026-10-02 00:00:00+00","account_id":"a",'
            '"service":"api","message":"odd status","http_status":1e30}',
        ),
    ]


def test_first_good_copy_of_a_row_is_loaded(settings, warehouse):
    events = settings.landing / "error_events"
    write_rows(
        events / "day1.jsonl",
        [{**GOOD, "account_id": None}, GOOD, GOOD, {**GOOD, "event_id": "e9"}],
    )
    [day1] = _ingest(settings, warehouse)
    write_rows(events / "day2.jsonl", [{**GOOD, "event_id": "e9"}, {**GOOD, "event_id": "e10"}])
    [day2] = _ingest(settings, warehouse)
    assert [(x.rows_loaded, x.rows_quarantined, x.rows_duplicate) for x in (day1, day2)] == [
        (2, 1, 1),
        (1, 0, 1),
    ]
    assert warehouse.execute(
        "select event_id, _row_number, _load_seq from raw.error_events order by _load_seq, 2"
    ).fetchall() == [("e1", 2, 1), ("e9", 4, 1), ("e10", 2, 2)]


def test_rows_without_identity_repeat_by_content(settings, warehouse):
    rows = [{**GOOD, "event_id": None}, {**GOOD, "event_id": None, "message": "other"}]
    write_rows(settings.landing / "error_events" / "a.parquet", rows + rows[:1])
    write_rows(settings.landing / "error_events" / "b.csv", rows)
    loads = _ingest(settings, warehouse)
    assert [(x.rows_loaded, x.rows_duplicate) for x in loads] == [(2, 1), (0, 2)]
