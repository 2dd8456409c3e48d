"""Readers only ever see validated snapshots: a bad build, a crash and a busy writer prove it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from impact import audit_process, pipeline
from impact.assess import DefectDefinition, assess
from impact.cli import main
from impact.config import Settings
from impact.publish import current_snapshot, publish_snapshot
from impact.warehouse import fetch_rows, session
from tests.fixtures.demo import published_rows
from tests.fixtures.scenario import AS_OF, Scenario, at, base_scenario, export_empty

IMPACT = str(Path(sys.executable).with_name("impact"))


def _published(settings: Settings) -> Settings:
    base_scenario().write(settings.landing)
    pipeline.run(settings, as_of=AS_OF)
    return settings


def _land_events(settings: Settings, name: str, events: list[dict[str, object]]) -> None:
    Scenario(error_events=events).write(settings.landing, {"error_events": name})


def _validation_page(settings: Settings, table: str) -> Path:
    """The Data Docs page of the table's last validation (its path holds the validation time)."""
    [page] = (settings.reports / "data_docs" / "validations" / table).glob("*/*/*.html")
    return page


def _bug_1_accounts(settings: Settings) -> int:
    [row] = published_rows(
        settings, "select affected_accounts from hotfix_priority where defect_id = 'BUG-1'"
    )
    return int(row["affected_accounts"])


def test_a_bad_build_is_caught_and_the_old_snapshot_stays(settings, capsys):
    _published(settings)
    before = current_snapshot(settings.published)
    page_before = _validation_page(settings, "hotfix_priority")
    # Errors from accounts nobody knows: more affected accounts than the accounts file holds.
    strangers = [export_empty(f"ghost_{i:02d}", at(30, 2, i), i) for i in range(12)]
    _land_events(settings, "strangers.jsonl", strangers)

    code = main(["run", "--home", str(settings.home), "--as-of", AS_OF.isoformat()])

    assert code == 7
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "expect_accounts_within_known[affected_accounts]" in err[0]
    # The failed validation's Data Docs are written by the time the run fails.
    assert _validation_page(settings, "hotfix_priority") != page_before
    assert current_snapshot(settings.published) == before
    # The snapshot written while validating is gone with the build it held.
    assert [p.name for p in (settings.published / "snapshots").iterdir()] == [before.name]
    assert _bug_1_accounts(settings) == 5
    with session(settings.warehouse, read_only=True) as con:
        [last] = fetch_rows(
            con, "select status, message from ops.runs order by started_at desc limit 1"
        )
    assert last["status"] == "failed_validation"


def test_a_run_ends_with_the_data_docs_of_its_validation(settings):
    """The audit process writes them while the run publishes and reports; the run waits."""
    _published(settings)
    assert (settings.reports / "data_docs" / "index.html").is_file()
    pages_before = {t: _validation_page(settings, t) for t in ("hotfix_priority", "load_ledger")}

    pipeline.run(settings, as_of=AS_OF + timedelta(hours=1))

    for table, page_before in pages_before.items():
        assert _validation_page(settings, table) != page_before


def test_publishing_writes_the_marts_that_validation_did_not(settings):
    """Validation copies the marts into the snapshot on the side; if that copy failed,
    publishing makes it itself."""
    _published(settings)
    with session(settings.warehouse) as con:
        snapshot = publish_snapshot(con, settings.published, "run_without_copy")

    assert current_snapshot(settings.published) == snapshot
    assert _bug_1_accounts(settings) == 5
    assert (snapshot / "hotfix_priority.parquet").exists()
    [runs] = published_rows(settings, "select count(*) as runs from ops_runs")
    assert runs["runs"] == 1


def test_a_run_starts_a_new_validation_process_when_the_last_one_died(settings):
    """Validation runs in a process of its own, which serves run after run; one that died
    between runs is replaced, and the run passes as usual."""
    _published(settings)
    [first] = audit_process._audit_process
    first.kill()
    first.wait()

    run = pipeline.run(settings, as_of=AS_OF)

    assert run.validation is not None and run.validation.passed
    [second] = audit_process._audit_process
    assert second.pid != first.pid and second.poll() is None
    assert _bug_1_accounts(settings) == 5


