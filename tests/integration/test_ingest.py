"""Loading the landing zone into DuckDB: formats, keys, bad rows, the ledger, rejected files."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from impact import pipeline
from impact.config import Settings
from impact.ingest import loader
from impact.ingest.landing import ingest_pending
from tests.fixtures.files import write_rows

TICKETS = [
    {
        "ticket_id": "t1",
        "account_id": "acc_1",
        "created_at": "2026-10-01T10:00:00+02:00",
        "tags": ["empty_export", "reports"],
        "escalated": True,
        "subject": "Export empty",
    },
    {
        "ticket_id": "t2",
        "account_id": "acc_2",
        "created_at": "2026-10-02T08:30:00Z",
        "tags": ["billing"],
        "escalated": False,
        "subject": "Invoice wrong",
    },
    {
        "ticket_id": "t3",
        "account_id": "acc_2",
        "created_at": "2026-10-03 09:00:00",
        "tags": [],
        "escalated": False,
        "subject": "How do I export?",
    },
]


def _ingest(settings: Settings, con: duckdb.DuckDBPyConnection) -> list:
    return ingest_pending(con, settings.landing, settings.quarantine)


def _tickets(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select ticket_id, account_id, created_at, tags, escalated, subject "
        "from raw.tickets order by ticket_id"
    ).fetchall()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".ndjson", ".json", ".parquet"])
def test_every_format_loads_the_same_rows(settings, warehouse, suffix):
    write_rows(settings.landing / "tickets" / f"tickets{suffix}", TICKETS)
    [load] = _ingest(settings, warehouse)
    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 3, 3)
    assert _tickets(warehouse) == [
        (
            "t1",
            "acc_1",
            datetime(2026, 10, 1, 8, 0),
            ["empty_export", "reports"],
            True,
            "Export empty",
        ),
        ("t2", "acc_2", datetime(2026, 10, 2, 8, 30), ["billing"], False, "Invoice wrong"),
        ("t3", "acc_2", datetime(2026, 10, 3, 9, 0), None, False, "How do I export?"),
    ]


def test_columns_match_case_insensitively_and_extras_are_kept(settings, warehouse):
    write_rows(
        settings.landing / "accounts" / "a.csv",
        [
            {
                "Account_ID": "acc_1",
                "PLAN_TIER": "enterprise",
                "ARR_usd": "1200.50",
                "crm_owner": "dana",
            },
        ],
    )
    _ingest(settings, warehouse)
    assert warehouse.execute(
        "select account_id, plan_tier, arr_usd::varchar, extra->>'crm_owner' from raw.accounts"
    ).fetchall() == [("acc_1", "enterprise", "1200.50", "dana")]


def test_mixed_formats_in_one_source(settings, warehouse):
    write_rows(settings.landing / "tickets" / "a.csv", TICKETS[:1])
    write_rows(settings.landing / "tickets" / "b.parquet", TICKETS[1:2])
    write_rows(settings.landing / "tickets" / "c.json", TICKETS[2:])
    loads = _ingest(settings, warehouse)
    assert [load.rows_loaded for load in loads] == [1, 1, 1]
    assert [row[0] for row in _tickets(warehouse)] == ["t1", "t2", "t3"]


def test_raw_events_are_stored_the_way_their_text_compresses(settings, warehouse):
    # Compressing event ids, trace ids and row keys shrinks them little and slows every load;
    # messages are free text, which zstd writes faster and smaller than DuckDB's own choice.
    events = [
        {
            "event_id": f"3f2b8c1e-9a4d-4e6f-8b7a-{n:012x}",
            "occurred_at": "2026-10-01T10:00:00Z",
            "account_id": "acc_1",
            "service": "billing",
            "message": f"Export {n} failed",
            "trace_id": f"{n:032x}",
        }
        for n in range(3000)
    ]
    write_rows(settings.landing / "error_events" / "events.parquet", events)
    _ingest(settings, warehouse)
    warehouse.execute("checkpoint")
    stored = dict(
        warehouse.execute(
            "select column_name, string_agg(distinct compression) "
            "from pragma_storage_info('raw.error_events') where segment_type = 'VARCHAR' "
            "and column_name in ('event_id', 'trace_id', '_row_key', 'message', 'account_id') "
            "group by all"
        ).fetchall()
    )
    assert stored.pop("account_id") not in ("Uncompressed", "ZSTD")  # DuckDB's choice
    assert stored == {
        "event_id": "Uncompressed",
        "trace_id": "Uncompressed",
        "_row_key": "Uncompressed",
        "message": "ZSTD",
    }


def test_redelivered_file_and_repeated_rows_never_double_count(settings, warehouse):
    first = write_rows(settings.landing / "tickets" / "day1.jsonl", TICKETS)
    _ingest(settings, warehouse)
    shutil.copy(first, settings.landing / "tickets" / "day1_again.jsonl")
    write_rows(
        settings.landing / "tickets" / "day2.csv",
        TICKETS[1:]
        + [
            {"ticket_id": "t4", "account_id": "acc_3", "created_at": "2026-10-04T00:00:00Z"},
        ],
    )
    again = pipeline.ingest(settings, [first], "tickets")
    loads = _ingest(settings, warehouse)
    assert [(x.status, x.rows_read, x.rows_duplicate) for x in again] == [("duplicate_file", 3, 3)]
    # The copy under a new name has the same content hash: recorded, every row a duplicate.
    assert sorted(
        (x.path.rsplit("/", 1)[1], x.status, x.rows_loaded, x.rows_duplicate) for x in loads
    ) == [("day1_again.jsonl", "duplicate_file", 0, 3), ("day2.csv", "loaded", 1, 2)]
    assert warehouse.execute("select count(*) from raw.tickets").fetchone() == (4,)


def test_text_is_trimmed_of_spaces_and_blank_text_is_missing(settings, warehouse):
    tickets = [
        {"ticket_id": " t1 ", "account_id": "acc_1", "created_at": " 2026-10-01T10:00:00Z"},
        {
            "ticket_id": "t2",
            "account_id": "acc_2",
            "created_at": "2026-10-02T10:00:00Z",
            "subject": "\tExport empty \n  ",
        },
        {
            "ticket_id": "t3",
            "account_id": "   ",
            "created_at": "2026-10-03T10:00:00Z",
            "subject": "",
        },
    ]
    write_rows(settings.landing / "tickets" / "tickets.jsonl", tickets)
    _ingest(settings, warehouse)
    assert warehouse.execute(
        "select ticket_id, account_id, created_at, subject from raw.tickets order by ticket_id"
    ).fetchall() == [
        ("t1", "acc_1", datetime(2026, 10, 1, 10), None),
        ("t2", "acc_2", datetime(2026, 10, 2, 10), "\tExport empty \n"),
    ]
    assert warehouse.execute("select reason from ingest.quarantine").fetchall() == [
        ("missing account_id",)
    ]


def test_bad_rows_are_quarantined_with_reasons(settings, warehouse):
    path = settings.landing / "error_events" / "events.jsonl"
    path.write_text(
        '{"event_id": "e1", "occurred_at": "2026-10-01T00:00:00Z", "account_id": "a",'
        ' "service": "api", "message": "ok", "http_status": 500}\n'
        '{"event_id": "e2", "occurred_at": "yesterday", "account_id": "a",'
        ' "service": "api", "message": "bad time"}\n'
        '{"event_id": "e3", "occurred_at": "2026-10-01T00:00:00Z", "service": "api",'
        ' "message": "no account"}\n'
        '{"event_id": "e4", "occurred_at": "2026-10-01T00:00:00Z", "account_id": "a",'
        ' "service": "api", "message": "bad status", "http_status": "five hundred"}\n'
        "this is not json\n"
        '{"event_id": "e1", "occurred_at": "2026-10-01T00:00:00Z", "account_id": "a",'
        ' "service": "api", "message": "ok", "http_status": 500}\n'
    )
    [load] = _ingest(settings, warehouse)
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined, load.rows_duplicate) == (
        6,
        1,
        4,
        1,
    )
    reasons = warehouse.execute(
        "select row_number, reason from ingest.quarantine order by row_number"
    ).fetchall()
    assert reasons == [
        (2, "invalid timestamp in occurred_at: yesterday"),
        (3, "missing account_id"),
        (4, "invalid integer in http_status: five hundred"),
        (5, "not a JSON object"),
    ]
    quarantine_file = next((settings.quarantine / "error_events").glob("events.jsonl.*.csv"))
    assert quarantine_file.read_text().count("\n") == 5


def test_malformed_csv_lines_keep_their_row_numbers(settings, warehouse):
    path = settings.landing / "accounts" / "accounts.csv"
    path.write_text(
        "account_id,plan_tier,arr_usd,is_strategic\n"
        "acc_1,pro,100,true\n"
        "acc_2,pro,100,true,surplus\n"
        "acc_3,pro,-4,false\n"
        "acc_4,pro,abc,maybe\n"
        "acc_5,free,0,no\n"
    )
    [load] = _ingest(settings, warehouse)
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined) == (5, 2, 3)
    assert warehouse.execute(
        "select row_number, reason from ingest.quarantine order by row_number"
    ).fetchall() == [
        (2, "malformed CSV line: TOO MANY COLUMNS"),
        (3, "arr_usd must be >= 0"),
        (4, "invalid decimal in arr_usd: abc; invalid boolean in is_strategic: maybe"),
    ]
    assert warehouse.execute(
        "select account_id, _row_number from raw.accounts order by 1"
    ).fetchall() == [("acc_1", 1), ("acc_5", 5)]


def test_invalid_defect_pattern_is_quarantined(settings, warehouse):
    write_rows(
        settings.landing / "defects" / "defects.json",
        [
            {"defect_id": "BUG-1", "title": "ok", "message_pattern": "export .* empty"},
            {"defect_id": "BUG-2", "title": "broken", "message_pattern": "(unclosed"},
        ],
    )
    [load] = _ingest(settings, warehouse)
    assert (load.rows_loaded, load.rows_quarantined) == (1, 1)


@pytest.mark.parametrize("store_rows", [1, loader.STORE_ROWS])
def test_a_backlog_loads_as_if_file_by_file(settings, warehouse, monkeypatch, store_rows):
    """Files stored together (the default) or one by one (store_rows=1) load the same rows."""
    monkeypatch.setattr(loader, "STORE_ROWS", store_rows)
    folder = settings.landing / "tickets"
    day1 = write_rows(folder / "day1.jsonl", TICKETS)
    day2 = write_rows(
        folder / "day2.csv",
        TICKETS[1:]
        + [
            {"ticket_id": "t4", "account_id": "acc_3", "created_at": "2026-10-04T00:00:00Z"},
            {"ticket_id": "t5", "account_id": "", "created_at": "2026-10-04T00:00:00Z"},
        ],
    )
    broken = folder / "day3.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    copy = shutil.copy(day1, folder / "day4_resent.jsonl")
    for age, path in enumerate([copy, broken, day2, day1]):
        os.utime(path, (1e9 - age, 1e9 - age))

    loads = _ingest(settings, warehouse)

    assert [
        (
            Path(x.path).name,
            x.status,
            x.rows_read,
            x.rows_loaded,
            x.rows_quarantined,
            x.rows_duplicate,
        )
        for x in loads
    ] == [
        ("day1.jsonl", "loaded", 3, 3, 0, 0),
        ("day2.csv", "loaded", 4, 1, 1, 2),
        ("day3.parquet", "rejected", 0, 0, 0, 0),
        ("day4_resent.jsonl", "duplicate_file", 3, 0, 0, 3),
    ]
    assert [x.rows_loaded for x in loads] == [
        n
        for (n,) in warehouse.execute(
            "select count(raw._load_seq) from ingest.files "
            "left join raw.tickets as raw on raw._load_seq = files.load_seq "
            "group by files.load_seq order by files.load_seq"
        ).fetchall()
    ]
    # Each row keeps the hash of the file it came from.
    assert warehouse.execute(
        "select count(*) from raw.tickets as raw "
        "join ingest.files on raw._load_seq = files.load_seq and raw._file_hash = files.file_hash"
    ).fetchone() == (4,)
    assert warehouse.execute(
        "select path, row_number, reason from ingest.quarantine"
    ).fetchall() == [(str(day2), 4, "missing account_id")]
    assert len(list((settings.quarantine / "tickets").glob("day2.csv.*.csv"))) == 1


def test_ledger_always_adds_up(settings, warehouse):
    write_rows(settings.landing / "tickets" / "a.jsonl", TICKETS + TICKETS[:1])
    (settings.landing / "tickets" / "b.csv").write_text("ticket_id,account_id,created_at\nx,,\n")
    _ingest(settings, warehouse)
    rows = warehouse.execute(
        "select rows_read, rows_loaded + rows_quarantined + rows_duplicate from ingest.files"
    ).fetchall()
    assert len(rows) == 2 and all(read == total for read, total in rows)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.parquet", b"PAR1 this is not parquet", "cannot be read"),
        ("broken.json", b'[{"ticket_id": "t1",', "cannot be read"),
        (
            "no_account.csv",
            b"ticket_id,created_at\nt1,2026-10-01\n",
            "lacks required column(s) account_id",
        ),
    ],
)
def test_unreadable_file_is_rejected_and_changes_nothing(
    settings, warehouse, name, content, expected
):
    write_rows(settings.landing / "tickets" / "good.jsonl", TICKETS)
    _ingest(settings, warehouse)
    before = warehouse.execute("select count(*) from raw.tickets").fetchone()
    (settings.landing / "tickets" / name).write_bytes(content)
    [load] = _ingest(settings, warehouse)
    assert load.status == "rejected"
    assert expected in (load.message or "") and name in (load.message or "")
    assert "\n" not in (load.message or "")
    assert warehouse.execute("select count(*) from raw.tickets").fetchone() == before
    assert warehouse.execute("select count(*) from ingest.quarantine").fetchone() == (0,)
    # A rejected file is remembered by its hash and not retried until its content changes.
    assert _ingest(settings, warehouse) == []


def test_ingest_command_lands_and_loads(settings, tmp_path: Path):
    outside = write_rows(tmp_path / "export" / "tickets.json", TICKETS)
    [load] = pipeline.ingest(settings, [outside], "tickets")
    assert load.rows_loaded == 3
    assert (settings.landing / "tickets" / "tickets.json").exists()
