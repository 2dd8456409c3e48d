"""The bug report of an assessment: Markdown ready to paste into Jira or Linear, and JSON.

Every number it states is the result of an evidence query (report/evidence.sql), shown at the
end with the database it ran on. Written to `<home>/reports/bugs/<defect_id>/`:

    report.md        the bug report
    report.json      the same, structured (`impact assess --format json` prints it too)
    accounts.csv     every affected account (the report lists the top ones by ARR)
    timeline.png     events and tickets per day, with deploy markers
    evidence.duckdb  the assessed defect's rows, in the published snapshot's table shapes
    evidence.sql     the evidence queries, ready to run
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from impact.assess import Assessment
from impact.config import Settings
from impact.render import markdown_table
from impact.report import charts
from impact.report.evidence import Evidence, collect
from impact.report.pii import masker
from impact.report.wording import COMPONENT_MEANINGS
from impact.warehouse import Row

TOP_ACCOUNTS = 10
SHOWN_TICKETS = 15
SHOWN_SAMPLES = 5
# Columns of evidence rows that hold free text people wrote or systems logged.
TEXT_COLUMNS = ("subject", "description", "example_message", "template")
TIMELINE_ALT = "Events and tickets per day, with deploys"

Mask = Callable[[str | None], str | None]


@dataclass(frozen=True)
class BugReport:
    folder: Path
    markdown: str
    document: dict[str, Any]

    @property
    def path(self) -> Path:
        return self.folder / "report.md"

    @property
    def artifact_markdown(self) -> str:
        """The report for a place that cannot show the PNG beside it (a Prefect artifact)."""
        return self.markdown.replace(
            f"![{TIMELINE_ALT}](timeline.png)",
            f"Timeline chart (events and tickets per day): `{self.folder / 'timeline.png'}`",
        )


def write_bug_report(
    settings: Settings,
    assessment: Assessment,
    *,
    show_pii: bool = False,
    draw_timeline: charts.DrawTimeline = charts.timeline_png,
) -> BugReport:
    """Collect the evidence and write the report's files; returns the report."""
    folder = bug_folder(settings, assessment.definition.defect_id)
    staging = folder.with_name(f".{folder.name}.{assessment.assessment_id}")
    shutil.rmtree(staging, ignore_errors=True)
    evidence = collect(settings, assessment, staging)
    # The files name their final folder: the staged folder is renamed to it once complete.
    evidence = _moved(evidence, staging, folder)
    mask = masker(show_pii)
    _write_timeline(evidence, staging / "timeline.png", draw_timeline)
    _write_accounts_csv(evidence.accounts, staging / "accounts.csv")
    (staging / "evidence.sql").write_text(evidence_sql(evidence))
    markdown = render_markdown(evidence, settings, mask=mask)
    document = render_json(evidence, settings, folder, mask=mask, show_pii=show_pii)
    (staging / "report.md").write_text(markdown)
    (staging / "report.json").write_text(json.dumps(document, indent=2, default=json_default))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    return BugReport(folder, markdown, document)


def read_bug_report(settings: Settings, defect_id: str) -> BugReport:
    """The bug report last written for `defect_id`."""
    folder = bug_folder(settings, defect_id)
    document = json.loads((folder / "report.json").read_text())
    return BugReport(folder, (folder / "report.md").read_text(), document)


def bug_folder(settings: Settings, defect_id: str) -> Path:
    return settings.reports / "bugs" / re.sub(r"[^A-Za-z0-9._-]+", "_", defect_id)


