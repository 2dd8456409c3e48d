"""The audit of write-audit-publish in a process of its own, started when a daily run starts.

GX's import is about 3 s of Python, and a process runs Python on one thread at a time: imported
on a thread of the run's process, it slowed dbt's work around every model. The audit process
imports it, at a lower CPU priority, while the run loads and builds, then validates what the
build made (a new day at 1M events: 11.3-14.1 s to 9.0-9.6 s; README, "Performance").

It is `python -m impact.audit_process`, not a multiprocessing child, which would import the
caller's main script again. Requests and replies are pickled over its stdin and stdout. One
audit process serves every run of the process that started it (a test session, a served flow).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

import duckdb

from impact import runs
from impact.config import Settings
from impact.errors import ImpactError
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
        assert process.stdin is not None
        try:
            pickle.dump((settings, run_id), process.stdin)
            process.stdin.flush()
        except OSError as exc:
            raise _ended(process) from exc
        report, error = _reply(process)
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
        error = _reply(_docs_pending.pop())
        if error is not None:
            raise error


def _reply(process: subprocess.Popen[bytes]) -> Any:
    assert process.stdout is not None
    try:
        return pickle.load(process.stdout)
    except (OSError, EOFError, pickle.UnpicklingError) as exc:
        raise _ended(process) from exc


def _ended(process: subprocess.Popen[bytes]) -> ImpactError:
    _audit_process.clear()  # the next run starts a new one
    process.kill()
    return ImpactError(f"the validation process ended unexpectedly (exit code {process.wait()})")


def _running() -> subprocess.Popen[bytes]:
    if not _audit_process or _audit_process[0].poll() is not None:
        _audit_process[:] = [
            subprocess.Popen(
                [sys.executable, "-m", "impact.audit_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        ]
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
            reply = (None, _failure(exc))
        _send(replies, reply)
        # Data Docs are for people; the gate needs only the results. So the run publishes and
        # writes its report while they are written (about 0.3 s).
        docs_error = None
        try:
            if validation is not None:
                validation.write_docs()
        except Exception as exc:
            docs_error = _failure(exc)
        _send(replies, docs_error)


def _send(replies: IO[bytes], reply: object) -> None:
    pickle.dump(reply, replies)
    replies.flush()


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


def _failure(exc: Exception) -> Exception:
    """The exception to send the caller, which raises it."""
    if not isinstance(exc, ImpactError):
        traceback.print_exc()
    try:
        pickle.dumps(exc)
    except Exception:
        return ImpactError(f"validation failed: {type(exc).__name__}: {exc}")
    return exc


if __name__ == "__main__":
    # Replies go to the real stdout; anything printed goes to stderr instead of corrupting them.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, replies)
