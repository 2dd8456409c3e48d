"""The `impact` command: parse arguments, call the library, map outcomes to exit codes."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from impact import pipeline, queries, ticket_views
from impact.assess import Assessment, DefectDefinition, assess
from impact.assess_service import ask_service, serve_assessments
from impact.bug_report import BugReport, read_bug_report, write_bug_report
from impact.config import Settings, load_settings
from impact.errors import ConfigError, ImpactError, InputError
from impact.ingest.loader import FileLoad
from impact.ingest.shapes import SHAPE_NAMES
from impact.ingest.sources import SOURCES
from impact.render import FORMATS, render
from impact.report import terminal
from impact.report.timeline_process import TimelineProcess
from impact.status import read_status

Command = Callable[[argparse.Namespace, Settings], int]


def run() -> NoReturn:
    """The console script: `main`, then exit without the interpreter's last garbage collections.

    Collecting the objects of dbt, GX and pandas at exit takes about a second of every daily
    run (0.3 s of an assessment), for memory the process is about to give back anyway.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.home)
        return int(args.command(args, settings))
    except ImpactError as exc:
        print(f"impact: {exc}", file=sys.stderr)
        return exc.exit_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="impact", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", help="workspace folder (default: $IMPACT_HOME or ./impact_home)")
    reader = argparse.ArgumentParser(add_help=False)
    reader.add_argument("--format", choices=FORMATS, default="table")
    timed = argparse.ArgumentParser(add_help=False)
    timed.add_argument("--as-of", type=_timestamp, help="fixes 'now' (ISO 8601; default: now)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def add(
        name: str, handler: Command, help_text: str, *parents: argparse.ArgumentParser
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common, *parents], help=help_text)
        sub.set_defaults(command=handler)
        return sub

    demo = add("demo", _demo, "write the demo month into the home and run the pipeline", reader)
    demo.add_argument("--seed", type=int, default=7)
    add("run", _run, "daily run: ingest new landing files, build, publish", reader, timed)
    ingest = add("ingest", _ingest, "copy files into the landing zone and load them", reader)
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--source", choices=list(SOURCES))
    ingest.add_argument(
        "--shape",
        choices=SHAPE_NAMES,
        help="read the files as this export instead of telling it from their content",
    )
    add(
        "status", _status, "last runs, data-quality checks, published snapshot, load ledger", reader
    )
    top = add("top", _top, "the hotfix-prioritization table, most urgent first", reader)
    top.add_argument("-n", type=int, default=None, metavar="N", help="show the first N rows")
    add("emerging", _emerging, "new or spiking signatures no known defect explains", reader)
    trends = add("trends", _trends, "daily ticket counts by tag, class, channel, tier", reader)
    trends.add_argument(
        "--dimension", choices=["all", "tag", "classification", "channel", "plan_tier"]
    )
    trends.add_argument("--all", action="store_true", help="every day, not only the spikes")
    clusters = add("clusters", _clusters, "clusters of similar tickets no defect explains", reader)
    clusters.add_argument("-n", type=int, default=None, metavar="N", help="the N largest")
    clusters.add_argument("--cluster-id", help="list the tickets of this cluster")
    triage = add("triage", _triage, "triage suggestions with their evidence", reader)
    triage.add_argument(
        "ticket_ids", nargs="*", metavar="TICKET_ID", help="default: every open escalated ticket"
    )
    triage.add_argument(
        "--evidence", action="store_true", help="print the evidence rows (csv, markdown)"
    )
    privacy = argparse.ArgumentParser(add_help=False)
    privacy.add_argument(
        "--show-pii",
        action="store_true",
        help="show e-mails, phone numbers and secrets in texts (masked by default)",
    )
    report = add(
        "report", _report, "write the self-contained HTML report of the snapshot", reader, privacy
    )
    report.add_argument("--output", type=Path, help="where to write it (default: reports/)")
    defect = argparse.ArgumentParser(add_help=False)
    defect.add_argument("--defect-id", required=True)
    defect.add_argument("--error-code", action="append", default=[], dest="error_codes")
    defect.add_argument("--pattern", help="case-insensitive regular expression on messages")
    defect.add_argument("--service")
    defect.add_argument("--ticket-tag", action="append", default=[], dest="ticket_tags")
    defect.add_argument("--title")
    defect.add_argument("--category")
    add(
        "assess",
        _assess,
        "ad-hoc impact of one (new or known) defect, and its bug report",
        reader,
        timed,
        defect,
        privacy,
    )
    add(
        "report-bug",
        _report_bug,
        "emit impact.defect.reported for a served deployment",
        timed,
        defect,
    )
    add(
        "assess-service",
        _assess_service,
        "keep dbt loaded and run this home's `impact assess` commands (seconds faster each)",
    )
    serve = add("serve", _serve, "serve the daily schedule and the event-triggered flows")
    serve.add_argument(
        "--watch",
        action="store_true",
        help="emit impact.landing.file-arrived for files dropped in landing/",
    )
    return parser


