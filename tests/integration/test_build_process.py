"""The daily run's dbt build, in the process that parsed the project while the run loaded
(impact.build_process)."""

from __future__ import annotations

import pytest

from impact import build_process
from impact.config import Settings
from impact.transform import TransformError
from tests.integration.test_transform import WITH_EPHEMERAL


def test_a_build_runs_in_the_process_started_for_it_and_reports_its_nodes(
    demo_copy: Settings,
) -> None:
    build_process.start(demo_copy)
    nodes = build_process.build(demo_copy, *WITH_EPHEMERAL)
    built = {n.unique_id: n.status for n in nodes}
    assert built["model.impact.int_tickets_matched_to_recent_signatures"] == "success"
    assert set(built.values()) <= {"success", "pass"}
    # Without a process started ahead, a build starts one and parses there.
    again = build_process.build(demo_copy, *WITH_EPHEMERAL)
    assert {n.unique_id for n in again} == set(built)


def test_a_failed_build_is_raised_in_the_run_saying_what_failed(demo_copy: Settings) -> None:
    build_process.start(demo_copy)
    with pytest.raises(TransformError, match="dbt build failed: .*not a valid integer"):
        build_process.build(demo_copy, "--threads", "none")
