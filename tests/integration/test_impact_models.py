"""The demo month's planted defects come out of the real dbt build with their exact numbers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from impact import pipeline
from impact.cli import main
from impact.config import Settings
from tests.fixtures.demo import defect_truth, published_rows

COUNTED = (
    "affected_accounts",
    "repeat_affected_accounts",
    "event_count",
    "ticket_count",
    "escalated_ticket_count",
    "enterprise_accounts",
    "strategic_accounts",
    "suspected_deploy_id",
    "suspected_version",
)


def _priority(settings: Settings) -> dict[str, dict[str, Any]]:
    rows = published_rows(settings, "select * from hotfix_priority")
    return {row["defect_id"]: row for row in rows}


def test_every_known_defect_has_its_ground_truth_numbers(demo_home, ground_truth):
    table = _priority(demo_home)
    known = [d for d in ground_truth["defects"] if d["kind"] == "known"]
    assert known, "the demo plants known defects"
    for truth in known:
        row = table[truth["defect_id"]]
        assert {k: row[k] for k in COUNTED} == {k: truth[k] for k in COUNTED}, truth["defect_id"]
        assert float(row["affected_arr_usd"]) == pytest.approx(truth["affected_arr_usd"])


def test_empty_export_defect_has_38_repeat_affected_accounts(demo_home):
    row = _priority(demo_home)["BUG-501"]
    assert row["repeat_affected_accounts"] == 38
    assert row["priority_rank"] == 1
    assert row["severity_level"] == "S1"


def test_unfiled_regression_is_a_suspected_defect_with_its_numbers(demo_home, ground_truth):
    truth = defect_truth(ground_truth, "REGRESSION")
    suspected = [r for r in _priority(demo_home).values() if r["source"] == "suspected"]
    assert len(suspected) == 1
    row = suspected[0]
    assert {k: row[k] for k in COUNTED} == {k: truth[k] for k in COUNTED}
    assert row["defect_id"].startswith("sig_")


def test_ranking_puts_broad_revenue_impact_above_noise_and_fixed_defects(demo_home):
    table = _priority(demo_home)
    rank = {defect_id: row["priority_rank"] for defect_id, row in table.items()}
    noisy, fixed = table["BUG-488"], table["BUG-470"]
    # The noisiest defect (most events) on three free accounts ranks below every defect that
    # reaches paying customers; the fixed one has stopped.
    assert noisy["event_count"] == max(r["event_count"] for r in table.values())
    paying = [d for d, r in table.items() if float(r["affected_arr_usd"]) > 0]
    assert all(rank["BUG-488"] > rank[d] for d in paying)
    assert fixed["trend"] == "stopped"
    assert sorted(rank.values()) == list(range(1, len(rank) + 1))


def test_defect_accounts_are_the_evidence_behind_the_counts(demo_home):
    mismatches = published_rows(
        demo_home,
        """
        select p.defect_id
        from hotfix_priority p
        left join (
            select defect_id, count(*) as accounts, sum(event_count) as events,
                   sum(ticket_count) as tickets
            from defect_accounts group by defect_id
        ) e using (defect_id)
        where coalesce(e.accounts, 0) <> p.affected_accounts
           or coalesce(e.events, 0) <> p.event_count
           or coalesce(e.tickets, 0) <> p.ticket_count
        """,
    )
    assert mismatches == []


def test_emerging_lists_the_regression_and_nothing_else(demo_home, ground_truth):
    truth = defect_truth(ground_truth, "REGRESSION")
    rows = published_rows(demo_home, "select * from emerging_signatures")
    assert [
        (
            r["status"],
            r["suspected_deploy_id"],
            r["affected_accounts"],
            r["ticket_count"],
            r["matched_defect_id"],
        )
        for r in rows
    ] == [
        (
            "new_after_deploy",
            truth["suspected_deploy_id"],
            truth["event_accounts"],
            truth["ticket_count"],
            None,
        )
    ]


def test_a_planted_spike_on_an_old_signature_is_emerging_with_its_lifetime_accounts(demo_copy):
    # A signature nobody filed: once a day for 20 days on three accounts (so it is not new),
    # then 40 events in the last 24 hours on five accounts, two of them seen before.
    as_of = datetime(2026, 11, 1)
    history = [
        (as_of - timedelta(days=day, hours=3), f"acc_0000{1 + day % 3}") for day in range(2, 22)
    ]
    spike = [(as_of - timedelta(minutes=20 * n + 5), f"acc_0000{2 + n % 5}") for n in range(40)]
    rows = [
        f"spike-{n},{at:%Y-%m-%dT%H:%M:%SZ},{account},billing,error,LEDGER_SYNC_STALL,"
        f"Ledger sync stalled for batch {1000 + n} after 3 retries"
        for n, (at, account) in enumerate(history + spike)
    ]
    landed = demo_copy.landing / "error_events" / "ledger_sync.csv"
    landed.write_text(
        "event_id,occurred_at,account_id,service,level,error_code,message\n" + "\n".join(rows)
    )
    pipeline.run(demo_copy, as_of=as_of)

    [row] = published_rows(
        demo_copy, "select * from emerging_signatures where error_code = 'LEDGER_SYNC_STALL'"
    )
    accounts = {account for _, account in history + spike}
    assert (row["status"], row["recent_events"], row["event_count"]) == ("spiking", 40, 60)
    assert row["affected_accounts"] == len(accounts) == 6
    assert row["matched_defect_id"] is None


def test_assess_reports_the_empty_export_defect(demo_home, capsys):
    code = main(
        [
            "assess",
            "--home",
            str(demo_home.home),
            "--defect-id",
            "BUG-501",
            "--as-of",
            "2026-11-01T00:00:00Z",
            "--format",
            "json",
        ]
    )
    assert code == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["affected_accounts"], row["repeat_affected_accounts"]) == (48, 38)


def test_assess_a_new_defect_by_pattern_without_touching_the_marts(demo_home, ground_truth, capsys):
    truth = defect_truth(ground_truth, "REGRESSION")
    before = published_rows(demo_home, "select count(*) as n from hotfix_priority")
    code = main(
        [
            "assess",
            "--home",
            str(demo_home.home),
            "--defect-id",
            "BUG-999",
            "--pattern",
            "rendering failed: template variable",
            "--service",
            "billing",
            "--as-of",
            "2026-11-01T00:00:00Z",
            "--format",
            "json",
        ]
    )
    assert code == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["affected_accounts"], row["event_count"], row["suspected_deploy_id"]) == (
        truth["event_accounts"],
        truth["event_count"],
        truth["suspected_deploy_id"],
    )
    assert published_rows(demo_home, "select count(*) as n from hotfix_priority") == before


def test_assess_unknown_defect_without_rules_is_one_clear_error(demo_home, capsys):
    code = main(["assess", "--home", str(demo_home.home), "--defect-id", "BUG-404"])
    assert code != 0
    err = capsys.readouterr().err.strip()
    assert "BUG-404 is not in the defects file" in err and "\n" not in err


def test_status_ledger_adds_up_for_every_demo_file(demo_home, ground_truth, capsys):
    assert main(["status", "--home", str(demo_home.home), "--format", "json"]) == 0
    ledger = json.loads(capsys.readouterr().out)["files"]
    assert len(ledger) == len(ground_truth["files"])
    for entry in ledger:
        assert entry["rows_read"] == (
            entry["rows_loaded"] + entry["rows_quarantined"] + entry["rows_duplicate"]
        )
    quarantined = {
        e["path"].split("/landing/")[1]: e["rows_quarantined"]
        for e in ledger
        if e["rows_quarantined"]
    }
    assert quarantined == ground_truth["quarantine"]