def _timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 timestamp: {value!r}") from exc
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    as_of = pipeline.write_demo(settings, seed=args.seed)
    return _daily(settings, as_of, args.format)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    return _daily(settings, args.as_of, args.format)


def _daily(settings: Settings, as_of: datetime | None, fmt: str) -> int:
    """The daily run: through the Prefect flow when a server is configured (the run shows in
    its UI for about a second of overhead), else as plain calls (no temporary server to start)."""
    if settings.prefect_api_url:
        from impact.flows.daily import daily_impact_run

        result = daily_impact_run(home=str(settings.home), as_of=as_of)
    else:
        with terminal.progress("daily run") as step:
            result = pipeline.run(settings, as_of=as_of, on_step=step)
    print(render(_ledger_rows(result.loads), fmt, title=f"Files loaded by {result.run_id}"))
    if fmt == "table":
        top = queries.hotfix_priority(settings.published, 10)
        print(terminal.top_view(top, fmt, color=_color()))
        print(f"HTML report: {result.report}")
    return _exit_for(result.loads)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    loads = pipeline.ingest(settings, args.paths, args.source, args.shape)
    print(render(_ledger_rows(loads), args.format, title="Files loaded"))
    return _exit_for(loads)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    print(terminal.status_view(read_status(settings), args.format, color=_color()))
    return 0


def _top(args: argparse.Namespace, settings: Settings) -> int:
    rows = queries.hotfix_priority(settings.published, args.n)
    print(terminal.top_view(rows, args.format, color=_color()))
    return 0


def _emerging(args: argparse.Namespace, settings: Settings) -> int:
    rows = queries.emerging_signatures(settings.published)
    print(terminal.emerging_view(rows, args.format, color=_color()))
    return 0


def _trends(args: argparse.Namespace, settings: Settings) -> int:
    rows = queries.ticket_volume_trends(settings.published, args.dimension, not args.all)
    title = "Ticket volume by day" if args.all else "Ticket volume spikes"
    print(ticket_views.trends_view(rows, args.format, title))
    return 0


def _clusters(args: argparse.Namespace, settings: Settings) -> int:
    if args.cluster_id:
        members = queries.ticket_cluster_members(settings.published, args.cluster_id)
        print(render(members, args.format, title=f"Tickets of {args.cluster_id}"))
        return 0
    rows = queries.ticket_clusters(settings.published, args.n)
    print(ticket_views.clusters_view(rows, args.format))
    return 0


def _triage(args: argparse.Namespace, settings: Settings) -> int:
    suggestions = queries.triage_suggestions(settings.published, args.ticket_ids)
    ids = [row["ticket_id"] for row in suggestions]
    evidence = queries.triage_evidence(settings.published, ids)
    if args.format == "json":
        for row in suggestions:
            row["evidence"] = [e for e in evidence if e["ticket_id"] == row["ticket_id"]]
    elif args.format != "table" and args.evidence:
        suggestions = evidence
    # In a terminal, the evidence of the tickets asked for (all open escalations: too long).
    shown = evidence if args.ticket_ids else []
    print(ticket_views.triage_view(suggestions, shown, args.format))
    return 0


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from impact.report.html import write_html_report  # plotly and jinja2: only this command

    path = write_html_report(settings, show_pii=args.show_pii, output=args.output)
    rows = [{"report": str(path)}]
    print(f"HTML report: {path}" if args.format == "table" else render(rows, args.format))
    return 0


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _definition(args: argparse.Namespace) -> DefectDefinition:
    return DefectDefinition(
        defect_id=args.defect_id,
        title=args.title,
        service=args.service,
        category=args.category,
        error_codes=args.error_codes,
        message_pattern=args.pattern,
        ticket_tags=args.ticket_tags,
    )


