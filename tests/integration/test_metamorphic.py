"""Metamorphic tests of the whole pipeline: change the input in a known way, run for real, and
check how the published tables may (and may not) change. A small crafted month, not the demo."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from impact.cli import main
from impact.config import Settings, load_settings
from tests.fixtures.demo import published_rows
from tests.fixtures.scenario import (
    FILES,
    Scenario,
    at,
    base_scenario,
    escalated_ticket,
    export_empty,
)

Table = dict[tuple[str, ...], dict[str, Any]]
TABLES = {
    "hotfix_priority": ("defect_id",),
    "defect_accounts": ("defect_id", "account_id"),
    "emerging_signatures": ("signature_id",),
}
TIMESTAMPS = ("first_seen_at", "last_seen_at", "as_of")


def _run(home: Path, as_of: datetime) -> Settings:
    code = main(["run", "--home", str(home), "--as-of", as_of.isoformat(), "--format", "json"])
    assert code == 0
    return load_settings(home)


def _run_scenario(home: Path, scenario: Scenario) -> Settings:
    settings = load_settings(home)
    settings.ensure_layout()
    scenario.write(settings.landing)
    return _run(home, scenario.as_of)


def _published(settings: Settings) -> dict[str, Table]:
    tables = {}
    for table, key in TABLES.items():
        rows = published_rows(settings, f"select * from {table}")
        # run_id names the run, so it differs between any two runs by design.
        tables[table] = {
            tuple(row[k] for k in key): {c: v for c, v in row.items() if c != "run_id"}
            for row in rows
        }
    return tables


def _differences(
    before: dict[str, Table], after: dict[str, Table], shift: timedelta = timedelta(0)
) -> list[tuple[Any, ...]]:
    """(table, key, column, before, after) wherever `after` is not `before` moved by `shift`."""
    found: list[tuple[Any, ...]] = []
    for table, rows in before.items():
        for key in rows.keys() ^ after[table].keys():
            found.append((table, key, "row", key in rows, key in after[table]))
        for key in rows.keys() & after[table].keys():
            for column, value in rows[key].items():
                moved = value + shift if column in TIMESTAMPS and value is not None else value
                if after[table][key][column] != moved:
                    found.append((table, key, column, value, after[table][key][column]))
    return found


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, Table]]:
    settings = _run_scenario(tmp_path_factory.mktemp("base") / "home", base_scenario())
    tables = _published(settings)
    # The scenario exercises what the relations below rely on.
    priority = tables["hotfix_priority"]
    assert {row["trend"] for row in priority.values()} >= {"new", "steady", "falling", "stopped"}
    assert [row["source"] for row in priority.values()].count("suspected") == 1
    assert priority[("BUG-1",)]["suspected_deploy_id"] == "dep_b2"
    # BUG-2 matches by its message pattern only (read from the defects file at run time, which
    # the dbt unit test of the matching has to mock): 5 events on 3 accounts.
    by_pattern = priority[("BUG-2",)]
    assert (by_pattern["event_count"], by_pattern["affected_accounts"]) == (5, 3)
    return settings, tables


# --- more harm never lowers severity ---------------------------------------------------------


@dataclass(frozen=True)
class Harm:
    """A change that makes `defect_id` hurt more: `account_id` is the account it touches and
    `grows` what it must add to the defect's row."""

    change: Callable[[Scenario], None]
    defect_id: str
    account_id: str
    grows: dict[str, int]


def _add_enterprise_account(s: Scenario) -> None:
    s.accounts.append(
        {"account_id": "acc_11", "plan_tier": "enterprise", "arr_usd": 60000, "region": "us"}
    )
    # Within BUG-1's existing span, so its onset and its "new" trend stay as they were.
    s.error_events += [
        export_empty("acc_11", at(30, 7, 5), 90),
        export_empty("acc_11", at(31, 8), 91),
    ]


def _raise_arr(s: Scenario) -> None:
    account = next(a for a in s.accounts if a["account_id"] == "acc_03")
    account["arr_usd"] += 100000


