"""One writer at a time: a file lock the library owns, held for a whole run or assessment.

DuckDB lets one process at a time open the warehouse for writing; a second writer would fail
at once. With this lock it waits its turn instead (an assessment asked for during a daily run
completes after it, on consistent data).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from impact.errors import ImpactError


class WarehouseBusy(ImpactError):
    exit_code = 5


@contextmanager
def writer_lock(warehouse: Path, timeout_seconds: float = 3600.0) -> Iterator[None]:
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout_seconds
    with lock_path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"{warehouse}: another run still holds the writer lock after "
                        f"{timeout_seconds:.0f}s; try again when it finishes"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
