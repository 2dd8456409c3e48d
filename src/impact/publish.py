"""Write-audit-publish: a validated build becomes an immutable snapshot, switched in atomically.

`published/snapshots/<run_id>/` holds `impact.duckdb` and one Parquet file per published table,
written while the build is validated and discarded if it fails;
`published/current` is a symlink to the newest validated snapshot, replaced with one atomic
rename. Readers open `published/current/impact.duckdb` read-only: no writer ever opens that
file again, so readers are never blocked, and a reader that is mid-query keeps the old files.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from impact.errors import ImpactError
from impact.ingest.raw_file import quote_literal
from impact.warehouse import connect

PUBLISHED_TABLES = (
    "hotfix_priority",
    "defect_accounts",
    "emerging_signatures",
    # The detail the bug and HTML reports show and their evidence queries read.
    "defect_daily_activity",
    "defect_event_samples",
    "defect_tickets",
    "deployments",
    # Ticket analytics: volume trends, clusters of similar tickets, triage suggestions.
    "ticket_volume_trends",
    "ticket_clusters",
    "ticket_cluster_members",
    "triage_suggestions",
    "triage_evidence",
)
# Lineage travels with the snapshot, so an audit needs nothing but the snapshot itself.
LINEAGE_TABLES = ("ops.runs", "ops.run_inputs", "ops.run_validations", "ingest.files")
SNAPSHOT_DB = "impact.duckdb"
KEEP_SNAPSHOTS = 5


class NothingPublished(ImpactError):
    exit_code = 6


def built_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    return [t for t in PUBLISHED_TABLES if t in present]


def write_snapshot(con: duckdb.DuckDBPyConnection, published: Path, run_id: str) -> Path:
    """Copy the marts into the run's new snapshot; nobody reads it before `publish_snapshot`."""
    snapshot = snapshot_dir(published, run_id)
    if snapshot.exists():
        shutil.rmtree(snapshot)
    snapshot.mkdir(parents=True)
    try:
        with _attached(con, snapshot):
            for table in built_tables(con):
                con.execute(f"create table snapshot.main.{table} as select * from marts.{table}")
                target = quote_literal(str(snapshot / f"{table}.parquet"))
                con.execute(f"copy marts.{table} to {target} (format parquet)")
    except BaseException:
        shutil.rmtree(snapshot, ignore_errors=True)  # a snapshot on disk has all its marts
        raise
    return snapshot


def publish_snapshot(con: duckdb.DuckDBPyConnection, published: Path, run_id: str) -> Path:
    """Add the lineage to the run's snapshot (its marts written first, if not yet), then point
    `current` at it."""
    snapshot = snapshot_dir(published, run_id)
    if not (snapshot / SNAPSHOT_DB).exists():
        write_snapshot(con, published, run_id)
    with _attached(con, snapshot):
        for qualified in LINEAGE_TABLES:
            table = f"snapshot.main.{qualified.replace('.', '_')}"
            con.execute(f"create or replace table {table} as select * from {qualified}")
    _switch_current(published, snapshot)
    _prune(published, keep=snapshot)
    return snapshot


def discard_snapshot(published: Path, run_id: str) -> None:
    """Remove a run's snapshot that will not be published."""
    shutil.rmtree(snapshot_dir(published, run_id), ignore_errors=True)


def snapshot_dir(published: Path, run_id: str) -> Path:
    return published / "snapshots" / run_id


def current_snapshot(published: Path) -> Path | None:
    current = published / "current"
    return current.resolve() if current.exists() else None


@contextmanager
def open_snapshot(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    snapshot = current_snapshot(published)
    if snapshot is None:
        raise NothingPublished(
            f"{published}: nothing published yet; run `impact run` (or `impact demo`) first"
        )
    con = connect(snapshot / SNAPSHOT_DB, read_only=True)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _attached(con: duckdb.DuckDBPyConnection, snapshot: Path) -> Iterator[None]:
    con.execute(f"attach {quote_literal(str(snapshot / SNAPSHOT_DB))} as snapshot")
    try:
        yield
    finally:
        con.execute("detach snapshot")


def _switch_current(published: Path, snapshot: Path) -> None:
    staged = published / f".current-{snapshot.name}"
    if staged.is_symlink() or staged.exists():
        staged.unlink()
    staged.symlink_to(snapshot.relative_to(published), target_is_directory=True)
    os.replace(staged, published / "current")


def _prune(published: Path, keep: Path) -> None:
    """Keep the newest snapshots; an open reader of a removed one still holds its files."""
    snapshots = sorted(
        (p for p in (published / "snapshots").iterdir() if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in snapshots[KEEP_SNAPSHOTS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