def _add_escalated_ticket(s: Scenario) -> None:
    s.tickets.append(escalated_ticket("t7", "acc_02", at(30, 9), linked="BUG-3"))


HARMS = {
    "affected_enterprise_account": Harm(
        _add_enterprise_account,
        "BUG-1",
        "acc_11",
        {
            "affected_accounts": 1,
            "enterprise_accounts": 1,
            "event_count": 2,
            "affected_arr_usd": 60000,
        },
    ),
    "more_arr_on_affected_account": Harm(
        _raise_arr, "BUG-1", "acc_03", {"affected_arr_usd": 100000}
    ),
    "escalated_matching_ticket": Harm(
        _add_escalated_ticket, "BUG-3", "acc_02", {"ticket_count": 1, "escalated_ticket_count": 1}
    ),
}


@pytest.mark.parametrize("harm", list(HARMS))
def test_more_harm_never_lowers_severity(base, tmp_path, harm):
    _, before = base
    case = HARMS[harm]
    scenario = base_scenario()
    case.change(scenario)
    after = _published(_run_scenario(tmp_path / "home", scenario))

    old = before["hotfix_priority"][(case.defect_id,)]
    new = after["hotfix_priority"][(case.defect_id,)]
    assert {k: new[k] - old[k] for k in case.grows} == case.grows, "the change did not land"
    # Not only that defect: none that the touched account is evidence of becomes less severe.
    touched = {d for d, a in after["defect_accounts"] if a == case.account_id}
    assert case.defect_id in touched
    scores = {
        d: (
            before["hotfix_priority"][(d,)]["severity_score"],
            after["hotfix_priority"][(d,)]["severity_score"],
        )
        for d in touched
    }
    assert all(new_score >= old_score for old_score, new_score in scores.values()), scores


# --- re-delivery changes nothing ------------------------------------------------------------


def test_redelivering_every_file_changes_nothing(base, tmp_path, capsys):
    base_settings, before = base
    home = tmp_path / "home"
    shutil.copytree(base_settings.home, home, symlinks=True)
    settings = load_settings(home)
    scenario = base_scenario()

    # Byte copies under new names, the same rows in other formats, and `impact ingest` of the
    # very files already delivered.
    for landed in sorted(p for p in settings.landing.rglob("*") if p.is_file()):
        shutil.copy2(landed, landed.with_name(f"{landed.stem}_resent{landed.suffix}"))
    scenario.write(settings.landing, {source: f"again_{source}.parquet" for source in FILES})
    delivery = scenario.write(tmp_path / "delivery")
    assert main(["ingest", "--home", str(home), *map(str, delivery), "--format", "json"]) == 0
    after = _published(_run(home, scenario.as_of))

    assert _differences(before, after) == []
    capsys.readouterr()
    assert main(["status", "--home", str(home), "--format", "json"]) == 0
    ledger = json.loads(capsys.readouterr().out)["files"]
    # Only the first delivery loaded rows; the same rows in new files were all duplicates.
    loaded = {e["path"].split("/landing/")[1]: e["rows_loaded"] for e in ledger if e["rows_loaded"]}
    assert loaded == {
        f"{source}/{name}": len(scenario.rows(source)) for source, name in FILES.items()
    }
    again = [e for e in ledger if "/again_" in e["path"]]
    assert len(again) == len(FILES)
    assert all(e["rows_duplicate"] == e["rows_read"] > 0 for e in again), again


# --- moving everything in time moves only the timestamps -------------------------------------

# Not a whole number of hours or days, so no window may lean on clock or calendar boundaries.
SHIFT = timedelta(days=37, hours=5, minutes=17)


def test_shifting_every_timestamp_and_as_of_moves_only_timestamps(base, tmp_path):
    _, before = base
    after = _published(_run_scenario(tmp_path / "home", base_scenario().shifted(SHIFT)))

    # Counts, scores, levels, trends, ranks, suspected deploys, signature ids: all unchanged;
    # first/last seen and as_of moved by exactly SHIFT.
    assert _differences(before, after, SHIFT) == []