def render_markdown(evidence: Evidence, settings: Settings, *, mask: Mask) -> str:
    facts = _facts(evidence)
    severity = evidence.one("severity")
    definition = evidence.assessment.definition
    lines = [
        f"# {definition.defect_id}: {severity.get('title') or definition.defect_id}",
        "",
        f"**{severity.get('severity_level')}** · score {severity.get('severity_score')} of 100"
        f" · {_rank_phrase(evidence)} · trend {severity.get('trend')}"
        f" · suspected deploy {severity.get('suspected_deploy_id') or 'none'}",
        "",
        summary(evidence),
        "",
        "## Severity",
        "",
        f"**{severity.get('severity_level')}**, score {severity.get('severity_score')} of 100 "
        f"({_level_scale(settings)}). Each impact component scores 0 to 1 on a saturating "
        "curve of its measure (0.5 at its half-saturation point); the trend and the category "
        "set how urgent it is. The formula and its weights: `dbt_project/DECISIONLOG.md`.",
        "",
        markdown_table(
            [
                {
                    "component": c["name"],
                    "measure": c["meaning"],
                    "score": c["score"],
                    "weight": c["weight"],
                }
                for c in facts["components"]
            ]
        ),
        "## Affected accounts",
        "",
        *_accounts_text(evidence),
        "## Timeline",
        "",
        f"![{TIMELINE_ALT}](timeline.png)",
        "",
        _timeline_text(evidence),
        "",
        "## Suspected deploy",
        "",
        _deploy_text(evidence, settings),
        "",
        "## How to reproduce",
        "",
        _definition_text(evidence),
        "",
        *_samples_text(evidence, mask),
        "## Linked tickets",
        "",
        *_tickets_text(evidence, mask),
        "## Evidence",
        "",
        *_evidence_text(evidence),
        "---",
        "",
        f"_Assessment {evidence.assessment.assessment_id}, as of "
        f"{_when(severity.get('as_of'))} UTC. {_pii_note(mask)}_",
    ]
    return "\n".join(lines) + "\n"


def summary(evidence: Evidence) -> str:
    """One paragraph: who is hit, how hard, since when, and what likely caused it."""
    h, s = evidence.one("headline"), evidence.one("severity")
    if not h.get("affected_accounts"):
        return (
            f"No account is affected as of {_when(s.get('as_of'))} UTC: no event or ticket "
            "matches the definition (see How to reproduce)."
        )
    deploy = evidence.one("suspected_deploy")
    cause = (
        f" It began after deploy {deploy['deploy_id']} ({deploy['service']} "
        f"{deploy['version']}, {_when(deploy['deployed_at'])} UTC)."
        if deploy
        else " No deploy fits its onset."
    )
    tickets = (
        f"{h['ticket_count']} support tickets, {h['escalated_ticket_count']} of them escalated"
        if h["ticket_count"]
        else "no support ticket yet"
    )
    return (
        f"Since {_when(h['first_seen_at'])} UTC, {h['affected_accounts']} customer accounts with "
        f"{usd(h['affected_arr_usd'])} ARR ({h['enterprise_accounts']} enterprise, "
        f"{h['strategic_accounts']} strategic) have hit this defect: {h['event_count']} "
        f"matching errors, {h['repeat_affected_accounts']} accounts hit 2 or more times, and "
        f"{tickets}.{cause} The last one was seen {_when(h['last_seen_at'])} UTC; the trend is "
        f"{s.get('trend')}. It is {s.get('severity_level')} (score {s.get('severity_score')}) "
        f"and {_rank_phrase(evidence)}."
    )


def render_json(
    evidence: Evidence, settings: Settings, folder: Path, *, mask: Mask, show_pii: bool
) -> dict[str, Any]:
    facts = _facts(evidence)
    severity, headline = evidence.one("severity"), evidence.one("headline")
    definition = evidence.assessment.definition
    rank = evidence.queries.get("rank") or evidence.queries.get("would_rank")
    return {
        "defect_id": definition.defect_id,
        "title": severity.get("title"),
        "assessment_id": evidence.assessment.assessment_id,
        "as_of": severity.get("as_of"),
        "summary": summary(evidence),
        "definition": definition.parameters(),
        "severity": {
            "score": severity.get("severity_score"),
            "level": severity.get("severity_level"),
            "trend": severity.get("trend"),
            "category": severity.get("category"),
            rank.name if rank else "rank": facts["rank"],
            "components": facts["components"],
        },
        "accounts": {
            **headline,
            "tiers": evidence.rows("tiers"),
            "top": evidence.rows("top_accounts"),
        },
        "timeline": {"days": evidence.rows("daily"), "deploys": evidence.rows("deploys")},
        "suspected_deploy": evidence.one("suspected_deploy") or None,
        "samples": _masked(evidence.rows("samples"), mask),
        "tickets": _masked(evidence.rows("tickets"), mask),
        "evidence": {
            "database": str(evidence.database),
            "cites_published_snapshot": evidence.cited_snapshot,
            "snapshot_run_id": evidence.snapshot_run_id,
            "not_in_snapshot": evidence.not_in_snapshot or None,
            "queries": [
                {
                    "name": q.name,
                    "proves": q.proves,
                    "database": str(q.database),
                    "sql": q.sql,
                    "rows": _masked(q.rows, mask),
                }
                for q in evidence.queries.values()
            ],
        },
        "files": {
            name: str(folder / name)
            for name in (
                "report.md",
                "report.json",
                "accounts.csv",
                "timeline.png",
                "evidence.duckdb",
                "evidence.sql",
            )
        },
        "pii_masked": not show_pii,
    }


