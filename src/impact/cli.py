"""The `impact` command: parse arguments, call the library, map outcomes to exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from impact import pipeline, queries
from impact.assess import DefectDefinition, assess
from impact.config import Settings, load_settings
from impact.errors import ConfigError, ImpactError, InputError
from impact.ingest.loader import FileLoad
from impact.ingest.sources import SOURCES
from impact.render import FORMATS, render

Command = Callable[[argparse.Namespace, Settings], int]


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
    add("status", _status, "the load ledger: read / loaded / quarantined / duplicate", reader)
    top = add("top", _top, "the hotfix-prioritization table, most urgent first", reader)
    top.add_argument("-n", type=int, default=None, metavar="N", help="show the first N rows")
    add("emerging", _emerging, "new or spiking signatures no known defect explains", reader)
    defect = argparse.ArgumentParser(add_help=False)
    defect.add_argument("--defect-id", required=True)
    defect.add_argument("--error-code", action="append", default=[], dest="error_codes")
    defect.add_argument("--pattern", help="case-insensitive regular expression on messages")
    defect.add_argument("--service")
    defect.add_argument("--ticket-tag", action="append", default=[], dest="ticket_tags")
    defect.add_argument("--title")
    defect.add_argument("--category")
    add("assess", _assess, "ad-hoc impact of one (new or known) defect", reader, timed, defect)
    add(
        "report-bug",
        _report_bug,
        "emit impact.defect.reported for a served deployment",
        timed,
        defect,
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
        result = pipeline.run(settings, as_of=as_of)
    print(render(_ledger_rows(result.loads), fmt, title=f"Files loaded by {result.run_id}"))
    if fmt == "table":
        print(render(_top_rows(settings, 10), fmt, title="Hotfix priority (top 10)"))
    return _exit_for(result.loads)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    loads = pipeline.ingest(settings, args.paths, args.source)
    print(render(_ledger_rows(loads), args.format, title="Files loaded"))
    return _exit_for(loads)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    print(render(pipeline.status(settings), args.format, title="Load ledger"))
    return 0


def _top(args: argparse.Namespace, settings: Settings) -> int:
    if args.format == "table":
        rows = _top_rows(settings, args.n)
    else:
        rows = queries.hotfix_priority(settings.published, args.n)
    print(render(rows, args.format, title="Hotfix priority"))
    return 0


def _top_rows(settings: Settings, limit: int | None) -> list[dict[str, object]]:
    return [
        {k: row[k] for k in _TOP_TABLE}
        for row in queries.hotfix_priority(settings.published, limit)
    ]


_TOP_TABLE = (
    "priority_rank",
    "defect_id",
    "title",
    "source",
    "severity_score",
    "severity_level",
    "affected_accounts",
    "repeat_affected_accounts",
    "affected_arr_usd",
    "enterprise_accounts",
    "ticket_count",
    "escalated_ticket_count",
    "event_count",
    "trend",
    "suspected_deploy_id",
)


def _emerging(args: argparse.Namespace, settings: Settings) -> int:
    rows = queries.emerging_signatures(settings.published)
    if args.format == "table":
        rows = [{k: row[k] for k in _EMERGING_TABLE} for row in rows]
    print(render(rows, args.format, title="Emerging signatures"))
    return 0


_EMERGING_TABLE = (
    "signature_id",
    "status",
    "service",
    "template",
    "first_seen_at",
    "event_count",
    "affected_accounts",
    "ticket_count",
    "suspected_deploy_id",
    "matched_defect_id",
)


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
    if settings.prefect_api_url:
        from impact.flows.assess import assess_defect

        result = assess_defect(**definition.parameters(), as_of=as_of, home=str(settings.home))
    else:
        result = assess(settings, definition, as_of)
    row = {"assessment_id": result.assessment_id, "would_rank": result.would_rank, **result.impact}
    print(render([row], args.format, title=f"Assessment of {args.defect_id}"))
    return 0


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
    sys.exit(main())
