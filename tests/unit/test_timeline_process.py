"""The timeline process draws the bug report's chart exactly as the assessing process would, and
says what went wrong when it cannot."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from impact.errors import ImpactError
from impact.report import charts
from impact.report.timeline_process import TimelineProcess

TITLE = "BUG-9: events and tickets per day (UTC)"


def _timeline() -> charts.Timeline:
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(14)]
    deploy = {
        "deploy_id": "dep_0003",
        "service": "billing",
        "version": "4.2.0",
        "deployed_at": datetime(2026, 3, 6, 14, 30),
        "description": "new invoice export",
    }
    return charts.Timeline(
        days=days,
        events=[0] * 5 + [40, 90, 120, 80, 60, 70, 65, 50, 55],
        tickets=[0] * 6 + [2, 5, 3, 1, 2, 0, 1, 1],
        deploys=[deploy],
        suspected_deploy_id="dep_0003",
    )


def test_the_process_draws_the_same_png_as_this_process(tmp_path: Path) -> None:
    with TimelineProcess() as draw:
        drawn = draw(_timeline(), tmp_path / "process.png", title=TITLE)
    here = charts.timeline_png(_timeline(), tmp_path / "here.png", title=TITLE)
    assert drawn == tmp_path / "process.png"
    assert drawn.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn.read_bytes() == here.read_bytes()


def test_a_chart_it_cannot_write_fails_the_caller_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    target = tmp_path / "a_file" / "timeline.png"
    with TimelineProcess() as draw, pytest.raises(ImpactError, match=f"drawing {target} failed"):
        draw(_timeline(), target, title=TITLE)
