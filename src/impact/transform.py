"""Run the dbt project in-process (one invocation at a time, partial parsing kept on).

dbt is imported inside the functions that run it: its import takes about 1.5 s, which
commands that only read the warehouse (status, report, show) should not pay. A project parsed
ahead (`parse`, `parse_in_background`) is handed to the next invocation with the same
arguments, which then skips loading it (about a second).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from impact.config import Settings, apply_runtime_environment
from impact.errors import ImpactError

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
_PARAMS_SQL = Path(__file__).with_name("params.sql")


class TransformError(ImpactError):
    exit_code = 4


@dataclass(frozen=True)
class DbtNodeResult:
    unique_id: str
    status: str
    seconds: float
    message: str | None


def set_run_parameters(con: duckdb.DuckDBPyConnection, as_of: datetime, run_id: str) -> None:
    """What the models read as "now" and as the run's id."""
    con.execute(_PARAMS_SQL.read_text())
    con.execute("insert into params.run values (?, ?)", [as_of, run_id])


def dbt_args(settings: Settings, command: str, *extra: str) -> list[str]:
    """Arguments for one dbt command against this home's warehouse (state kept in the home)."""
    state = settings.warehouse.parent / "dbt"
    return [
        command,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(state / "target"),
        "--log-path",
        str(state / "logs"),
        # Fixed costs of every invocation: the debug log (every statement) and the JSON
        # artifacts nothing here reads take about a second; failures are still logged.
        "--log-level-file",
        "info",
        "--no-write-json",
        "--vars",
        json.dumps(settings.dbt_vars(), sort_keys=True),
        *extra,
    ]


# The last project parsed ahead (a dbt Manifest) by the arguments it was parsed with, and the
# last parse started (finished or still running). A parsed project serves one invocation: a
# build changes it (an ephemeral model it compiled is not written into the next build's SQL
# again).
_parsed_ahead: dict[tuple[str, ...], Manifest] = {}
_parsing: list[threading.Thread] = []


def parse(settings: Settings) -> None:
    """Import dbt and parse the project, for the next invocation with these settings."""
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    apply_runtime_environment(settings)
    arguments = dbt_args(settings, "parse", "--quiet")
    result = dbtRunner().invoke(arguments)
    if result.success and isinstance(result.result, Manifest):
        _parsed_ahead.clear()
        _parsed_ahead[tuple(arguments)] = result.result


def parse_in_background(settings: Settings) -> None:
    """`parse` on a daemon thread, so that a step waiting on DuckDB before the build hides it.

    If it fails, the build parses the project itself and reports what is wrong.
    """
    _wait_for_parse()  # dbt runs one invocation at a time
    thread = threading.Thread(target=parse, args=(settings,), daemon=True)
    thread.start()
    _parsing[:] = [thread]


def _wait_for_parse() -> None:
    """Return once no parse runs ahead."""
    for thread in list(_parsing):
        thread.join()


def _take_parsed(settings: Settings) -> Manifest | None:
    """The project parsed ahead with these settings, if any, for one invocation."""
    _wait_for_parse()
    return _parsed_ahead.pop(tuple(dbt_args(settings, "parse", "--quiet")), None)


def invoke(settings: Settings, command: str, *extra: str) -> list[DbtNodeResult]:
    """Run a dbt command; raise TransformError naming what failed."""
    from dbt.cli.main import dbtRunner

    manifest = _take_parsed(settings)
    apply_runtime_environment(settings)
    try:
        result = dbtRunner(manifest=manifest).invoke(dbt_args(settings, command, "--quiet", *extra))
    finally:
        _release_warehouse()
    nodes = _node_results(result.result)
    if not result.success:
        failed = [n for n in nodes if n.status in ("error", "fail")]
        detail = "; ".join(f"{n.unique_id}: {n.message}" for n in failed[:3])
        if not detail:
            detail = str(result.exception) if result.exception else "see dbt logs"
        raise TransformError(f"dbt {command} failed: {' '.join(detail.split())[:400]}")
    return nodes


def _release_warehouse() -> None:
    """dbt-duckdb keeps the database open in-process after a run; DuckDB then refuses every
    other process (and read-only opens in this one), so close it once dbt is done."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _node_results(run_result: object) -> list[DbtNodeResult]:
    results = getattr(run_result, "results", None) or []
    return [
        DbtNodeResult(r.node.unique_id, str(r.status), float(r.execution_time or 0), r.message)
        for r in results
    ]
