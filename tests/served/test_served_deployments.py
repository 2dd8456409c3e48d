"""End to end against a real Prefect server on 127.0.0.1: schedule, and both event triggers.

Starts `prefect server start` and `impact serve --watch` as processes; `impact report-bug`
emits impact.defect.reported and a file dropped into the landing zone makes the watcher emit
impact.landing.file-arrived. Waits (bounded) for the triggered runs; stops everything itself.
And `impact assess` in served mode: a flow run the server records, whose report it prints.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    DeploymentFilter,
    DeploymentFilterName,
)
from prefect.settings import PREFECT_API_URL, temporary_settings

from impact.bug_report import read_bug_report
from impact.config import Settings
from impact.flows.assess import bug_report_key
from tests.fixtures.demo import published_rows
from tests.fixtures.files import write_rows

IMPACT = str(Path(sys.executable).with_name("impact"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
AS_OF = "2026-11-01T00:00:00Z"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(condition: Callable[[], Any], what: str, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(
        command,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def served(demo_copy: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str, dict[str, str]]]:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "DO_NOT_TRACK": "1",
    }
    server = _start(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        {k: v for k, v in env.items() if k != "PREFECT_API_URL"},
        tmp_path / "server.log",
    )
    processes = [server]
    try:
        _wait(lambda: _healthy(api), "the Prefect server", 120)
        processes.append(
            _start(
                [IMPACT, "serve", "--home", str(demo_copy.home), "--watch"],
                env,
                tmp_path / "serve.log",
            )
        )
        with temporary_settings({PREFECT_API_URL: api}):
            yield demo_copy, api, env
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(tmp_path / "prefect", ignore_errors=True)


def _client() -> SyncPrefectClient:
    return get_client(sync_client=True)


def _deployment_ids(client: SyncPrefectClient) -> dict[str, Any]:
    deployments = client.read_deployments(
        deployment_filter=DeploymentFilter(
            name=DeploymentFilterName(any_=["daily", "on-defect-reported", "on-file-arrived"])
        )
    )
    return {d.name: d for d in deployments}


def _completed_run(client: SyncPrefectClient, deployment_id: Any) -> Any:
    for run in client.read_flow_runs():
        if run.deployment_id == deployment_id and run.state is not None:
            assert not run.state.is_failed(), f"flow run failed: {run.state.message}"
            if run.state.is_completed():
                return run
    return None


def test_schedule_and_event_triggers_against_a_real_server(served):
    settings, _, env = served
    with _client() as client:
        deployments = _wait(
            lambda: len(found := _deployment_ids(client)) == 3 and found,
            "impact serve to register its deployments",
            120,
        )
        daily = deployments["daily"]
        assert [s.schedule.cron for s in daily.schedules] == ["0 6 * * *"]

        subprocess.run(
            [
                IMPACT,
                "report-bug",
                "--home",
                str(settings.home),
                "--defect-id",
                "BUG-501",
                "--as-of",
                AS_OF,
            ],
            env=env,
            check=True,
            timeout=60,
        )
        _wait(
            lambda: _completed_run(client, deployments["on-defect-reported"].id),
            "the triggered assess_defect run",
            240,
        )
        [report] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[bug_report_key("BUG-501")]))
        )
        assert "38 hit 2 or more times" in str(report.data)

        # `impact serve --watch` sees the dropped file and emits impact.landing.file-arrived.
        write_rows(
            settings.landing / "defects" / "late_defects.json",
            [
                {
                    "defect_id": "BUG-900",
                    "title": "Rate limiter, again",
                    "service": "api",
                    "error_codes": ["RATE_LIMIT_MISCOUNT"],
                },
            ],
        )
        _wait(
            lambda: _completed_run(client, deployments["on-file-arrived"].id),
            "the triggered ingest_landing run",
            240,
        )

    [row] = published_rows(
        settings, "select affected_accounts from hotfix_priority where defect_id = 'BUG-900'"
    )
    assert row["affected_accounts"] == 3


def test_assess_in_served_mode_is_a_flow_run_whose_report_it_prints(served):
    settings, _, env = served
    command = [IMPACT, "assess", "--home", str(settings.home), "--defect-id", "BUG-501"]
    command += ["--as-of", AS_OF, "--format", "json"]

    def assess(*extra: str) -> tuple[dict[str, Any], str, bool]:
        """The printed report, the bug report artifact the flow run left, and whether the
        report's files were written after the flow run ended."""
        printed = subprocess.run(
            [*command, *extra], env=env, check=True, capture_output=True, text=True, timeout=180
        ).stdout
        [row] = json.loads(printed)
        with _client() as client:
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=[bug_report_key("BUG-501")])
                )
            )
            [artifact] = [a for a in artifacts if row["assessment_id"] in str(a.description)]
            assert artifact.flow_run_id is not None
            ended = client.read_flow_run(artifact.flow_run_id).end_time
        assert ended is not None
        written = Path(row["report"]).stat().st_mtime
        return row, str(artifact.data), written > ended.timestamp()

    masked, artifact, rewritten = assess()
    assert not rewritten  # the command prints what the flow run wrote
    assert masked["repeat_affected_accounts"] == 38
    assert masked["bug_report"]["pii_masked"] is True
    assert read_bug_report(settings, "BUG-501").artifact_markdown == artifact

    # The report showing PII is written for the analyst; the artifact stays masked.
    shown, artifact, rewritten = assess("--show-pii")
    assert rewritten
    assert shown["bug_report"]["pii_masked"] is False
    assert "shown unmasked (--show-pii)" in Path(shown["report"]).read_text()
    assert "shown unmasked" not in artifact and "are masked (--show-pii shows them)" in artifact
