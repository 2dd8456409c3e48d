"""Imports that cost seconds, started early on a daemon thread.

Python releases the GIL while DuckDB works, so an import started just before a step that waits
on DuckDB (loading files) costs little extra wall time; one that overlaps Python work (dbt's
handling of each model) slows it. Importing the module later simply waits for the thread to
finish it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable


def import_in_background(*modules: str, after: Callable[[], object] | None = None) -> None:
    """Import `modules` on a daemon thread, once `after` (if given) has returned there."""
    threading.Thread(target=_import_all, args=(modules, after), daemon=True).start()


def _import_all(modules: tuple[str, ...], after: Callable[[], object] | None) -> None:
    if after is not None:
        after()
    for module in modules:
        importlib.import_module(module)
