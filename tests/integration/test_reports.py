"""What analysts and leads read: the bug report backs every number with a query, the HTML report
renders in a real browser with nothing loaded from the network, personal data is masked."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from impact import pipeline
from impact.cli import main
from impact.config import Settings
from impact.locking import writer_lock
from impact.publish import SNAPSHOT_DB, current_snapshot
from impact.report.pii import EMAIL, PHONE, mask_pii
from impact.warehouse import fetch_rows
from tests.fixtures.demo import DEMO_AS_OF, assess_json, defect_truth, published_rows
from tests.fixtures.files import write_rows
from tests.integration.browser import visit

TEXT_COLUMNS = ("subject", "description", "example_message", "template")


def _run_query(database: str, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(database, read_only=True)
    try:
        return [_as_json(row) for row in fetch_rows(con, sql)]
    finally:
        con.close()


def _as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A result row as the report's JSON states it (text masked, times as ISO strings)."""

    def value(key: str, v: Any) -> Any:
        if key in TEXT_COLUMNS:
            return mask_pii(v)
        if isinstance(v, datetime | date):
            return v.isoformat()
        if isinstance(v, Decimal):
            return float(v)
        return v

    return {k: value(k, v) for k, v in row.items()}


def test_bug_report_of_the_empty_export_defect_is_backed_by_the_snapshot(
    demo_home: Settings, ground_truth: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    truth = defect_truth(ground_truth, "BUG-501")
    row = assess_json(demo_home.home, capsys, "--defect-id", "BUG-501")
    report = row["bug_report"]

    # The ground truth, as the report states it.
    accounts = report["accounts"]
    assert (
        accounts["affected_accounts"],
        accounts["repeat_affected_accounts"],
        accounts["event_count"],
        accounts["ticket_count"],
        accounts["escalated_ticket_count"],
        report["suspected_deploy"]["deploy_id"],
    ) == (48, 38, 312, 26, 5, "dep_0015")
    assert accounts["affected_accounts"] == truth["affected_accounts"]
    assert accounts["affected_arr_usd"] == pytest.approx(truth["affected_arr_usd"])
    markdown = Path(report["files"]["report.md"]).read_text()
    for stated in (
        "48 customer accounts",
        "38 accounts hit 2 or more times",
        "312 matching errors",
        "26 support tickets, 5 of them escalated",
        "deploy dep_0015 (reports 4.2.0",
        "where defect_id = 'BUG-501'",
    ):
        assert stated in markdown, stated

    # The evidence: a known defect assessed at the snapshot's as_of is cited from the snapshot,
    # and every query, run there, returns exactly what the report states.
    evidence = report["evidence"]
    snapshot = current_snapshot(demo_home.published)
    assert snapshot is not None
    assert evidence["cites_published_snapshot"] is True
    assert evidence["database"] == str(snapshot / SNAPSHOT_DB)
    queries = {q["name"]: q for q in evidence["queries"]}
    assert set(queries) >= {"headline", "severity", "daily", "tickets", "samples", "rank"}
    for query in queries.values():
        assert _run_query(query["database"], query["sql"]) == query["rows"], query["name"]
        assert query["sql"] in markdown

    [headline] = _run_query(evidence["database"], queries["headline"]["sql"])
    assert (
        headline["affected_accounts"],
        headline["repeat_affected_accounts"],
        headline["event_count"],
        headline["ticket_count"],
        headline["escalated_ticket_count"],
    ) == (48, 38, 312, 26, 5)
    tickets = _run_query(evidence["database"], queries["tickets"]["sql"])
    assert (len(tickets), sum(t["is_escalated"] for t in tickets)) == (26, 5)
    days = _run_query(evidence["database"], queries["daily"]["sql"])
    assert sum(d["event_count"] for d in days) == 312
    assert sum(d["ticket_count"] for d in days) == 26
    [severity] = _run_query(evidence["database"], queries["severity"]["sql"])
    assert severity["suspected_deploy_id"] == "dep_0015"
    assert _run_query(evidence["database"], queries["rank"]["sql"]) == [{"priority_rank": 1}]

    # The report's own evidence database holds the same rows.
    folder = Path(report["files"]["report.md"]).parent
    for name in ("headline", "daily", "tickets", "samples"):
        assert (
            _run_query(str(folder / "evidence.duckdb"), queries[name]["sql"])
            == (queries[name]["rows"])
        )

    # The files next to the report.
    with (folder / "accounts.csv").open() as handle:
        listed = list(csv.DictReader(handle))
    assert len(listed) == 48 and {a["defect_id"] for a in listed} == {"BUG-501"}
    assert (folder / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![Events and tickets per day, with deploys](timeline.png)" in markdown
    assert json.loads((folder / "report.json").read_text())["defect_id"] == "BUG-501"


def test_bug_report_of_a_new_defect_cites_its_own_evidence_and_says_why(
    demo_home: Settings, ground_truth: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    truth = defect_truth(ground_truth, "REGRESSION")
    row = assess_json(
        demo_home.home,
        capsys,
        "--defect-id",
        "BUG-998",
        "--pattern",
        "rendering failed: template variable",
        "--service",
        "billing",
    )
    evidence = row["bug_report"]["evidence"]
    assert evidence["cites_published_snapshot"] is False
    assert "not in the published hotfix_priority" in evidence["not_in_snapshot"]
    assert evidence["database"].endswith("reports/bugs/BUG-998/evidence.duckdb")
    queries = {q["name"]: q for q in evidence["queries"]}
    [headline] = _run_query(evidence["database"], queries["headline"]["sql"])
    assert (headline["affected_accounts"], headline["event_count"]) == (
        truth["event_accounts"],
        truth["event_count"],
    )
    # Its rank is where its score would stand in the published table.
    would_rank = queries["would_rank"]
    assert would_rank["database"].endswith(SNAPSHOT_DB)
    assert _run_query(would_rank["database"], would_rank["sql"]) == would_rank["rows"]
    markdown = Path(row["report"]).read_text()
    assert "does not reproduce this report: the defect is not in the published" in markdown


def test_assess_prints_the_bug_report_as_markdown(
    demo_home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "assess",
        "--home",
        str(demo_home.home),
        "--defect-id",
        "BUG-501",
        "--as-of",
        DEMO_AS_OF,
    ]
    assert main([*argv, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# BUG-501: Scheduled report exports are empty")
    assert "## Evidence" in out and "```sql" in out
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "bug report" in table and "reports/bugs/BUG-501/report.md" in table


def test_html_report_renders_in_headless_chromium(
    demo_home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--home", str(demo_home.home), "--format", "json"]) == 0
    [written] = json.loads(capsys.readouterr().out)
    path = Path(written["report"])
    defects = published_rows(demo_home, "select defect_id, affected_accounts from hotfix_priority")
    active = [d for d in defects if d["affected_accounts"]]

    page = visit(
        path.as_uri(),
        ready=f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(active)}",
        checks={
            "rows": "document.querySelectorAll('#priority-table tbody tr').length",
            "first": "document.querySelector('#priority-table tbody tr td:nth-child(2)').innerText",
            "charts": "document.querySelectorAll('.js-plotly-plot .main-svg').length",
            # Sorting by events, highest first: two clicks on the header (ascending, then
            # descending).
            "sorted": """(() => {
                const th = [...document.querySelectorAll('#priority-table th')]
                    .find(h => h.textContent.trim() === 'Events');
                th.click(); th.click();
                return document.querySelector('#priority-table tbody tr td:nth-child(2)')
                    .innerText;
            })()""",
            # Filtering on a defect id leaves its row alone.
            "filtered": """(() => {
                const box = document.getElementById('priority-filter');
                box.value = 'BUG-505';
                box.dispatchEvent(new Event('input'));
                return [...document.querySelectorAll('#priority-table tbody tr')]
                    .filter(r => !r.classList.contains('hidden'))
                    .map(r => r.cells[1].innerText);
            })()""",
            "count": "document.getElementById('priority-count').innerText",
        },
        screenshot="html-report",
    )
    assert page.console_errors == []
    assert page.failed_requests == []
    assert page.external_requests == []
    assert page.checks["rows"] == len(defects)
    assert page.checks["first"] == "BUG-501"
    assert page.checks["charts"] >= len(active)
    assert page.checks["sorted"] == "BUG-488"  # the noisiest defect
    assert page.checks["filtered"] == ["BUG-505"]
    assert page.checks["count"] == f"1 of {len(defects)} defects"
    assert all(shot.stat().st_size > 10_000 for shot in page.screenshots)


def test_reports_mask_personal_data_unless_asked(
    demo_copy: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    write_rows(
        demo_copy.landing / "tickets" / "pii_ticket.jsonl",
        [
            {
                "ticket_id": "tkt_pii_1",
                "account_id": "acc_00050",
                "created_at": "2026-10-30T09:00:00Z",
                "subject": "Export empty again, mail jane.doe@example.com or call +1 415 555 0132",
                "description": "Our token is Bearer abcdef0123456789XYZ, please check",
                "linked_defect_id": "BUG-501",
                "escalated": True,
            }
        ],
    )
    pipeline.run(demo_copy, as_of=datetime(2026, 11, 1))
    html = (demo_copy.reports / "impact_report.html").read_text()
    assert "jane.doe@example.com" not in html and f"mail {EMAIL} or call {PHONE}" in html

    masked = assess_json(demo_copy.home, capsys, "--defect-id", "BUG-501")["bug_report"]
    [ticket] = [t for t in masked["tickets"] if t["ticket_id"] == "tkt_pii_1"]
    assert ticket["subject"] == f"Export empty again, mail {EMAIL} or call {PHONE}"
    assert "abcdef0123456789XYZ" not in ticket["description"]
    assert "jane.doe@example.com" not in Path(masked["files"]["report.md"]).read_text()

    shown = assess_json(demo_copy.home, capsys, "--defect-id", "BUG-501", "--show-pii")[
        "bug_report"
    ]
    [ticket] = [t for t in shown["tickets"] if t["ticket_id"] == "tkt_pii_1"]
    assert "jane.doe@example.com" in ticket["subject"]
    assert main(["report", "--home", str(demo_copy.home), "--show-pii"]) == 0
    assert "jane.doe@example.com" in (demo_copy.reports / "impact_report.html").read_text()


def test_status_reads_the_snapshot_copies_while_the_warehouse_is_busy(
    demo_home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["status", "--home", str(demo_home.home), "--format", "json"]
    snapshot = current_snapshot(demo_home.published)
    assert snapshot is not None
    with writer_lock(demo_home.warehouse):  # as a running pipeline holds it
        assert main(argv) == 0
    busy = json.loads(capsys.readouterr().out)
    assert busy["source"] == "snapshot" and "writing the warehouse" in busy["note"]
    assert busy["published"]["run_id"] == snapshot.name
    assert busy["runs"][0]["status"] == "published"
    assert busy["checks"]["failed_blocking"] == 0 and busy["checks"]["total"] > 0
    assert main(argv) == 0
    idle = json.loads(capsys.readouterr().out)
    assert idle["source"] == "warehouse" and idle["note"] is None
    assert [f["path"] for f in idle["files"]] == [f["path"] for f in busy["files"]]


def test_terminal_views_fit_a_100_column_terminal(
    demo_home: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    defects = published_rows(demo_home, "select defect_id from hotfix_priority")
    for command in ("top", "emerging", "status"):
        assert main([command, "--home", str(demo_home.home)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert max(len(line) for line in lines) <= 100, command
        if command == "top":
            rows = [line for line in lines if line.split()[:1] and line.split()[0].isdigit()]
            assert len(rows) == len(defects)  # one line per defect: titles are cut, not folded
            assert "BUG-501" in rows[0] and " S1 " in rows[0] and "$4.47M" in rows[0]
    for fmt in ("json", "csv", "markdown"):
        assert main(["top", "--home", str(demo_home.home), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "score_components" in out and "suspected_version" in out, fmt
