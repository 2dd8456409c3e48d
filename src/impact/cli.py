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
from impact.errors import ImpactError, InputError
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
    assess = add("assess", _assess, "ad-hoc impact of one (new or known) defect", reader, timed)
    assess.add_argument("--defect-id", required=True)
    assess.add_argument("--error-code", action="append", default=[], dest="error_codes")
    assess.add_argument("--pattern", help="case-insensitive regular expression on messages")
    assess.add_argument("--service")
    assess.add_argument("--ticket-tag", action="append", default=[], dest="ticket_tags")
    assess.add_argument("--title")
    assess.add_argument("--category")
    return parser


def _timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 timestamp: {value!r}") from exc
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    result = pipeline.demo(settings, seed=args.seed)
    print(render(_ledger_rows(result.loads), args.format, title="Files loaded"))
    return _exit_for(result.loads)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    result = pipeline.run(settings, as_of=args.as_of)
    print(render(_ledger_rows(result.loads), args.format, title="Files loaded"))
    return _exit_for(result.loads)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    loads = pipeline.ingest(settings, args.paths, args.source)
    print(render(_ledger_rows(loads), args.format, title="Files loaded"))
    return _exit_for(loads)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    print(render(pipeline.status(settings), args.format, title="Load ledger"))
    return 0


def _top(args: argparse.Namespace, settings: Settings) -> int:
    rows = queries.hotfix_priority(settings.published, args.n)
    if args.format == "table":
        rows = [{k: row[k] for k in _TOP_TABLE} for row in rows]
    print(render(rows, args.format, title="Hotfix priority"))
    return 0


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


def _assess(args: argparse.Namespace, settings: Settings) -> int:
    definition = DefectDefinition(
        defect_id=args.defect_id,
        title=args.title,
        service=args.service,
        category=args.category,
        error_codes=args.error_codes,
        message_pattern=args.pattern,
        ticket_tags=args.ticket_tags,
    )
    result = assess(settings, definition, args.as_of or pipeline.now())
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
