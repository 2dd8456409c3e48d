"""Ad-hoc assessment as a flow: one defect's impact and its bug report as an artifact."""

from __future__ import annotations

import re
from datetime import datetime

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from impact import pipeline
from impact.assess import Assessment, DefectDefinition, assess
from impact.bug_report import write_bug_report
from impact.config import load_settings
from impact.report.timeline_process import TimelineProcess


@flow(name="assess_defect")
def assess_defect(
    defect_id: str,
    error_codes: list[str] | None = None,
    pattern: str | None = None,
    service: str | None = None,
    ticket_tags: list[str] | None = None,
    title: str | None = None,
    category: str | None = None,
    as_of: datetime | None = None,
    home: str | None = None,
) -> Assessment:
    settings = load_settings(home)
    definition = DefectDefinition(
        defect_id=defect_id,
        title=title or None,
        service=service or None,
        category=category or None,
        error_codes=list(error_codes or []),
        message_pattern=pattern or None,
        ticket_tags=list(ticket_tags or []),
    )
    with TimelineProcess() as draw_timeline:
        result = assess(settings, definition, as_of or pipeline.now())
        report = write_bug_report(settings, result, draw_timeline=draw_timeline)
    create_markdown_artifact(
        key=bug_report_key(defect_id),
        markdown=report.artifact_markdown,
        description=f"Bug report for {defect_id} ({result.assessment_id})",
    )
    return result


def bug_report_key(defect_id: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes: one stable key per defect."""
    return "bug-report-" + re.sub(r"[^a-z0-9]+", "-", defect_id.lower()).strip("-")
