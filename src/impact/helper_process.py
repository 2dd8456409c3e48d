"""Helper processes: `python -m <module>`, asked and answered with pickles over stdin and stdout.

A process runs Python on one thread at a time: an import or a parse of several seconds on a
thread of the run's process held the GIL that the run's own work needed. A helper process
runs it on the other core instead (the build, the audit, the bug report's timeline). It is
not a multiprocessing child, which would import the caller's main script again.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from typing import IO, Any

from impact.errors import ImpactError


def start(module: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )


def send(process: subprocess.Popen[bytes], what: str, message: object) -> None:
    assert process.stdin is not None
    try:
        pickle.dump(message, process.stdin)
        process.stdin.flush()
    except OSError as exc:
        raise _ended(process, what) from exc


def receive(process: subprocess.Popen[bytes], what: str) -> Any:
    assert process.stdout is not None
    try:
        return pickle.load(process.stdout)
    except (OSError, EOFError, pickle.UnpicklingError) as exc:
        raise _ended(process, what) from exc


def _ended(process: subprocess.Popen[bytes], what: str) -> ImpactError:
    process.kill()
    return ImpactError(f"the {what} process ended unexpectedly (exit code {process.wait()})")


def close(process: subprocess.Popen[bytes]) -> None:
    """Tell it no more is asked, and wait for it to end."""
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()
    process.wait()


def kill(process: subprocess.Popen[bytes]) -> None:
    """End it, whatever it is doing: its answer is not wanted, or it has given it."""
    process.kill()
    close(process)


# In the helper process ------------------------------------------------------------------------


def channels() -> tuple[IO[bytes], IO[bytes]]:
    """(requests, replies). Replies go to the real stdout; anything printed goes to stderr
    instead of corrupting them."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return sys.stdin.buffer, replies


def reply(replies: IO[bytes], message: object) -> None:
    pickle.dump(message, replies)
    replies.flush()


def picklable(exc: Exception, what: str) -> Exception:
    """The exception to send the caller, which raises it."""
    if not isinstance(exc, ImpactError):
        traceback.print_exc()
    try:
        pickle.dumps(exc)
    except Exception:
        return ImpactError(f"{what} failed: {type(exc).__name__}: {exc}")
    return exc
