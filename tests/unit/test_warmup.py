"""Background imports (impact.warmup) start only once what they come after has returned: GX's
import waits for dbt's parse, since two at once share one GIL and both finish late."""

from __future__ import annotations

import sys
import threading
import time

from impact.warmup import import_in_background

MODULE = "tabnanny"  # a standard-library module nothing here imports


def test_an_import_waits_for_what_it_comes_after() -> None:
    sys.modules.pop(MODULE, None)
    started, release = threading.Event(), threading.Event()

    def after() -> None:
        started.set()
        release.wait(10)

    import_in_background(MODULE, after=after)
    assert started.wait(10)
    time.sleep(0.2)
    assert MODULE not in sys.modules

    release.set()
    deadline = time.monotonic() + 10
    while MODULE not in sys.modules and time.monotonic() < deadline:
        time.sleep(0.01)
    assert MODULE in sys.modules