def _report_bug(args: argparse.Namespace, settings: Settings) -> int:
    _require_server(settings, "report-bug")
    from impact.flows.events import report_defect

    as_of = args.as_of.isoformat() if args.as_of else None
    report_defect(settings.home, {**_definition(args).parameters(), "as_of": as_of})
    print(f"emitted impact.defect.reported for {args.defect_id}")
    return 0


def _assess_service(args: argparse.Namespace, settings: Settings) -> int:
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
        serve_assessments(settings)
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    _require_server(settings, "serve")
    from impact.flows.serve import serve

    serve(settings, watch=args.watch)
    return 0


def _require_server(settings: Settings, command: str) -> None:
    if not settings.prefect_api_url:
        raise ConfigError(
            f"`impact {command}` needs a Prefect server: start one with `prefect server start` "
            f"and set PREFECT_API_URL (see README, 'Served mode')"
        )


def _assess(args: argparse.Namespace, settings: Settings) -> int:
    definition = _definition(args)
    as_of = args.as_of or pipeline.now()
    with terminal.progress(f"assessing {args.defect_id}") as step:
        step("assess")
        if settings.prefect_api_url:
            result, report = _assess_in_flow(settings, definition, as_of, show_pii=args.show_pii)
        else:
            served = ask_service(settings, definition, as_of, show_pii=args.show_pii)
            result, report = served or _assess_here(
                settings, definition, as_of, show_pii=args.show_pii, step=step
            )
    impact = {"would_rank": result.would_rank, **result.impact}
    print(terminal.assessment_view(report, impact, args.format, color=_color()))
    return 0


def _assess_here(
    settings: Settings,
    definition: DefectDefinition,
    as_of: datetime,
    *,
    show_pii: bool,
    step: Callable[[str], None],
) -> tuple[Assessment, BugReport]:
    """The assessment and its bug report made in this process (no service, no Prefect)."""
    with TimelineProcess() as draw_timeline:  # imports matplotlib while dbt imports
        result = assess(settings, definition, as_of)
        step("bug report")
        report = write_bug_report(settings, result, show_pii=show_pii, draw_timeline=draw_timeline)
    return result, report


def _assess_in_flow(
    settings: Settings, definition: DefectDefinition, as_of: datetime, *, show_pii: bool
) -> tuple[Assessment, BugReport]:
    """Served mode: an `assess_defect` flow run, which writes the bug report with PII masked
    and posts it as an artifact. A report showing PII is written here, and stays local."""
    from impact.flows.assess import assess_defect

    result = assess_defect(**definition.parameters(), as_of=as_of, home=str(settings.home))
    if show_pii:
        return result, write_bug_report(settings, result, show_pii=True)
    return result, read_bug_report(settings, definition.defect_id)


def _ledger_rows(loads: Sequence[FileLoad]) -> list[dict[str, object]]:
    return [
        {
            "source": f.source,
            "path": f.path,
            "status": f.status,
            "read": f.rows_read,
            "loaded": f.rows_loaded,
            "quarantined": f.rows_quarantined,
            "duplicate": f.rows_duplicate,
        }
        for f in loads
    ]


def _exit_for(loads: Sequence[FileLoad]) -> int:
    """Rejected files fail the command (one line each on stderr); the other files still load."""
    rejected = [f for f in loads if f.status == "rejected"]
    for load in rejected:
        print(f"impact: rejected {load.message}", file=sys.stderr)
    return InputError.exit_code if rejected else 0


if __name__ == "__main__":
    run()
