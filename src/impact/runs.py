"""The run ledger: each run's id, as_of, inputs, dbt result, validations and snapshot."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from impact import __version__
from impact.transform import DBT_PROJECT
from impact.validate import ExpectationOutcome

_RUNS_SQL = Path(__file__).with_name("runs.sql")


def ensure_run_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_RUNS_SQL.read_text())


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    kind: str,
    as_of: datetime,
    dbt_vars: Mapping[str, Any],
) -> None:
    ensure_run_ledger(con)
    con.execute(
        "insert into ops.runs (run_id, kind, as_of, started_at, status, code_version, "
        "dbt_project_hash) values (?, ?, ?, ?, 'running', ?, ?)",
        [run_id, kind, as_of, _now(), code_version(), dbt_project_hash(dbt_vars)],
    )


def record_inputs(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Every file whose rows the run's models read: the lineage of each published number."""
    con.execute(
        "insert into ops.run_inputs select ?, load_seq, source, path, file_hash, rows_loaded "
        "from ingest.files where status = 'loaded'",
        [run_id],
    )


def record_validations(
    con: duckdb.DuckDBPyConnection, run_id: str, outcomes: Sequence[ExpectationOutcome]
) -> None:
    if outcomes:
        con.executemany(
            "insert into ops.run_validations values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    run_id,
                    o.table,
                    o.expectation,
                    o.description,
                    o.blocking,
                    o.success,
                    o.unexpected_count,
                    o.detail,
                ]
                for o in outcomes
            ],
        )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    *,
    message: str | None = None,
    dbt_nodes: int | None = None,
    snapshot: str | None = None,
) -> None:
    con.execute(
        "update ops.runs set finished_at = ?, status = ?, message = ?, "
        "dbt_nodes = coalesce(?, dbt_nodes), snapshot = ? where run_id = ?",
        [_now(), status, message, dbt_nodes, snapshot, run_id],
    )


def models_changed(
    con: duckdb.DuckDBPyConnection, run_id: str, dbt_vars: Mapping[str, Any]
) -> bool:
    """True when the dbt project or its vars may differ from what built the warehouse's
    relations.

    That is the last published run's, or that of any daily run after it (a failed run may
    have rebuilt models too); with no published run, nothing is known, so it may differ.
    """
    ensure_run_ledger(con)
    hashes = {
        row[0]
        for row in con.execute(
            "select dbt_project_hash from ops.runs where kind = 'daily' and run_id <> ? "
            "and started_at >= (select max(started_at) from ops.runs "
            "where kind = 'daily' and status = 'published')",
            [run_id],
        ).fetchall()
    }
    return hashes != {dbt_project_hash(dbt_vars)}


def code_version() -> str:
    """The package version, and the git commit when running from a checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(DBT_PROJECT.parent), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+{commit}"


def dbt_project_hash(dbt_vars: Mapping[str, Any]) -> str:
    """sha256 over the dbt project's SQL and YAML and the vars it runs with: which model code
    and settings produced the numbers."""
    digest = hashlib.sha256(json.dumps(dbt_vars, sort_keys=True).encode())
    for path in sorted(DBT_PROJECT.rglob("*")):
        if path.suffix in (".sql", ".yml") and "target" not in path.parts:
            digest.update(str(path.relative_to(DBT_PROJECT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