def test_the_validation_process_yields_the_cores_to_the_run():
    """It imports GX while the run loads and builds, at the lowest CPU priority."""
    audit_process.start()
    [process] = audit_process._audit_process
    lowered = 19
    deadline = time.monotonic() + 30  # it lowers its own priority once started
    while os.getpriority(os.PRIO_PROCESS, process.pid) != lowered and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.getpriority(os.PRIO_PROCESS, process.pid) == lowered


def test_readers_keep_reading_while_a_run_rewrites_the_warehouse(settings, tmp_path):
    _published(settings)
    _land_events(
        settings, "more.jsonl", [export_empty("acc_08", at(31, 2, m), 100 + m) for m in range(3)]
    )
    log = tmp_path / "reader.log"
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(settings.published), str(log)],
        stdin=subprocess.DEVNULL,
    )
    try:
        time.sleep(1)
        pipeline.run(settings, as_of=AS_OF + timedelta(hours=1))
        time.sleep(1)
    finally:
        reader.send_signal(signal.SIGTERM)
        reader.wait(timeout=30)
    seen = log.read_text().split()
    assert "error" not in seen, log.read_text()
    # The reader saw both snapshots: BUG-1 went from 5 to 6 affected accounts.
    assert {"5", "6"} <= set(seen)


# A separate process that opens the published snapshot read-only over and over.
_READER = """
import signal, sys, duckdb
from pathlib import Path
published, log = Path(sys.argv[1]), open(sys.argv[2], "w")
signal.signal(signal.SIGTERM, lambda *_: (log.close(), sys.exit(0)))
while True:
    try:
        con = duckdb.connect(str(published / "current" / "impact.duckdb"), read_only=True)
        n = con.execute("select affected_accounts from hotfix_priority "
                        "where defect_id = 'BUG-1'").fetchone()[0]
        con.close()
        log.write(f"{n}\\n")
    except Exception as exc:
        log.write(f"error {type(exc).__name__}\\n")
    log.flush()
"""


def test_a_crash_mid_run_leaves_the_snapshot_and_the_next_run_recovers(settings):
    _published(settings)
    before = current_snapshot(settings.published)
    _land_events(
        settings, "more.jsonl", [export_empty("acc_08", at(31, 2, m), 200 + m) for m in range(3)]
    )
    dbt_log = settings.warehouse.parent / "dbt" / "logs" / "dbt.log"
    logged_before = dbt_log.stat().st_size
    run = subprocess.Popen(
        [IMPACT, "run", "--home", str(settings.home), "--as-of", AS_OF.isoformat()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Killed once its build has started a node: a fixed wait let a fast machine finish the run.
    _wait_for_build(run, dbt_log, logged_before)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)

    assert current_snapshot(settings.published) == before
    assert _bug_1_accounts(settings) == 5
    recovered = pipeline.run(settings, as_of=AS_OF)
    assert current_snapshot(settings.published) == recovered.snapshot
    assert _bug_1_accounts(settings) == 6


def _wait_for_build(run: subprocess.Popen[bytes], dbt_log: Path, offset: int) -> None:
    """Return once dbt's log, past `offset`, shows a node started by `run`'s build."""
    deadline = time.monotonic() + 120
    while True:
        with dbt_log.open("rb") as log:
            log.seek(offset)
            if b" START " in log.read():
                return
        assert run.poll() is None, "the run ended before its build started a node"
        assert time.monotonic() < deadline, "the run's build did not start"
        time.sleep(0.02)


def test_an_assessment_asked_for_during_a_daily_run_waits_and_completes(settings):
    _published(settings)
    started = threading.Event()
    errors: list[BaseException] = []

    def daily() -> None:
        try:
            started.set()
            pipeline.run(settings, as_of=AS_OF)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    runner = threading.Thread(target=daily)
    runner.start()
    started.wait()
    time.sleep(0.5)
    result = assess(settings, DefectDefinition("BUG-1"), AS_OF)
    runner.join(timeout=300)
    assert errors == []
    assert result.impact["affected_accounts"] == 5
