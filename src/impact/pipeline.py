"""The pipeline's steps as plain functions: what the CLI and the Prefect flows call."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from impact import transform
from impact.config import Settings
from impact.ingest.landing import ingest_files, ingest_pending, land
from impact.ingest.loader import FileLoad
from impact.ingest.schema import ensure_schema
from impact.render import Row
from impact.status import ledger
from impact.warehouse import session


@dataclass(frozen=True)
class RunResult:
    run_id: str
    as_of: datetime
    loads: list[FileLoad]


def ingest_landing(settings: Settings) -> list[FileLoad]:
    settings.ensure_layout()
    with session(settings.warehouse) as con:
        return ingest_pending(con, settings.landing, settings.quarantine)


def ingest(settings: Settings, paths: list[Path], source: str | None) -> list[FileLoad]:
    settings.ensure_layout()
    landed = land(paths, settings.landing, source)
    with session(settings.warehouse) as con:
        return ingest_files(con, landed, settings.quarantine)


def run(settings: Settings, as_of: datetime | None = None) -> RunResult:
    as_of = as_of or datetime.now(UTC).replace(tzinfo=None)
    run_id = new_run_id()
    settings.ensure_layout()
    with session(settings.warehouse) as con:
        loads = ingest_pending(con, settings.landing, settings.quarantine)
        transform.set_run_parameters(con, as_of, run_id)
    transform.invoke(settings, "build")
    return RunResult(run_id, as_of, loads)


def new_run_id() -> str:
    started = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"run_{started}_{uuid.uuid4().hex[:6]}"


def demo(settings: Settings, seed: int = 7) -> RunResult:
    from impact.demo.generator import DEMO_AS_OF, generate_demo  # only `impact demo` needs it

    settings.ensure_layout()
    generate_demo(settings.landing, seed=seed)
    return run(settings, as_of=DEMO_AS_OF)


def status(settings: Settings) -> list[Row]:
    with session(settings.warehouse) as con:
        ensure_schema(con)
        return ledger(con)
