"""The audit of write-audit-publish in a process of its own, started when a daily run starts.

GX's import is about 3 s of Python, and a process runs Python on one thread at a time: imported
on a thread of the run's process, it slowed dbt's work around every model. The audit process
imports it, at the lowest CPU priority, while the run loads and builds, then validates what the
build made (a new day at 1M events: 11.3-14.1 s to 9.0-9.6 s; README, "Performance").

It is `python -m impact.audit_process` (`impact.helper_process`). One audit process serves
every run of the process that started it (a test session, a served flow).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import IO

import duckdb

from impact import helper_process, runs
from impact.config import Settings
from impact.gate import validate_build
from impact.publish import write_snapshot
from impact.validate import Validation, ValidationReport, import_gx
from impact.warehouse import session

_audit_process: list[subprocess.Popen[bytes]] = []
# The audit process whose reply on the last validation's Data Docs is still to be read.
_docs_pending: list[subprocess.Popen[bytes]] = []
_one_request_at_a_time = threading.Lock()


def start() -> None:
    """Start the audit process and its import of GX, unless it is running."""
    with _one_request_at_a_time:
        _running()


def audit(settings: Settings, run_id: str) -> ValidationReport:
    """Validate the built tables and record the outcomes, in the audit process.

    Meanwhile it copies the marts into the run's snapshot, which only publishing makes current.
    It writes the Data Docs after answering (`docs_written` waits for them).
    The warehouse must not be open in this process: DuckDB lets one process at a time open it.
    """
    with _one_request_at_a_time:
        _await_docs()
        process = _running()
        helper_process.send(process, "validation", (settings, run_id))
        report, error = helper_process.receive(process, "validation")
        _docs_pending[:] = [process]
    if error is not None:
        raise error
    return report


def docs_written() -> None:
    """Return once the Data Docs of the last validation are written; raise what failed them."""
    with _one_request_at_a_time:
        _await_docs()


def _await_docs() -> None:
    if _docs_pending:
        error = helper_process.receive(_docs_pending.pop(), "validation")
        if error is not None:
            raise error


def _running() -> subprocess.Popen[bytes]:
    # One that ended (killed when a request or reply failed) is replaced.
    if not _audit_process or _audit_process[0].poll() is not None:
        _audit_process[:] = [helper_process.start("impact.audit_process")]
    return _audit_process[0]


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The audit process: import GX, then answer requests until the caller closes its end
    (it exits with the process that started it)."""
    # GX is needed only once the build is done: at the lowest priority, its import takes the
    # cores when the run leaves them idle (a new day at 20M events, six interleaved pairs each:
    # nice 10 instead of none, 20.2 s to 18.9 s on average; 19 instead of 10, 10.5 s to 10.0 s).
    # While this process validates, the run waits on it.
    os.nice(19)
    import_gx()
    while True:
        try:
            settings, run_id = pickle.load(requests)
        except EOFError:
            # No interpreter teardown: undoing GX's and pandas' imports took 0.8 s, during
            # which the caller's stderr stayed open (a shell pipe or captured output waits).
            os._exit(0)
        validation = None
        reply: tuple[ValidationReport | None, Exception | None]
        try:
            validation = _validate_and_copy(settings, run_id)
            reply = (validation.report, None)
        except Exception as exc:
            reply = (None, helper_process.picklable(exc, "validation"))
        helper_process.reply(replies, reply)
        # Data Docs are for people; the gate needs only the results. So the run publishes and
        # writes its report while they are written (about 0.3 s).
        docs_error = None
        try:
            if validation is not None:
                validation.write_docs()
        except Exception as exc:
            docs_error = helper_process.picklable(exc, "writing the Data Docs")
        helper_process.reply(replies, docs_error)


def _validate_and_copy(settings: Settings, run_id: str) -> Validation:
    """GX works in Python, the copy in DuckDB: each on a core (at 20M events, most of
    publishing's 0.8 s). A copy that fails leaves no snapshot, and publishing makes it again,
    reporting what goes wrong."""
    # Leaving the pool waits for the copy, before the connection closes.
    with session(settings.warehouse) as con, ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_copy_marts, con, settings, run_id)
        validation = validate_build(con, settings, settings.reports / "data_docs")
        runs.record_validations(con, run_id, validation.report.results)
    return validation


def _copy_marts(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> None:
    with con.cursor() as cursor:
        write_snapshot(cursor, settings.published, run_id)


if __name__ == "__main__":
    _serve(*helper_process.channels())
