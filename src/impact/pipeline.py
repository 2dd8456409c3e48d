"""The pipeline's steps as plain functions: what the CLI and the Prefect flows call."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from impact import audit_process, build_process, runs, transform
from impact.config import Settings
from impact.gate import ValidationFailed
from impact.ingest.landing import ingest_files, ingest_pending, land
from impact.ingest.loader import FileLoad
from impact.ingest.schema import ensure_schema
from impact.locking import writer_lock
from impact.publish import discard_snapshot, publish_snapshot, snapshot_dir
from impact.status import ledger
from impact.validate import ValidationReport
from impact.warehouse import Row, session


@dataclass(frozen=True)
class Run:
    """One daily run; each step returns it with what the step produced."""

    run_id: str
    as_of: datetime
    loads: tuple[FileLoad, ...] = ()
    dbt_nodes: int = 0
    validation: ValidationReport | None = None
    snapshot: Path | None = None
    report: Path | None = None


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_run(as_of: datetime | None = None) -> Run:
    run_id = f"run_{now():%Y%m%dT%H%M%S}_{uuid.uuid4().hex[:6]}"
    return Run(run_id, as_of or now())


def ingest(
    settings: Settings, paths: list[Path], source: str | None, shape: str | None = None
) -> list[FileLoad]:
    settings.ensure_layout()
    landed = land(paths, settings.landing, source, shape)
    with writer_lock(settings.warehouse), session(settings.warehouse) as con:
        return ingest_files(con, landed, settings.quarantine, settings.exports, shape)


def ingest_landing(settings: Settings) -> list[FileLoad]:
    """Load every landed file the ledger has not seen."""
    settings.ensure_layout()
    with writer_lock(settings.warehouse), session(settings.warehouse) as con:
        return ingest_pending(con, settings.landing, settings.quarantine, settings.exports)


def ingest_step(settings: Settings, run: Run) -> Run:
    """Record the run, load new landing files, and fix the run's as_of for the models."""
    settings.ensure_layout()
    # While ingestion runs, in processes of their own: dbt's import and parse for the build
    # step, GX's import for validation.
    build_process.start(settings)
    audit_process.start()
    with session(settings.warehouse) as con:
        loads = ingest_pending(con, settings.landing, settings.quarantine, settings.exports)
        runs.start_run(con, run.run_id, "daily", run.as_of, settings.dbt_vars())
        transform.set_run_parameters(con, run.as_of, run.run_id)
    return replace(run, loads=tuple(loads))


# What a daily run builds when neither the models nor their vars changed: the relations that
# hold data, and every data test. A view is the same SQL as when it was made (its data is read
# when queried), so re-making the ten views cost 0.8 s of every run for nothing.
UNCHANGED_MODELS = "config.materialized:table config.materialized:incremental resource_type:test"


def build_step(settings: Settings, run: Run) -> Run:
    """dbt build (models and their tests) of everything but the assessment models.

    Incremental models add only what was loaded since the last build. When the model code or
    the settings the models read changed, everything is rebuilt from scratch and the dbt unit
    tests run first (otherwise they passed when this code was first built, so a daily run skips
    them).
    """
    with session(settings.warehouse) as con:
        changed = runs.models_changed(con, run.run_id, settings.dbt_vars())
    mode = (
        ("--full-refresh",)
        if changed
        else ("--select", UNCHANGED_MODELS, "--exclude-resource-type", "unit_test")
    )
    try:
        nodes = build_process.build(settings, "--exclude", "tag:assessment", *mode)
    except transform.TransformError as exc:
        _fail(settings, run, "failed_build", str(exc))
        raise
    return replace(run, dbt_nodes=len(nodes))


def validate_step(settings: Settings, run: Run) -> Run:
    """The GX gate: a failed blocking expectation stops the run before publishing.

    The audit process validates, and meanwhile copies the marts into the run's snapshot; a
    failed validation deletes that snapshot, and the previous one stays current. It writes the
    Data Docs after answering: a passed run waits for them in `report_step`, a failed one here.
    """
    try:
        report = audit_process.audit(settings, run.run_id)
    except BaseException:
        discard_snapshot(settings.published, run.run_id)
        raise
    if not report.passed:
        discard_snapshot(settings.published, run.run_id)
        message = f"validation failed, previous snapshot kept: {', '.join(report.failed_blocking)}"
        _fail(settings, run, "failed_validation", message)
        audit_process.docs_written()
        raise ValidationFailed(message)
    return replace(run, validation=report)


def publish_step(settings: Settings, run: Run) -> Run:
    """Mark the run published, then add the lineage to its snapshot and switch to it."""
    with session(settings.warehouse) as con:
        runs.record_inputs(con, run.run_id)
        snapshot = snapshot_dir(settings.published, run.run_id)
        runs.finish_run(
            con, run.run_id, "published", dbt_nodes=run.dbt_nodes, snapshot=str(snapshot)
        )
        try:
            published = publish_snapshot(con, settings.published, run.run_id)
        except (OSError, duckdb.Error) as exc:
            runs.finish_run(con, run.run_id, "failed_publish", message=str(exc))
            raise
    return replace(run, snapshot=published)


def report_step(settings: Settings, run: Run) -> Run:
    """The HTML report of the snapshot just published (reports/impact_report.html), once the
    validation's Data Docs (reports/data_docs) are written too."""
    from impact.report.html import write_html_report  # plotly and jinja2: only this step

    report = write_html_report(settings)
    audit_process.docs_written()
    return replace(run, report=report)


# The daily run, in order: the CLI runs these as plain calls, the Prefect flow as tasks.
DAILY_STEPS: tuple[Callable[[Settings, Run], Run], ...] = (
    ingest_step,
    build_step,
    validate_step,
    publish_step,
    report_step,
)


def run(
    settings: Settings,
    as_of: datetime | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Run:
    """The daily run under the writer lock: ingest, build, validate, publish, report.
    `on_step` is told each step's name as it starts (the CLI shows progress with it)."""
    daily = new_run(as_of)
    with writer_lock(settings.warehouse):
        for step in DAILY_STEPS:
            if on_step is not None:
                on_step(step.__name__)
            daily = step(settings, daily)
    return daily


def _fail(settings: Settings, run: Run, status: str, message: str) -> None:
    with session(settings.warehouse) as con:
        runs.finish_run(con, run.run_id, status, message=message, dbt_nodes=run.dbt_nodes)


def write_demo(settings: Settings, seed: int = 7) -> datetime:
    """Write the demo month into the landing zone; returns the as_of its ground truth holds at."""
    from impact.demo.generator import DEMO_AS_OF, generate_demo  # only `impact demo` needs it

    settings.ensure_layout()
    generate_demo(settings.landing, seed=seed)
    return DEMO_AS_OF


def demo(settings: Settings, seed: int = 7) -> Run:
    return run(settings, as_of=write_demo(settings, seed))


def status(settings: Settings) -> list[Row]:
    with session(settings.warehouse) as con:
        ensure_schema(con)
        return ledger(con)
