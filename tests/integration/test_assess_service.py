"""`impact assess-service`, a real process: `impact assess` gets from it what it computes alone,
the same one-line errors, and falls back to assessing alone when the service is gone."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from impact.assess_service import socket_path
from impact.cli import main
from impact.config import Settings
from impact.locking import writer_lock
from tests.fixtures.demo import DEMO_AS_OF, assess_json, defect_truth

IMPACT = Path(sys.executable).with_name("impact")


@pytest.fixture
def service(demo_copy: Settings) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [str(IMPACT), "assess-service", "--home", str(demo_copy.home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("impact: assessing for"), process.stderr
    yield process
    if process.poll() is None:
        _stop(process)


def _assess(home: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    report: dict[str, Any] = assess_json(home, capsys, *extra)["bug_report"]
    return report


def _stop(service: subprocess.Popen[str]) -> str:
    """Stop the service as a signal would; returns its log."""
    service.terminate()
    log, _ = service.communicate(timeout=60)
    assert service.returncode == 0
    return log


def test_the_service_assesses_as_the_command_alone_does(
    demo_copy: Settings,
    service: subprocess.Popen[str],
    ground_truth: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    truth = defect_truth(ground_truth, "BUG-501")
    served = _assess(demo_copy.home, capsys, "--defect-id", "BUG-501")
    assert served["accounts"]["affected_accounts"] == truth["affected_accounts"]
    assert served["accounts"]["affected_arr_usd"] == pytest.approx(truth["affected_arr_usd"])
    # The service writes the bug report, as asked.
    assert served["pii_masked"] is True
    assert Path(served["files"]["report.md"]).read_text().startswith("# ")
    shown = _assess(demo_copy.home, capsys, "--defect-id", "BUG-501", "--show-pii")
    assert shown["pii_masked"] is False

    assert _stop(service).startswith("assessed BUG-501 (asm_")
    assert not socket_path(demo_copy).exists()
    alone = _assess(demo_copy.home, capsys, "--defect-id", "BUG-501")
    assert alone["accounts"] == served["accounts"]
    assert alone["suspected_deploy"] == served["suspected_deploy"]


def test_an_error_comes_back_as_the_commands_own_and_the_service_goes_on(
    demo_copy: Settings,
    service: subprocess.Popen[str],
    ground_truth: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [
        "assess",
        "--home",
        str(demo_copy.home),
        "--defect-id",
        "BUG-404",
        "--as-of",
        DEMO_AS_OF,
    ]
    assert main(argv) == 3
    error = capsys.readouterr().err
    assert error == (
        "impact: BUG-404 is not in the defects file: describe it with --error-code, "
        "--pattern and/or --ticket-tag\n"
    )
    new_defect = _assess(
        demo_copy.home,
        capsys,
        *("--defect-id", "BUG-998", "--service", "billing"),
        *("--pattern", "rendering failed: template variable"),
    )
    assert _stop(service).startswith("assessed BUG-998 (asm_")
    truth = defect_truth(ground_truth, "REGRESSION")
    accounts = new_defect["accounts"]
    assert (accounts["affected_accounts"], accounts["event_count"]) == (
        truth["event_accounts"],
        truth["event_count"],
    )


def test_a_killed_service_leaves_a_socket_the_command_steps_over(
    demo_copy: Settings,
    service: subprocess.Popen[str],
    ground_truth: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    service.send_signal(signal.SIGKILL)
    service.wait(timeout=60)
    assert socket_path(demo_copy).exists()
    alone = _assess(demo_copy.home, capsys, "--defect-id", "BUG-501")
    truth = defect_truth(ground_truth, "BUG-501")
    assert alone["accounts"]["affected_accounts"] == truth["affected_accounts"]


def test_a_service_stopped_before_it_answers_leaves_the_command_to_assess_alone(
    demo_copy: Settings,
    service: subprocess.Popen[str],
    ground_truth: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports: list[dict[str, Any]] = []
    command = threading.Thread(
        target=lambda: reports.append(_assess(demo_copy.home, capsys, "--defect-id", "BUG-501"))
    )
    # Holding the writer lock keeps the service from answering: the command has connected and
    # is waiting when the service is killed.
    with writer_lock(demo_copy.warehouse):
        command.start()
        time.sleep(1)
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=60)
    command.join(timeout=600)
    truth = defect_truth(ground_truth, "BUG-501")
    assert reports[0]["accounts"]["affected_accounts"] == truth["affected_accounts"]
