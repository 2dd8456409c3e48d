"""What `impact status` shows: the last runs, the data-quality results of the last validated
run, which snapshot is published, and the per-file load ledger.

A running pipeline holds the warehouse (DuckDB lets one process write a file, and a reader
would stop the writer from opening it). So status reads the warehouse only when it can take
the writer lock at once, and otherwise reads the copies of the same tables that every
published snapshot carries, and says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from impact.config import Settings
from impact.locking import WarehouseBusy, writer_lock
from impact.publish import SNAPSHOT_DB, current_snapshot
from impact.warehouse import Row, fetch_rows, session, table_exists

RUNS_SHOWN = 10
# Seconds to wait for the writer lock before reading the snapshot's copies instead.
LOCK_WAIT_SECONDS = 1.0

_LEDGER = """
select load_seq, source, path, status, rows_read, rows_loaded, rows_quarantined,
       rows_duplicate, left(file_hash, 12) as file_hash, message, ingested_at
from {files}
order by load_seq
"""

_RUNS = """
select run_id, kind, as_of, status, message, started_at, finished_at,
       date_diff('millisecond', started_at, finished_at) / 1000.0 as duration_seconds,
       dbt_nodes, code_version, snapshot
from {runs}
order by started_at desc
limit {limit}
"""

# The validations of the last run that recorded any, and how many of them passed.
_CHECKED_RUN = """
select run_id
from {runs}
where run_id in (select run_id from {validations})
order by started_at desc
limit 1
"""

_VALIDATIONS = """
select run_id, table_name, expectation, description, is_blocking, success, unexpected_count,
       detail
from {validations}
where run_id = ?
order by is_blocking desc, success, table_name, expectation
"""

# (warehouse table, its copy in a snapshot)
_TABLES = {
    "runs": ("ops", "runs", "ops_runs"),
    "validations": ("ops", "run_validations", "ops_run_validations"),
    "files": ("ingest", "files", "ingest_files"),
}


@dataclass(frozen=True)
class Checks:
    run_id: str
    total: int
    passed: int
    failed_blocking: int
    warnings: int


@dataclass(frozen=True)
class Status:
    source: str  # "warehouse", or "snapshot" when the warehouse was busy
    note: str | None
    published: Row | None
    runs: list[Row] = field(default_factory=list)
    checks: Checks | None = None
    # The last validated run's checks that failed (blocking) or warned (not blocking).
    validations: list[Row] = field(default_factory=list)
    files: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ledger(con: duckdb.DuckDBPyConnection) -> list[Row]:
    return fetch_rows(con, _LEDGER.format(files="ingest.files"))


def read_status(settings: Settings) -> Status:
    published = _published(settings.published)
    snapshot_db = Path(published["path"]) if published else None
    try:
        with writer_lock(settings.warehouse, timeout_seconds=LOCK_WAIT_SECONDS):
            if not settings.warehouse.exists():
                return Status("warehouse", "nothing loaded yet", published)
            with session(settings.warehouse, read_only=True) as con:
                return _read(con, "warehouse", None, published)
    except (WarehouseBusy, duckdb.IOException):
        busy = "a run or an assessment is writing the warehouse"
    if snapshot_db is None:
        return Status("snapshot", f"{busy}, and nothing is published yet", None)
    note = (
        f"{busy}: showing the copies in the published snapshot {published['run_id']} "
        "(the running run is not in them)"
        if published
        else busy
    )
    with session(snapshot_db, read_only=True) as con:
        return _read(con, "snapshot", note, published)


def _read(
    con: duckdb.DuckDBPyConnection, source: str, note: str | None, published: Row | None
) -> Status:
    names = {}
    for key, (schema, table, copy) in _TABLES.items():
        qualified, present = (
            (f"{schema}.{table}", table_exists(con, schema, table))
            if source == "warehouse"
            else (copy, table_exists(con, "main", copy))
        )
        names[key] = qualified if present else None
    runs = (
        fetch_rows(con, _RUNS.format(runs=names["runs"], limit=RUNS_SHOWN)) if names["runs"] else []
    )
    files = fetch_rows(con, _LEDGER.format(files=names["files"])) if names["files"] else []
    checks, validations = None, []
    if names["runs"] and names["validations"]:
        checked = con.execute(_CHECKED_RUN.format(**names)).fetchone()
        if checked:
            results = fetch_rows(con, _VALIDATIONS.format(**names), [checked[0]])
            failed = [r for r in results if not r["success"]]
            blocking = sum(1 for r in failed if r["is_blocking"])
            checks = Checks(
                checked[0],
                len(results),
                len(results) - len(failed),
                blocking,
                len(failed) - blocking,
            )
            validations = failed
    return Status(source, note, published, runs, checks, validations, files)


def _published(published_dir: Path) -> Row | None:
    """The published snapshot: its run, as_of, when it was published and where it is."""
    snapshot = current_snapshot(published_dir)
    if snapshot is None or not (snapshot / SNAPSHOT_DB).exists():
        return None
    with session(snapshot / SNAPSHOT_DB, read_only=True) as con:
        row = None
        if table_exists(con, "main", "ops_runs"):
            row = con.execute(
                "select as_of, finished_at from ops_runs where run_id = ?", [snapshot.name]
            ).fetchone()
    return {
        "run_id": snapshot.name,
        "as_of": row[0] if row else None,
        "published_at": row[1] if row else None,
        "path": str(snapshot / SNAPSHOT_DB),
    }