def evidence_sql(evidence: Evidence) -> str:
    """Every evidence query in one file, each headed by what it proves and where it runs."""
    parts = [
        f"-- Evidence for the bug report of {evidence.assessment.definition.defect_id} "
        f"({evidence.assessment.assessment_id}).",
        f"-- Stated numbers: duckdb -readonly {evidence.database}",
        "",
    ]
    for query in evidence.queries.values():
        parts += [f"-- {query.name}: {query.proves}", f"-- database: {query.database}"]
        parts += [query.sql, ""]
    return "\n".join(parts)


# Wording -------------------------------------------------------------------------------------


def _facts(evidence: Evidence) -> dict[str, Any]:
    severity = evidence.one("severity")
    parts = json.loads(severity.get("score_components") or "{}")
    components = [
        {
            "name": name,
            "value": part.get("value"),
            "score": part.get("score"),
            "weight": part.get("weight"),
            "meaning": COMPONENT_MEANINGS.get(name, str)(part.get("value")),
        }
        for name, part in parts.items()
    ]
    rank_row = evidence.one("rank") or evidence.one("would_rank")
    rank = rank_row.get("priority_rank", rank_row.get("would_rank"))
    return {"components": components, "rank": rank}


def _rank_phrase(evidence: Evidence) -> str:
    rank = _facts(evidence)["rank"]
    if rank is None:
        return "not ranked (nothing published to rank against)"
    if "rank" in evidence.queries:
        return f"ranks #{rank} in the hotfix priority"
    return f"would rank #{rank} in the published hotfix priority"


def _level_scale(settings: Settings) -> str:
    levels = settings.levels
    return f"S1 from {levels.s1:g}, S2 from {levels.s2:g}, S3 from {levels.s3:g}, else S4"


def _accounts_text(evidence: Evidence) -> list[str]:
    h = {k: v or 0 for k, v in evidence.one("headline").items()}
    lines = [
        f"{h['affected_accounts']} accounts ({h['repeat_affected_accounts']} hit 2 or more "
        f"times), {usd(h['affected_arr_usd'])} ARR at risk, {h['enterprise_accounts']} "
        f"enterprise, {h['strategic_accounts']} strategic.",
        "",
    ]
    if not evidence.accounts:
        return lines
    tiers = [
        {
            "tier": t["plan_tier"],
            "accounts": t["accounts"],
            "ARR": usd(t["arr_usd"]),
            "strategic": t["strategic_accounts"],
        }
        for t in evidence.rows("tiers")
    ]
    top = [
        {
            "account": a["account_id"],
            "name": a["account_name"] or "",
            "tier": a["plan_tier"],
            "ARR": usd(a["arr_usd"]),
            "strategic": "yes" if a["is_strategic"] else "",
            "events": a["event_count"],
            "tickets": a["ticket_count"],
            "last seen": _when(a["last_seen_at"]),
        }
        for a in evidence.rows("top_accounts")
    ]
    return [
        *lines,
        markdown_table(tiers),
        f"Top {len(top)} by ARR (all {len(evidence.accounts)} in `accounts.csv`):",
        "",
        markdown_table(top),
    ]


