"""The data-quality gates, run for real through GX on small crafted tables."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from impact.expectations import LedgerCount, ValidationFacts
from impact.validate import ValidationReport, validate_tables

AS_OF = datetime(2025, 3, 1, 6, 0)
Tables = dict[str, pd.DataFrame]


def good_tables() -> Tables:
    """Three consistent tables: two known defects with evidence, one suspected with none."""
    hotfix_priority = pd.DataFrame(
        {
            "priority_rank": [1, 2, 3],
            "defect_id": ["BUG-1", "BUG-2", "SIG-abc"],
            "title": ["Checkout fails", "Slow search", "New error after deploy"],
            "source": ["known", "known", "suspected"],
            "severity_score": [72.5, 41.0, 0.0],
            "severity_level": ["S1", "S2", "S4"],
            "affected_accounts": [2, 1, 0],
            "repeat_affected_accounts": [1, 0, 0],
            "affected_arr_usd": [1500.0, 1300.0, 0.0],
            "enterprise_accounts": [1, 1, 0],
            "strategic_accounts": [1, 1, 0],
            "ticket_count": [3, 0, 0],
            "escalated_ticket_count": [1, 0, 0],
            "event_count": [10, 2, 0],
            "first_seen_at": pd.to_datetime(["2025-02-01", "2025-02-10", None]),
            "last_seen_at": pd.to_datetime(["2025-02-28", "2025-02-11", None]),
            "trend": ["rising", "falling", "stopped"],
            "suspected_deploy_id": ["dep-7", None, None],
            "suspected_version": ["1.2.0", None, None],
            "score_components": [json.dumps({"reach": {"value": 0.5, "weight": 0.3}})] * 3,
            "category": ["availability", "functional", "unknown"],
            "as_of": [AS_OF] * 3,
            "run_id": ["run-1"] * 3,
        }
    )
    defect_accounts = pd.DataFrame(
        {
            "defect_id": ["BUG-1", "BUG-1", "BUG-2"],
            "account_id": ["A1", "A2", "A1"],
            "account_name": ["Acme", "Globex", "Acme"],
            "plan_tier": ["enterprise", "pro", "enterprise"],
            "arr_usd": [1300.0, 200.0, 1300.0],
            "is_strategic": [True, False, True],
            "event_count": [6, 4, 2],
            "ticket_count": [2, 1, 0],
            "escalated_ticket_count": [1, 0, 0],
            "first_seen_at": pd.to_datetime(["2025-02-01", "2025-02-03", "2025-02-10"]),
            "last_seen_at": pd.to_datetime(["2025-02-28", "2025-02-20", "2025-02-11"]),
        }
    )
    emerging_signatures = pd.DataFrame(
        {
            "signature_id": ["abc"],
            "template": ["timeout after <num> ms"],
            "service": ["api"],
            "first_seen_at": pd.to_datetime(["2025-02-27"]),
            "event_count": [5],
            "affected_accounts": [1],
            "ticket_count": [0],
            "suspected_deploy_id": ["dep-7"],
            "suspected_version": ["1.2.0"],
            "status": ["new_after_deploy"],
            "matched_defect_id": [None],
        }
    )
    return {
        "hotfix_priority": hotfix_priority,
        "defect_accounts": defect_accounts,
        "emerging_signatures": emerging_signatures,
    }


FACTS = ValidationFacts(
    as_of=AS_OF,
    known_account_count=3,
    total_arr_usd=1800,
    known_defect_ids=("BUG-1", "BUG-2"),
    ledger=(LedgerCount("accounts", 3, 3), LedgerCount("tickets", 5, 5)),
)


def failed(report: ValidationReport) -> set[str]:
    return {f"{r.table}.{r.expectation}" for r in report.results if not r.success}


def plant(table: str, column: str, row: int, value: object) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table].loc[row, column] = value

    return change


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[ValidationReport, Path]:
    """One validation of the good tables, with Data Docs and with every socket refused."""
    docs = tmp_path_factory.mktemp("data_docs")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validation tried to open a network connection")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        report = validate_tables(good_tables(), FACTS, docs)
    return report, docs


def test_good_tables_pass(good_run: tuple[ValidationReport, Path]) -> None:
    report, _ = good_run
    assert failed(report) == set()
    assert report.passed and report.failed_blocking == []
    tables = {r.table for r in report.results}
    assert tables == {
        "hotfix_priority",
        "defect_accounts",
        "defect_accounts_rollup",
        "load_ledger",
        "emerging_signatures",
    }
    assert all(r.description for r in report.results)
    names = [f"{r.table}.{r.expectation}" for r in report.results]
    assert len(names) == len(set(names)), "expectation names must be unique per table"


def test_data_docs_are_written(good_run: tuple[ValidationReport, Path]) -> None:
    report, docs = good_run
    assert report.docs_index == docs / "index.html"
    assert report.docs_index.is_file()
    pages = {page.parent.parent.parent.name for page in docs.glob("validations/*/*/*/*.html")}
    assert "hotfix_priority" in pages and "load_ledger" in pages


# Each planted defect breaks exactly one rule (anything else failing is a false alarm), with
# this many unexpected values: a rank gap both misses rank 3 and has rank 4; a duplicated key
# has two rows.
PLANTED = {
    "negative count": (
        plant("hotfix_priority", "enterprise_accounts", 0, -1),
        None,
        "hotfix_priority.expect_count_not_negative[enterprise_accounts]",
        1,
    ),
    "duplicate key": (
        plant("defect_accounts", "account_id", 1, "A1"),
        None,
        "defect_accounts.expect_compound_columns_to_be_unique[defect_id,account_id]",
        2,
    ),
    "score 120": (
        plant("hotfix_priority", "severity_score", 0, 120.0),
        None,
        "hotfix_priority.expect_severity_score_in_range[severity_score]",
        1,
    ),
    "level inconsistent with score": (
        plant("hotfix_priority", "severity_level", 1, "S1"),
        None,
        "hotfix_priority.expect_severity_level_matches_score[severity_score,severity_level]",
        1,
    ),
    "no trend": (
        plant("hotfix_priority", "trend", 2, None),
        None,
        "hotfix_priority.expect_column_values_to_not_be_null[trend]",
        1,
    ),
    "rank gap": (
        plant("hotfix_priority", "priority_rank", 2, 4),
        None,
        "hotfix_priority.expect_rank_is_permutation[priority_rank]",
        2,
    ),
    "repeat-affected above affected": (
        plant("hotfix_priority", "repeat_affected_accounts", 1, 2),
        None,
        "hotfix_priority.expect_part_within_whole[affected_accounts,repeat_affected_accounts]",
        1,
    ),
    "first seen after last seen": (
        plant("defect_accounts", "first_seen_at", 1, pd.Timestamp("2025-02-21")),
        None,
        "defect_accounts.expect_seen_in_order[last_seen_at,first_seen_at]",
        1,
    ),
    "last seen after as_of": (
        plant("hotfix_priority", "last_seen_at", 0, pd.Timestamp(AS_OF + timedelta(hours=1))),
        None,
        "hotfix_priority.expect_seen_by_as_of[last_seen_at]",
        1,
    ),
    "more affected accounts than known": (
        None,
        replace(FACTS, known_account_count=1),
        "hotfix_priority.expect_accounts_within_known[affected_accounts]",
        1,
    ),
    "ARR at risk above total ARR": (
        None,
        replace(FACTS, total_arr_usd=1400),
        "hotfix_priority.expect_arr_at_risk_within_total[affected_arr_usd]",
        1,
    ),
    "known defect missing": (
        None,
        replace(FACTS, known_defect_ids=("BUG-1", "BUG-2", "BUG-3")),
        "hotfix_priority.expect_known_defects_present[defect_id]",
        1,
    ),
    "ledger mismatch": (
        None,
        replace(FACTS, ledger=(LedgerCount("accounts", 3, 3), LedgerCount("tickets", 5, 6))),
        "load_ledger.expect_raw_rows_match_ledger[raw_rows,ledger_rows]",
        1,
    ),
    "evidence does not add up": (
        plant("defect_accounts", "event_count", 0, 7),
        None,
        "defect_accounts_rollup.expect_evidence_matches_summary[event_count,evidence_event_count]",
        1,
    ),
}


@pytest.mark.parametrize(
    ("change", "facts", "expected", "count"), list(PLANTED.values()), ids=list(PLANTED)
)
def test_planted_defect_fails_its_rule_and_blocks(
    change: Callable[[Tables], None] | None,
    facts: ValidationFacts | None,
    expected: str,
    count: int,
) -> None:
    tables = good_tables()
    if change:
        change(tables)
    report = validate_tables(tables, facts or FACTS, None)
    assert failed(report) == {expected}
    assert not report.passed
    assert report.failed_blocking == [expected]
    outcome = next(r for r in report.results if f"{r.table}.{r.expectation}" == expected)
    assert outcome.unexpected_count == count and outcome.detail


def test_warning_failure_does_not_block() -> None:
    tables = good_tables()
    tables["defect_accounts"].loc[1, "plan_tier"] = "unknown"
    report = validate_tables(tables, FACTS, None)
    assert failed(report) == {"defect_accounts.expect_column_values_to_be_in_set[plan_tier]"}
    assert report.passed and report.failed_blocking == []
    warning = next(r for r in report.results if not r.success)
    assert not warning.blocking
    assert warning.unexpected_count == 1 and "unknown" in warning.detail


def test_missing_column_blocks_and_its_rules_fail_closed() -> None:
    # GX raises inside an expectation whose column is missing: that must count as a failure.
    tables = good_tables()
    tables["hotfix_priority"] = tables["hotfix_priority"].drop(columns=["trend"])
    tables.pop("emerging_signatures")
    report = validate_tables(tables, FACTS, None)
    columns = "hotfix_priority.expect_contract_columns"
    trend = "hotfix_priority.expect_column_values_to_be_in_set[trend]"
    trend_required = "hotfix_priority.expect_column_values_to_not_be_null[trend]"
    assert set(report.failed_blocking) == {columns, trend, trend_required}
    assert "emerging_signatures" not in {r.table for r in report.results}
    outcomes = {f"{r.table}.{r.expectation}": r for r in report.results}
    assert outcomes[columns].detail == "missing: trend"
    assert outcomes[trend].detail.startswith("error:") and outcomes[trend].unexpected_count is None


def test_required_table_missing_is_refused() -> None:
    tables = good_tables()
    tables.pop("defect_accounts")
    with pytest.raises(ValueError, match="defect_accounts"):
        validate_tables(tables, FACTS, None)
