"""The pipeline's steps as plain functions: what the CLI and the Prefect flows call."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from impact import runs, transform
from impact.config import Settings
from impact.ingest.landing import ingest_files, ingest_pending, land
from impact.ingest.loader import FileLoad
from impact.ingest.schema import ensure_schema
from impact.locking import writer_lock
from impact.publish import publish_snapshot
from impact.status import ledger
from impact.warehouse import Row, session


@dataclass(frozen=True)
class RunResult:
    run_id: str
    as_of: datetime
    loads: list[FileLoad]
    snapshot: Path


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id() -> str:
    return f"run_{now():%Y%m%dT%H%M%S}_{uuid.uuid4().hex[:6]}"


def ingest(settings: Settings, paths: list[Path], source: str | None) -> list[FileLoad]:
    settings.ensure_layout()
    landed = land(paths, settings.landing, source)
    with writer_lock(settings.warehouse), session(settings.warehouse) as con:
        return ingest_files(con, landed, settings.quarantine)


def ingest_landing(settings: Settings) -> list[FileLoad]:
    """Load every landed file the ledger has not seen."""
    settings.ensure_layout()
    with writer_lock(settings.warehouse), session(settings.warehouse) as con:
        return ingest_pending(con, settings.landing, settings.quarantine)


def run(settings: Settings, as_of: datetime | None = None) -> RunResult:
    """The daily run: ingest, build, validate, publish, under the writer lock."""
    as_of = as_of or now()
    run_id = new_run_id()
    settings.ensure_layout()
    with writer_lock(settings.warehouse):
        with session(settings.warehouse) as con:
            loads = ingest_pending(con, settings.landing, settings.quarantine)
            runs.start_run(con, run_id, "daily", as_of)
            transform.set_run_parameters(con, as_of, run_id)
        nodes = build(settings, run_id)
        with session(settings.warehouse) as con:
            runs.record_inputs(con, run_id)
            snapshot = publish_snapshot(con, settings.published, run_id)
            runs.finish_run(con, run_id, "published", dbt_nodes=nodes, snapshot=str(snapshot))
    return RunResult(run_id, as_of, loads, snapshot)


def build(settings: Settings, run_id: str) -> int:
    """dbt build of everything but the assessment models; a failure is recorded, then raised."""
    try:
        return len(transform.invoke(settings, "build", "--exclude", "tag:assessment"))
    except transform.TransformError as exc:
        with session(settings.warehouse) as con:
            runs.finish_run(con, run_id, "failed_build", message=str(exc))
        raise


def demo(settings: Settings, seed: int = 7) -> RunResult:
    from impact.demo.generator import DEMO_AS_OF, generate_demo  # only `impact demo` needs it

    settings.ensure_layout()
    generate_demo(settings.landing, seed=seed)
    return run(settings, as_of=DEMO_AS_OF)


def status(settings: Settings) -> list[Row]:
    with session(settings.warehouse) as con:
        ensure_schema(con)
        return ledger(con)