def _timeline_text(evidence: Evidence) -> str:
    h, days = evidence.one("headline"), evidence.rows("daily")
    if not days:
        return "No matching event or ticket yet."
    event_days = [d for d in days if d["event_count"]]
    ticket_days = [d for d in days if d["ticket_count"]]
    text = f"First seen {_when(h['first_seen_at'])} UTC, last seen {_when(h['last_seen_at'])} UTC."
    if event_days:
        peak = max(event_days, key=lambda d: (d["event_count"], d["activity_date"]))
        text += (
            f" {h['event_count']} events on {len(event_days)} days: "
            f"{int(h['event_count']) / len(event_days):.1f} per day with events, peak "
            f"{peak['event_count']} on {peak['activity_date']:%Y-%m-%d}."
        )
    if ticket_days:
        text += f" {h['ticket_count']} tickets on {len(ticket_days)} days."
    return text + " Per-day counts: the `daily` evidence query."


def _deploy_text(evidence: Evidence, settings: Settings) -> str:
    deploy, h = evidence.one("suspected_deploy"), evidence.one("headline")
    window = settings.windows.attribution_hours
    if not deploy:
        return (
            f"None: no deploy of the defect's service in the {window} hours before it was first "
            "seen (with history before it)."
        )
    lead = ""
    if h.get("first_seen_at"):
        hours = (h["first_seen_at"] - deploy["deployed_at"]).total_seconds() / 3600
        lead = f", {hours:.1f} hours before the defect was first seen"
    return (
        f"**{deploy['deploy_id']}**: {deploy['service']} {deploy['version']}, deployed "
        f'{_when(deploy["deployed_at"])} UTC{lead}: "{deploy["description"] or ""}". '
        f"The suspect is the latest deploy of the defect's service at most {window} hours before "
        "its first matching event (see DECISIONLOG.md, deploy attribution)."
    )


def _definition_text(evidence: Evidence) -> str:
    d = evidence.assessment.definition
    return (
        f"Matched by: error codes {', '.join(f'`{c}`' for c in d.error_codes) or '-'}; "
        f"message pattern {f'`{d.message_pattern}`' if d.message_pattern else '-'}; "
        f"service {d.service or 'any'}; ticket tags {', '.join(d.ticket_tags) or '-'}."
    )


def _samples_text(evidence: Evidence, mask: Mask) -> list[str]:
    samples = evidence.rows("samples")
    if not samples:
        return ["No matching error events.", ""]
    lines = [
        "What the failing calls look like (per signature and endpoint; the example is the "
        "latest event):",
        "",
        markdown_table(
            [
                {
                    "service": s["service"],
                    "error code": s["error_code"] or "",
                    "endpoint": _code(s["endpoint"]),
                    "events": s["event_count"],
                    "accounts": s["affected_accounts"],
                    "HTTP": s["example_http_status"] or "",
                    "release": s["example_release"] or "",
                    "example": _code(mask(s["example_message"])),
                }
                for s in samples[:SHOWN_SAMPLES]
            ]
        ),
    ]
    latest = samples[0]
    lines += [
        f"Latest example: event `{latest['example_event_id'] or '-'}` at "
        f"{_when(latest['example_occurred_at'])} UTC, trace `{latest['example_trace_id'] or '-'}`"
        f"; message template `{mask(latest['template'])}`.",
        "",
    ]
    if len(samples) > SHOWN_SAMPLES:
        lines += [f"{len(samples) - SHOWN_SAMPLES} more in the `samples` query.", ""]
    return lines


