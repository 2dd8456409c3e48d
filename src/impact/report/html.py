"""The HTML report of the published snapshot: one self-contained file that opens offline.

What to fix first and why, the prioritization table (sortable, filterable), a trend chart and
the evidence of each defect, the emerging signatures, and the data-quality status of the run
that published it. plotly.js is inlined once; nothing loads from the network.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from impact import __version__, queries
from impact.config import Settings
from impact.report import charts
from impact.report.pii import masker
from impact.report.wording import COMPONENT_MEANINGS
from impact.warehouse import Row

REPORT_NAME = "impact_report.html"
# Charts beyond this many defects would make the file slow to open; the table lists them all.
MAX_CHARTS = 40
FIX_FIRST = 3
# The timelines share one window, so defects compare at a glance.
MAX_WINDOW_DAYS = 60

Mask = Callable[[str | None], str | None]


def write_html_report(
    settings: Settings, *, show_pii: bool = False, output: Path | None = None
) -> Path:
    """Render the published snapshot to `reports/impact_report.html` (or `output`)."""
    snapshot, rows = queries.report_rows(settings.published)
    html = render_html(rows, snapshot_name=snapshot.name, settings=settings, show_pii=show_pii)
    path = output or settings.reports / REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a reader never opens a half-written report.
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    staged.write_text(html, encoding="utf-8")
    os.replace(staged, path)
    return path


def render_html(
    rows: dict[str, list[Row]], *, snapshot_name: str, settings: Settings, show_pii: bool
) -> str:
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    mask = masker(show_pii)
    priority = rows["priority"]
    run = next((r for r in rows["runs"] if r["run_id"] == snapshot_name), None)
    as_of = priority[0]["as_of"] if priority else (run["as_of"] if run else datetime.now())
    defects = _defects(rows, mask, as_of)
    for number, defect in enumerate(defects[:MAX_CHARTS]):
        if defect["timeline"] is not None:
            figure = charts.timeline_figure(defect["timeline"])
            defect["chart"] = Markup(
                pio.to_html(
                    figure,
                    full_html=False,
                    include_plotlyjs=False,
                    div_id=f"chart-{number}",
                    config={"displaylogo": False, "responsive": True},
                )
            )
    template = _environment().get_template("report.html.j2")
    return template.render(
        as_of=as_of,
        run=run,
        snapshot_name=snapshot_name,
        defects=defects,
        fix_first=[d for d in defects if d["row"]["affected_accounts"]][:FIX_FIRST],
        emerging=[{**r, "template": mask(r["template"])} for r in rows["emerging"]],
        clusters=[{**r, "sample_tickets": mask(r["sample_tickets"])} for r in rows["clusters"]],
        quality=_quality(rows, snapshot_name),
        levels=settings.levels,
        show_pii=show_pii,
        max_charts=MAX_CHARTS,
        version=__version__,
        plotly_js=Markup(get_plotlyjs().replace("</script", "<\\/script")),
    )


def _defects(rows: dict[str, list[Row]], mask: Mask, as_of: datetime) -> list[dict[str, Any]]:
    by_defect: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for table in ("accounts", "daily", "samples", "tickets"):
        for row in rows[table]:
            by_defect[row["defect_id"]][table].append(row)
    deployments = rows["deployments"]
    deploys_by_id = {d["deploy_id"]: d for d in deployments}
    start = _window_start(rows["daily"], as_of)
    defects = []
    for row in rows["priority"]:
        detail = by_defect[row["defect_id"]]
        services = {s["service"] for s in detail["samples"]}
        suspect = deploys_by_id.get(row["suspected_deploy_id"] or "")
        markers = [d for d in deployments if d["service"] in services or d is suspect]
        timeline = (
            charts.timeline(
                detail["daily"],
                markers,
                as_of=as_of,
                suspected_deploy_id=row["suspected_deploy_id"],
                start=start,
            )
            if detail["daily"]
            else None
        )
        defects.append(
            {
                "row": row,
                "anchor": "defect-" + "".join(c if c.isalnum() else "-" for c in row["defect_id"]),
                "why": _why(row, suspect),
                "components": _components(row),
                "suspect": suspect,
                "accounts": detail["accounts"],
                "samples": [
                    {**s, "example_message": mask(s["example_message"])} for s in detail["samples"]
                ],
                "tickets": [{**t, "subject": mask(t["subject"])} for t in detail["tickets"]],
                "timeline": timeline,
                "chart": None,
            }
        )
    return defects


def _window_start(daily: Sequence[Row], as_of: datetime) -> date:
    earliest = (as_of - timedelta(days=MAX_WINDOW_DAYS)).date()
    first = min((r["activity_date"] for r in daily), default=as_of.date())
    return max(first - timedelta(days=2), earliest)


def _why(row: Row, suspect: Row | None) -> str:
    """One sentence a lead can act on: who is hit, how hard, and the likely cause."""
    if not row["affected_accounts"]:
        return "No matching event or ticket up to the snapshot's as_of."
    parts = [
        f"{row['affected_accounts']} accounts with {usd(row['affected_arr_usd'])} ARR"
        f" ({row['enterprise_accounts']} enterprise, {row['strategic_accounts']} strategic)",
        f"{row['event_count']:,} errors ({row['repeat_affected_accounts']} accounts hit 2+ times)",
    ]
    if row["ticket_count"]:
        parts.append(f"{row['ticket_count']} tickets, {row['escalated_ticket_count']} escalated")
    sentence = "; ".join(parts) + f". Trend {row['trend']}"
    if suspect:
        sentence += (
            f"; likely introduced by {suspect['deploy_id']} ({suspect['service']} "
            f"{suspect['version']}, {suspect['deployed_at']:%b %d %H:%M} UTC)"
        )
    return sentence + "."


def _components(row: Row) -> list[dict[str, Any]]:
    parts = json.loads(row["score_components"] or "{}")
    return [
        {
            "name": name,
            "meaning": COMPONENT_MEANINGS.get(name, str)(part.get("value")),
            "score": part.get("score"),
            "weight": part.get("weight"),
        }
        for name, part in parts.items()
    ]


def _quality(rows: dict[str, list[Row]], snapshot_name: str) -> dict[str, Any]:
    validations = [v for v in rows["validations"] if v["run_id"] == snapshot_name]
    failed = [v for v in validations if not v["success"]]
    by_table: dict[str, dict[str, int]] = defaultdict(lambda: {"passed": 0, "failed": 0})
    for v in validations:
        by_table[v["table_name"]]["passed" if v["success"] else "failed"] += 1
    files = rows["files"]
    by_source: dict[str, dict[str, int]] = defaultdict(
        lambda: {"files": 0, "read": 0, "loaded": 0, "quarantined": 0, "duplicate": 0}
    )
    for f in files:
        totals = by_source[f["source"]]
        totals["files"] += 1
        totals["read"] += f["rows_read"] or 0
        totals["loaded"] += f["rows_loaded"] or 0
        totals["quarantined"] += f["rows_quarantined"] or 0
        totals["duplicate"] += f["rows_duplicate"] or 0
    return {
        "checks": len(validations),
        "passed": len(validations) - len(failed),
        "failed_blocking": [v for v in failed if v["is_blocking"]],
        "warnings": [v for v in failed if not v["is_blocking"]],
        "by_table": dict(sorted(by_table.items())),
        "sources": dict(sorted(by_source.items())),
        "rejected": [f for f in files if f["status"] == "rejected"],
        "files": files,
    }


# Formatting ----------------------------------------------------------------------------------


def usd(value: object) -> str:
    return f"${Decimal(str(value or 0)):,.0f}"


def short_usd(value: object) -> str:
    amount = float(str(value or 0))
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            return f"${amount / limit:.1f}{suffix}"
    return f"${amount:,.0f}"


def when(value: object, pattern: str = "%Y-%m-%d %H:%M") -> str:
    if isinstance(value, datetime | date):
        return value.strftime(pattern)
    return "" if value is None else str(value)


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("impact.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(usd=usd, short_usd=short_usd, when=when)
    return environment
