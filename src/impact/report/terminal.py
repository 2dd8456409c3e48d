"""Terminal views of the read commands (`top`, `emerging`, `status`, `assess`) in every
`--format`, and the progress display of long runs (on stderr, only on a terminal)."""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from impact.bug_report import BugReport
from impact.render import (
    Column,
    json_default,
    markdown_table,
    render,
    short_usd,
    terminal_width,
)
from impact.status import Status
from impact.warehouse import Row

TOP_COLUMNS = (
    Column("priority_rank", "#", "int"),
    Column("defect_id", "Defect", max_width=16),
    Column("title", "Title", max_width=56, flex=True),
    Column("source", "Source", max_width=9, optional=True),
    Column("severity_level", "Sev", "level"),
    Column("severity_score", "Score", "number"),
    Column("affected_accounts", "Accts", "int"),
    Column("repeat_affected_accounts", "Rpt", "int", optional=True),
    Column("affected_arr_usd", "ARR", "usd"),
    Column("enterprise_accounts", "Ent", "int", optional=True),
    Column("strategic_accounts", "Str", "int", optional=True),
    Column("ticket_count", "Tix", "int"),
    Column("escalated_ticket_count", "Esc", "int", optional=True),
    Column("event_count", "Events", "int"),
    Column("trend", "Trend", "status"),
    Column("suspected_deploy_id", "Deploy", max_width=10),
)

EMERGING_COLUMNS = (
    Column("signature_id", "Signature", max_width=16),
    Column("status", "Status", max_width=16),
    Column("service", "Service", max_width=12),
    Column("template", "Template", max_width=80, flex=True),
    Column("first_seen_at", "First seen", "when", optional=True),
    Column("event_count", "Events", "int"),
    Column("affected_accounts", "Accts", "int"),
    Column("ticket_count", "Tix", "int"),
    Column("suspected_deploy_id", "Deploy", max_width=10),
    Column("matched_defect_id", "Defect", max_width=12, optional=True),
)

RUN_COLUMNS = (
    Column("run_id", "Run", max_width=28),
    Column("kind", "Kind", max_width=10, optional=True),
    Column("as_of", "As of", "when"),
    Column("started_at", "Started", "when", optional=True),
    Column("duration_seconds", "Secs", "number", optional=True),
    Column("status", "Status", "status", max_width=18),
    Column("message", "Message", max_width=70, flex=True),
)

CHECK_COLUMNS = (
    Column("table_name", "Table", max_width=22),
    Column("expectation", "Check", max_width=50, flex=True),
    Column("is_blocking", "Blocking"),
    Column("unexpected_count", "Unexpected", "int"),
    Column("detail", "Detail", max_width=50, flex=True),
)

FILE_COLUMNS = (
    Column("load_seq", "#", "int"),
    Column("source", "Source", max_width=12),
    Column("file", "File", max_width=50, flex=True),
    Column("status", "Status", "status", max_width=10),
    Column("rows_read", "Read", "int"),
    Column("rows_loaded", "Loaded", "int"),
    Column("rows_quarantined", "Quar.", "int"),
    Column("rows_duplicate", "Dup.", "int", optional=True),
    Column("file_hash", "Hash", max_width=12, optional=True),
    Column("message", "Message", max_width=40, flex=True),
)

ASSESSMENT_COLUMNS = (Column("field", "", max_width=26), Column("value", "", flex=True))


def top_view(rows: Sequence[Row], fmt: str, *, color: bool = False) -> str:
    return render(rows, fmt, title="Hotfix priority", columns=TOP_COLUMNS, color=color)


def emerging_view(rows: Sequence[Row], fmt: str, *, color: bool = False) -> str:
    return render(rows, fmt, title="Emerging signatures", columns=EMERGING_COLUMNS, color=color)


@dataclass(frozen=True)
class _Section:
    title: str
    line: str | None = None
    rows: Sequence[Row] | None = None
    columns: Sequence[Column] = ()


def status_view(status: Status, fmt: str, *, color: bool = False) -> str:
    """JSON: everything; CSV: the file ledger (the one table a spreadsheet wants); table and
    Markdown: one section each for the snapshot, the runs, the checks and the files."""
    if fmt == "json":
        return render_json(status.as_dict())
    if fmt == "csv":
        return render(status.files, "csv")
    files = (
        status.files
        if fmt == "markdown"
        else [{**f, "file": _landing_path(f["path"])} for f in status.files]
    )
    sections = (
        _Section("Published snapshot", _published_line(status)),
        _Section("Latest runs", None, status.runs, RUN_COLUMNS),
        _Section("Data-quality checks", _checks_line(status), status.validations, CHECK_COLUMNS),
        _Section(f"Load ledger ({len(files)} files)", None, files, FILE_COLUMNS),
    )
    out = [textwrap.fill(f"note: {status.note}", terminal_width()) + "\n"] if status.note else []
    for section in sections:
        if fmt == "markdown":
            out.append(f"## {section.title}\n")
            out += [section.line + "\n"] if section.line else []
            out += [markdown_table(section.rows)] if section.rows else []
            continue
        heading = f"{section.title}: {section.line}" if section.line else section.title
        if section.rows:
            out.append(
                render(section.rows, "table", title=heading, columns=section.columns, color=color)
            )
        else:
            out.append(heading + "\n")
    return "\n".join(out)


