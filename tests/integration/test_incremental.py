"""Incremental daily runs publish exactly what a full rebuild publishes.

A home that loaded 30 days and then gets day 31 must end where a home that loads all 31 days at
once ends (the session's demo home). Day 31 brings its error events and a new export of the
tickets, with tickets the first export did not have and tickets whose account or creation time
changed. Changed defect definitions or changed model code make the incremental models start
over; an unchanged day does not.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from impact import pipeline, transform
from impact.config import Settings, load_settings
from impact.demo.generator import DEMO_AS_OF
from impact.gate import ValidationFailed
from impact.publish import PUBLISHED_TABLES, current_snapshot
from impact.warehouse import session
from tests.fixtures.demo import copy_home

LAST_DAY = "events_2026-10-31.parquet"
TICKETS = "tickets.jsonl"
# Ticket clusters rank equally central tickets in no fixed order, so even two full builds of the
# same data can differ there.
COMPARED = tuple(
    t for t in PUBLISHED_TABLES if t not in ("ticket_clusters", "ticket_cluster_members")
)
SIGNED = "intermediate.int_loaded_error_events_signed"
MATCHED = "intermediate.int_loaded_error_events_matched_to_known_defects"


@pytest.fixture(scope="module")
def thirty_days(tmp_path_factory: pytest.TempPathFactory, demo_home: Settings) -> Settings:
    """The demo month without its last day's events and with an earlier tickets export,
    loaded and published."""
    settings = load_settings(tmp_path_factory.mktemp("incremental") / "home")
    shutil.copytree(demo_home.landing, settings.landing, ignore=shutil.ignore_patterns(LAST_DAY))
    tickets = settings.landing / "tickets" / TICKETS
    tickets.write_text(_earlier_export(tickets.read_text().splitlines()))
    pipeline.run(settings, as_of=DEMO_AS_OF)
    return settings


@pytest.fixture(scope="module")
def thirty_one_days(thirty_days: Settings, demo_home: Settings) -> Settings:
    """The home above after day 31 landed and the next daily run (incremental) published."""
    _plant_sentinels(thirty_days)
    shutil.copy2(
        demo_home.landing / "error_events" / LAST_DAY,
        thirty_days.landing / "error_events" / LAST_DAY,
    )
    shutil.copy2(
        demo_home.landing / "tickets" / TICKETS,
        thirty_days.landing / "tickets" / "tickets_2026-10-31.jsonl",
    )
    pipeline.run(thirty_days, as_of=DEMO_AS_OF)
    return thirty_days


def _earlier_export(tickets: list[str]) -> str:
    """The tickets as an export a day earlier: without every other ticket of day 31 (the
    others are already there when day 31's events arrive), and with every 50th ticket on
    another account and created two days earlier (the next export, updated later, corrects it).
    """
    rows = [json.loads(line) for line in tickets]
    accounts = [row["account_id"] for row in rows]
    last_day = [row for row in rows if row["created_at"].startswith("2026-10-31")]
    assert len(last_day) >= 2, "the demo has tickets on its last day"
    kept = [row for row in rows if row not in last_day[::2]]
    for index, row in enumerate(kept[::50]):
        created = datetime.fromisoformat(row["created_at"]) - timedelta(days=2)
        row["account_id"] = accounts[(index * 7 + 3) % len(accounts)]
        row["created_at"] = created.isoformat()
        row["updated_at"] = None
    return "".join(json.dumps(row) + "\n" for row in kept)


def test_a_new_day_publishes_what_a_full_rebuild_publishes(thirty_one_days, demo_home):
    assert _differences(thirty_one_days, demo_home) == {}


def test_a_new_day_signs_and_matches_only_the_new_events(thirty_one_days, demo_home):
    # Rows planted before the run are still there: it appended and rebuilt nothing.
    assert _sentinels(thirty_one_days) == {SIGNED: 1, MATCHED: 1}
    with session(thirty_one_days.warehouse, read_only=True) as con:
        (signed,) = con.execute(f"select count(*) - 1 from {SIGNED}").fetchone() or (0,)
    with session(demo_home.warehouse, read_only=True) as con:
        (events,) = con.execute("select count(*) from raw.error_events").fetchone() or (0,)
    assert signed == events


def test_changed_defect_definitions_match_every_event_again(thirty_one_days, tmp_path):
    changed = tmp_path / "defects_v2.json"
    definitions = json.loads(_first(thirty_one_days.landing / "defects").read_text())
    # BUG-497 had no matching events; now it claims BUG-488's error code.
    codes = {d["defect_id"]: d["error_codes"] for d in definitions}
    for definition in definitions:
        if definition["defect_id"] == "BUG-497":
            definition["error_codes"] = codes["BUG-488"]
            definition["service"] = None
    changed.write_text(json.dumps(definitions))
    pipeline.ingest(thirty_one_days, [changed], "defects")
    pipeline.run(thirty_one_days, as_of=DEMO_AS_OF)

    assert _sentinels(thirty_one_days)[MATCHED] == 0
    fresh = load_settings(tmp_path / "fresh")
    shutil.copytree(thirty_one_days.landing, fresh.landing)
    pipeline.run(fresh, as_of=DEMO_AS_OF)
    assert _differences(thirty_one_days, fresh) == {}
    [row] = _published(thirty_one_days, "hotfix_priority", "defect_id = 'BUG-497'")
    assert row["event_count"] > 0


def test_changed_model_code_rebuilds_the_incremental_models(thirty_one_days):
    _plant_sentinels(thirty_one_days)
    pipeline.run(thirty_one_days, as_of=DEMO_AS_OF)
    assert _sentinels(thirty_one_days) == {SIGNED: 1, MATCHED: 1}

    # As if the last published run had been built by other model code.
    with session(thirty_one_days.warehouse) as con:
        con.execute("update ops.runs set dbt_project_hash = 'other code'")
    pipeline.run(thirty_one_days, as_of=DEMO_AS_OF)
    assert _sentinels(thirty_one_days) == {SIGNED: 0, MATCHED: 0}


def test_changed_settings_rebuild_the_incremental_models(thirty_one_days, tmp_path):
    # The triage windows are incremental and read the lookback: a new one must reach every
    # ticket, not only the new ones.
    home = copy_home(thirty_one_days, tmp_path / "home")
    _plant_sentinels(home)
    (home.home / "impact.toml").write_text("[tickets]\ntriage_lookback_hours = 12\n")
    pipeline.run(load_settings(home.home), as_of=DEMO_AS_OF)
    assert _sentinels(home) == {SIGNED: 0, MATCHED: 0}


def test_an_unchanged_run_keeps_the_views_and_runs_every_data_test(thirty_one_days, tmp_path):
    home = copy_home(thirty_one_days, tmp_path / "home")
    with session(home.warehouse) as con:
        con.execute("comment on view staging.stg_landing__accounts is 'made before'")
    pipeline.run(home, as_of=DEMO_AS_OF)
    with session(home.warehouse, read_only=True) as con:
        comment = con.execute(
            "select comment from duckdb_views() where view_name = 'stg_landing__accounts'"
        ).fetchone()
    assert comment == ("made before",)

    daily = transform.invoke(
        home, "build", "--exclude", "tag:assessment", "--select", pipeline.UNCHANGED_MODELS
    )
    everything = transform.invoke(
        home, "build", "--exclude", "tag:assessment", "--exclude-resource-type", "unit_test"
    )
    assert _data_tests(daily) == _data_tests(everything) != set()
    assert not [n.unique_id for n in daily if n.unique_id.startswith("model.impact.stg_")]


@pytest.mark.parametrize(
    "repeated",
    [
        "select * from raw.error_events order by _load_seq limit 1",  # an event loaded before
        "select * replace ('repeated' as _row_key) from raw.error_events limit 2",  # a new one
    ],
    ids=["an-earlier-event", "another-new-event"],
)
def test_an_event_written_past_ingestion_stops_the_run_before_publishing(demo_copy, repeated):
    # Ingestion never loads a key twice. An event written into the raw table by anything else
    # is one the load ledger does not count, so the run must stop before publishing.
    published = current_snapshot(demo_copy.published)
    with session(demo_copy.warehouse) as con:
        (next_load,) = con.execute("select max(_load_seq) + 1 from raw.error_events").fetchone()
        con.execute(
            f"insert into raw.error_events select * replace ({next_load} as _load_seq) "
            f"from ({repeated})"
        )
    with pytest.raises(ValidationFailed, match="load_ledger.expect_raw_rows_match_ledger"):
        pipeline.run(demo_copy, as_of=DEMO_AS_OF)
    assert current_snapshot(demo_copy.published) == published


def _data_tests(nodes: list[transform.DbtNodeResult]) -> set[str]:
    return {node.unique_id for node in nodes if node.unique_id.startswith("test.")}


def _plant_sentinels(settings: Settings) -> None:
    """A row in each incremental table that only a rebuild removes: loaded before everything,
    occurring after as_of, so no published number sees it."""
    with session(settings.warehouse) as con:
        for table in (SIGNED, MATCHED):
            con.execute(f"delete from {table} where account_id = 'acc_sentinel'")
        con.execute(
            f"insert into {SIGNED} (_load_seq, _row_number, occurred_at, account_id, service, "
            "template, signature_id) values (0, 0, timestamp '2099-01-01', 'acc_sentinel', "
            "'sentinel', 'sentinel', 'sig_sentinel')"
        )
        con.execute(
            f"insert into {MATCHED} (defect_id, event_key, account_id, service, occurred_at, "
            "signature_id, matched_through_load_seq, rules_fingerprint) select 'sentinel', "
            "'sentinel', 'acc_sentinel', 'sentinel', timestamp '2099-01-01', 'sig_sentinel', 0, "
            f"any_value(rules_fingerprint) from {MATCHED}"
        )


def _sentinels(settings: Settings) -> dict[str, int]:
    counts = {}
    with session(settings.warehouse, read_only=True) as con:
        for table in (SIGNED, MATCHED):
            row = con.execute(f"select count(*) from {table} where account_id = 'acc_sentinel'")
            counts[table] = int((row.fetchone() or (0,))[0])
    return counts


def _differences(home: Settings, reference: Settings) -> dict[str, int]:
    """Published tables whose rows differ between two homes (run ids aside)."""
    differences = {}
    ours, theirs = _snapshot(home), _snapshot(reference)
    with duckdb.connect() as con:
        for table in COMPARED:
            mine, other = ours / f"{table}.parquet", theirs / f"{table}.parquet"
            assert mine.exists() == other.exists(), table
            if not mine.exists():
                continue
            columns = [
                row[0]
                for row in con.execute(
                    "describe select * from read_parquet(?)", [str(mine)]
                ).fetchall()
                if row[0] != "run_id"
            ]
            kept = ", ".join(f'"{c}"' for c in columns)
            (count,) = con.execute(
                f"select count(*) from ((select {kept} from read_parquet($1) except all "
                f"select {kept} from read_parquet($2)) union all (select {kept} from "
                f"read_parquet($2) except all select {kept} from read_parquet($1)))",
                [str(mine), str(other)],
            ).fetchone() or (0,)
            if count:
                differences[table] = int(count)
    return differences


def _published(settings: Settings, table: str, where: str) -> list[dict[str, object]]:
    with duckdb.connect() as con:
        cursor = con.execute(
            f"select * from read_parquet(?) where {where}",
            [str(_snapshot(settings) / f"{table}.parquet")],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _snapshot(settings: Settings) -> Path:
    snapshot = current_snapshot(settings.published)
    assert snapshot is not None
    return snapshot


def _first(folder: Path) -> Path:
    return sorted(folder.iterdir())[0]
