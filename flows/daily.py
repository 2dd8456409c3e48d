"""The daily run and the landing refresh: each library step a task, under the writer lock."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from impact import pipeline, queries
from impact.config import Settings, load_settings
from impact.locking import writer_lock

# Steps that touch files or the database may hit a passing I/O error; validation never retries.
RETRIES = {
    "ingest_step": 2,
    "build_step": 1,
    "validate_step": 0,
    "publish_step": 2,
    "report_step": 1,
}

STEP_TASKS = tuple(
    task(
        name=step.__name__.removesuffix("_step"),
        retries=RETRIES[step.__name__],
        retry_delay_seconds=5,
        cache_policy=NO_CACHE,
    )(step)
    for step in pipeline.DAILY_STEPS
)

PRIORITY_ARTIFACT_KEY = "hotfix-priority"


@flow(name="daily_impact_run")
def daily_impact_run(home: str | None = None, as_of: datetime | None = None) -> pipeline.Run:
    """Ingest, build, validate, publish; then publish the priority table as an artifact."""
    return _run_daily(load_settings(home), as_of)


@flow(name="ingest_landing")
def ingest_landing(home: str | None = None, as_of: datetime | None = None) -> pipeline.Run:
    """Load what has arrived in the landing zone, then refresh the published tables."""
    return _run_daily(load_settings(home), as_of)


def _run_daily(settings: Settings, as_of: datetime | None) -> pipeline.Run:
    run = pipeline.new_run(as_of)
    with writer_lock(settings.warehouse):
        for step_task in STEP_TASKS:
            run = step_task(settings, run)
    create_table_artifact(
        key=PRIORITY_ARTIFACT_KEY,
        table=_artifact_rows(settings),
        description=f"Hotfix priority as of {run.as_of:%Y-%m-%d %H:%M} UTC (run {run.run_id})",
    )
    return run


def _artifact_rows(settings: Settings) -> list[dict[str, object]]:
    columns = (
        "priority_rank",
        "defect_id",
        "title",
        "source",
        "severity_score",
        "severity_level",
        "affected_accounts",
        "affected_arr_usd",
        "trend",
        "suspected_deploy_id",
    )
    return [
        {c: str(row[c]) if row[c] is not None else "" for c in columns}
        for row in queries.hotfix_priority(settings.published)
    ]
