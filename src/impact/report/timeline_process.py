"""The bug report's timeline drawn by a process of its own, started when an assessment starts.

Importing matplotlib is about 0.4 s of Python. Imported on a thread of the assessing process, it
held the GIL that dbt's import and its work around each model need. This process imports it on
the other core while dbt imports, so `impact assess` waits only for the drawing (README,
"Performance").

It is `python -m impact.report.timeline_process` (`impact.helper_process`): it reads one
pickled (timeline, path, title), draws it, and replies with None or the error it met.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from types import TracebackType
from typing import IO

from impact import helper_process
from impact.errors import ImpactError
from impact.report import charts


class TimelineProcess:
    """A callable like `charts.timeline_png`, drawing in the process it starts."""

    def __init__(self) -> None:
        self._process = helper_process.start("impact.report.timeline_process")

    def __call__(self, line: charts.Timeline, path: Path, *, title: str) -> Path:
        helper_process.send(self._process, "timeline", (line, path, title))
        error = helper_process.receive(self._process, "timeline")
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
        helper_process.kill(self._process)  # it holds nothing to clean up


def _draw_one(requests: IO[bytes], replies: IO[bytes]) -> None:
    charts.load_matplotlib()
    try:
        line, path, title = pickle.load(requests)
    except EOFError:
        return
    error = None
    try:
        charts.timeline_png(line, path, title=title)
    except Exception as exc:  # the caller says which file and why, in one line
        error = ImpactError(f"drawing {path} failed: {type(exc).__name__}: {exc}")
    helper_process.reply(replies, error)


if __name__ == "__main__":
    _draw_one(*helper_process.channels())