def _tickets_text(evidence: Evidence, mask: Mask) -> list[str]:
    tickets = evidence.rows("tickets")
    if not tickets:
        return ["No ticket matches.", ""]
    escalated = sum(1 for t in tickets if t["is_escalated"])
    lines = [
        f"{len(tickets)} tickets, {escalated} escalated"
        + (
            f"; the first {SHOWN_TICKETS} (all in the `tickets` query):"
            if len(tickets) > SHOWN_TICKETS
            else ":"
        ),
        "",
        markdown_table(
            [
                {
                    "ticket": t["ticket_id"],
                    "account": t["account_id"],
                    "created": _when(t["created_at"]),
                    "status": t["status"] or "",
                    "priority": t["priority"] or "",
                    "escalated": "yes" if t["is_escalated"] else "",
                    "subject": mask(t["subject"]) or "",
                }
                for t in tickets[:SHOWN_TICKETS]
            ]
        ),
    ]
    return lines


def _evidence_text(evidence: Evidence) -> list[str]:
    if evidence.cited_snapshot:
        where = (
            f"the published snapshot of run `{evidence.snapshot_run_id}`, the data "
            "`impact top` shows"
        )
        note = (
            "The same rows are in this report's `evidence.duckdb`, which outlives the "
            "snapshot (old snapshots are pruned)."
        )
    else:
        where = "this report's own `evidence.duckdb`"
        note = (
            f"The published snapshot does not reproduce this report: {evidence.not_in_snapshot}. "
            "`evidence.duckdb` holds the assessed defect's rows in the snapshot's table "
            "shapes, copied from the warehouse right after the assessment (its `assessment` "
            "table is the definition and as_of)."
        )
    lines = [
        f"Every number above is the result of one of these queries, run on {where}:",
        "",
        f"    duckdb -readonly {evidence.database}",
        "",
        note,
        "",
    ]
    for query in evidence.queries.values():
        on = "" if query.database == evidence.database else f" (on `{query.database}`)"
        lines += [f"**{query.name}**{on}: {query.proves}.", "", "```sql", query.sql, "```", ""]
        if query.name in ("headline", "rank", "would_rank"):
            lines += [markdown_table([_cells(r) for r in query.rows])]
        else:
            lines += [f"Returns {len(query.rows)} row{'s' if len(query.rows) != 1 else ''}.", ""]
    return lines


def _pii_note(mask: Mask) -> str:
    if mask("a@example.com") == "a@example.com":
        return "Ticket text and event messages are shown unmasked (--show-pii)."
    return (
        "E-mail addresses, phone numbers and secrets in ticket text and event messages are "
        "masked (--show-pii shows them)."
    )


# Files ---------------------------------------------------------------------------------------


def _write_timeline(evidence: Evidence, path: Path, draw: charts.DrawTimeline) -> None:
    severity = evidence.one("severity")
    line = charts.timeline(
        evidence.rows("daily"),
        evidence.rows("deploys") + evidence.rows("suspected_deploy"),
        as_of=severity["as_of"],
        suspected_deploy_id=severity.get("suspected_deploy_id"),
    )
    title = f"{evidence.assessment.definition.defect_id}: events and tickets per day (UTC)"
    draw(line, path, title=title)


def _write_accounts_csv(accounts: Sequence[Row], path: Path) -> None:
    with path.open("w", newline="") as handle:
        columns = list(accounts[0]) if accounts else ["account_id"]
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: _csv_value(v) for k, v in row.items()} for row in accounts)


def _moved(evidence: Evidence, staging: Path, folder: Path) -> Evidence:
    """The evidence with paths in the staging folder replaced by the final folder's."""

    def final(path: Path) -> Path:
        return folder / path.name if path.parent == staging else path

    queries = {n: replace(q, database=final(q.database)) for n, q in evidence.queries.items()}
    return replace(evidence, queries=queries, evidence_db=final(evidence.evidence_db))


# Formatting ----------------------------------------------------------------------------------


def usd(value: object) -> str:
    return f"${Decimal(str(value or 0)):,.0f}"


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def _code(value: str | None) -> str:
    return f"`{value.replace('`', chr(39))}`" if value else ""


def _cells(row: Row) -> Row:
    return {k: _when(v) if isinstance(v, datetime) else v for k, v in row.items()}


def _masked(rows: Sequence[Row], mask: Mask) -> list[Row]:
    return [{k: mask(v) if k in TEXT_COLUMNS else v for k, v in row.items()} for row in rows]


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    return str(value)