def assessment_view(report: BugReport, impact: Row, fmt: str, *, color: bool = False) -> str:
    """Markdown: the bug report itself; JSON: the impact row with the bug report in it."""
    document = report.document
    row = {
        "assessment_id": document["assessment_id"],
        "would_rank": impact.get("would_rank"),
        **{k: v for k, v in impact.items() if k != "would_rank"},
        "report": str(report.path),
    }
    if fmt == "markdown":
        return report.markdown
    if fmt == "json":
        return render_json([{**row, "bug_report": document}])
    if fmt == "csv":
        return render([row], "csv")
    evidence = document["evidence"]
    cited = (
        f"published snapshot {evidence['snapshot_run_id']}"
        if evidence["cites_published_snapshot"]
        else f"evidence.duckdb ({evidence['not_in_snapshot']})"
    )
    fields = [
        ("severity", f"{impact['severity_level']}, score {impact['severity_score']}"),
        ("would rank", f"#{impact['would_rank']}" if impact.get("would_rank") else "-"),
        ("affected accounts", impact["affected_accounts"]),
        ("hit 2+ times", impact["repeat_affected_accounts"]),
        ("ARR at risk", short_usd(impact["affected_arr_usd"])),
        (
            "enterprise / strategic",
            f"{impact['enterprise_accounts']} / {impact['strategic_accounts']}",
        ),
        ("tickets (escalated)", f"{impact['ticket_count']} ({impact['escalated_ticket_count']})"),
        ("events", impact["event_count"]),
        (
            "first / last seen",
            f"{_when(impact['first_seen_at'])} / {_when(impact['last_seen_at'])}",
        ),
        ("trend", impact["trend"]),
        ("suspected deploy", _deploy(impact)),
        ("bug report", str(report.path)),
        ("numbers backed by", cited),
    ]
    title = f"Assessment of {document['defect_id']} ({document['assessment_id']})"
    rows = [{"field": name, "value": str(value)} for name, value in fields]
    return render(rows, "table", title=title, columns=ASSESSMENT_COLUMNS, color=color)


def render_json(value: Any) -> str:
    import json

    return json.dumps(value, indent=2, default=json_default)


@contextmanager
def progress(label: str, *, enabled: bool | None = None) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming the current step, and a line per finished step with its time.

    Yields `step(name)`: call it when a step starts. Silent when stderr is not a terminal.
    """
    console = Console(stderr=True, highlight=False)
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda name: None
        return
    current: dict[str, Any] = {"name": None, "started": time.monotonic()}
    with console.status(label) as spinner:

        def finish() -> None:
            if current["name"]:
                seconds = time.monotonic() - current["started"]
                console.print(f"  [green]✓[/] {current['name']}  [dim]{seconds:.1f}s[/]")

        def step(name: str) -> None:
            finish()
            current.update(name=name.removesuffix("_step"), started=time.monotonic())
            spinner.update(f"{label}: {current['name']}…")

        yield step
        finish()


def _published_line(status: Status) -> str:
    p = status.published
    if not p:
        return "nothing published yet (run `impact run`)"
    # The path from the home on: the part that tells snapshots apart.
    path = "/".join(Path(p["path"]).parts[-4:])
    return (
        f"{p['run_id']}\n  as of {_when(p['as_of'])} UTC, published "
        f"{_when(p['published_at'])} UTC\n  {path}"
    )


def _checks_line(status: Status) -> str:
    c = status.checks
    if c is None:
        return "no run has been validated yet"
    line = f"run {c.run_id}: {c.passed} of {c.total} passed"
    if c.failed_blocking:
        line += f", {c.failed_blocking} blocking failed (snapshot kept)"
    if c.warnings:
        line += f", {c.warnings} warnings"
    return line


def _landing_path(path: str) -> str:
    return path.split("/landing/", 1)[-1]


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value or "")


def _deploy(impact: Row) -> str:
    if not impact.get("suspected_deploy_id"):
        return "none"
    return f"{impact['suspected_deploy_id']} ({impact.get('suspected_version') or '?'})"
