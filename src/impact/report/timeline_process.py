"""The bug report's timeline drawn by a process of its own, started when an assessment starts.

Importing matplotlib is about 0.4 s of Python. Imported on a thread of the assessing process, it
held the GIL that dbt's import and its work around each model need. This process imports it on
the other core while dbt imports, so `impact assess` waits only for the drawing (README,
"Performance").

It is `python -m impact.report.timeline_process`, like the audit process: it reads one pickled
(timeline, path, title) from stdin, draws it, and replies with None or the error it met.
A caller that ends without asking closes stdin, and the process exits.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from impact.errors import ImpactError
from impact.report import charts


class TimelineProcess:
    """A callable like `charts.timeline_png`, drawing in the process it starts."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "impact.report.timeline_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def __call__(self, line: charts.Timeline, path: Path, *, title: str) -> Path:
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            pickle.dump((line, path, title), self._process.stdin)
            self._process.stdin.close()
            error = pickle.load(self._process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            code = self._process.wait()
            message = f"the timeline process ended unexpectedly (exit code {code})"
            raise ImpactError(message) from exc
        if error is not None:
            raise error
        return path

    def __enter__(self) -> TimelineProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Not asked (the assessment failed) or done: it need not finish its import.
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()


def _draw_one(requests: IO[bytes], replies: IO[bytes]) -> None:
    charts.load_matplotlib()
    try:
        line, path, title = pickle.load(requests)
    except EOFError:
        return
    reply: Exception | None = None
    try:
        charts.timeline_png(line, path, title=title)
    except Exception as exc:
        reply = ImpactError(f"drawing {path} failed: {type(exc).__name__}: {exc}")
    pickle.dump(reply, replies)
    replies.flush()


if __name__ == "__main__":
    # Replies go to the real stdout; anything printed goes to stderr instead of corrupting them.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _draw_one(sys.stdin.buffer, replies)
