"""`impact serve`: the daily schedule and both event triggers, served by this process.

Needs a Prefect server (PREFECT_API_URL): an ephemeral one has no scheduler. With `watch`, a
thread emits `impact.landing.file-arrived` for every file that appears in the landing zone.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from prefect import serve as prefect_serve
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger

from impact.config import Settings
from impact.flows.assess import assess_defect
from impact.flows.daily import daily_impact_run, ingest_landing
from impact.flows.events import DEFECT_REPORTED, FILE_ARRIVED, file_arrived
from impact.ingest.landing import landed_files

WATCH_SECONDS = 5.0


def _from_payload(field: str) -> str:
    """A single-expression template: Prefect renders it with `tojson`, so lists stay lists
    and an absent field becomes null."""
    return "{{ event.payload." + field + " }}"


def deployments(settings: Settings) -> list[object]:
    home = str(settings.home)
    return [
        daily_impact_run.to_deployment(
            name="daily", cron=settings.schedule_cron, parameters={"home": home}
        ),
        assess_defect.to_deployment(
            name="on-defect-reported",
            triggers=[
                DeploymentEventTrigger(
                    expect={DEFECT_REPORTED},
                    parameters={
                        "home": home,
                        "defect_id": _from_payload("defect_id"),
                        "error_codes": _from_payload("error_codes"),
                        "pattern": _from_payload("pattern"),
                        "service": _from_payload("service"),
                        "ticket_tags": _from_payload("ticket_tags"),
                        "title": _from_payload("title"),
                        "category": _from_payload("category"),
                        "as_of": _from_payload("as_of"),
                    },
                )
            ],
        ),
        ingest_landing.to_deployment(
            name="on-file-arrived",
            triggers=[
                DeploymentEventTrigger(
                    expect={FILE_ARRIVED},
                    parameters={"home": home, "as_of": _from_payload("as_of")},
                )
            ],
        ),
    ]


def serve(settings: Settings, *, watch: bool = False) -> None:
    settings.ensure_layout()
    if watch:
        threading.Thread(target=_watch_landing, args=(settings,), daemon=True).start()
    prefect_serve(*deployments(settings))  # type: ignore[arg-type]


def _watch_landing(settings: Settings) -> None:
    """Announce files that appear (or change) after serving starts; earlier ones are the next
    daily run's business."""
    known = _snapshot(settings.landing)
    while True:
        time.sleep(WATCH_SECONDS)
        current = _snapshot(settings.landing)
        for path, _, source in sorted(current - known):
            file_arrived(settings.home, path, source)
        known = current


def _snapshot(landing: Path) -> set[tuple[Path, int, str]]:
    return {(path, path.stat().st_mtime_ns, source) for path, source in landed_files(landing)}
