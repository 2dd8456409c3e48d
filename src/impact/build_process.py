"""The daily run's dbt build in a process of its own, started when the run starts.

It imports dbt and parses the project while the run loads the landing files, then builds when
the run asks. Parsed on a thread of the run's process instead, dbt's import and parse (2-3 s
of Python in a full run) held the GIL that ingestion needs between its DuckDB statements
(README, "Performance"). The run's process never imports dbt.

`python -m impact.build_process` (`impact.helper_process`): it reads the pickled settings,
parses, then reads one pickled (settings, dbt arguments), builds, replies with (node results,
error) and ends. A caller that ends first closes its stdin, also mid-build: a run that is
killed takes its build along.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import threading
from typing import IO

from impact import helper_process, transform
from impact.config import Settings

MODULE = "impact.build_process"
_started: list[subprocess.Popen[bytes]] = []


def start(settings: Settings) -> None:
    """Start this run's build process: it imports dbt and parses the project meanwhile."""
    stop()
    process = helper_process.start(MODULE)
    helper_process.send(process, "build", settings)
    _started[:] = [process]


def build(settings: Settings, *arguments: str) -> list[transform.DbtNodeResult]:
    """`dbt build` with these arguments, in the process `start` started (else a new one)."""
    if not _started:
        start(settings)
    process = _started.pop()
    try:
        helper_process.send(process, "build", (settings, arguments))
        nodes, error = helper_process.receive(process, "build")
    finally:
        helper_process.close(process)
    if error is not None:
        raise error
    return nodes


def stop() -> None:
    """End a build process that was started and not asked (a run that failed before it): it
    ends once it has parsed."""
    for process in _started:
        helper_process.close(process)
    _started.clear()


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    try:
        settings = pickle.load(requests)
    except EOFError:
        return
    transform.parse(settings)
    try:
        settings, arguments = pickle.load(requests)
    except EOFError:
        return
    answered = threading.Event()
    threading.Thread(target=_exit_if_caller_ends, args=(requests, answered), daemon=True).start()
    nodes: list[transform.DbtNodeResult] = []
    error = None
    try:
        nodes = transform.invoke(settings, "build", *arguments)
    except Exception as exc:
        error = helper_process.picklable(exc, "the build")
    answered.set()
    helper_process.reply(replies, (nodes, error))
    # The caller waits for this process to end. An exit that collects dbt's objects took
    # 0.46 s; a killed one left dbt's semaphores to the resource tracker, which warned.
    gc.freeze()


def _exit_if_caller_ends(requests: IO[bytes], answered: threading.Event) -> None:
    """The caller keeps stdin open until it has the reply: end of file before means it ended.

    It reads the file descriptor: a read of the buffered stdin would hold its lock, for which
    the interpreter's exit waits a second."""
    while os.read(requests.fileno(), 4096):
        pass
    if not answered.is_set():
        os._exit(1)


if __name__ == "__main__":
    _serve(*helper_process.channels())
