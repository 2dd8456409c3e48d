"""The custom events that drive served deployments, and how to emit them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.events import emit_event

DEFECT_REPORTED = "impact.defect.reported"
FILE_ARRIVED = "impact.landing.file-arrived"


def report_defect(home: Path, definition: dict[str, Any]) -> None:
    """Ask a served `assess_defect` deployment to assess this defect definition."""
    _emit(
        DEFECT_REPORTED,
        f"impact.defect.{definition['defect_id']}",
        {**definition, "home": str(home)},
    )


def file_arrived(home: Path, path: Path, source: str, as_of: str | None = None) -> None:
    """Tell a served `ingest_landing` deployment that a file landed (as_of None: now)."""
    _emit(
        FILE_ARRIVED,
        f"impact.landing.{source}",
        {"home": str(home), "path": str(path), "source": source, "as_of": as_of},
    )


def _emit(event: str, resource_id: str, payload: dict[str, Any]) -> None:
    emitted = emit_event(
        event=event, resource={"prefect.resource.id": resource_id}, payload=payload
    )
    if emitted is None:
        raise RuntimeError(f"Prefect did not accept the {event} event")
