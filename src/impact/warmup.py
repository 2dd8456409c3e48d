"""Imports that cost seconds, started early on a daemon thread.

Python releases the GIL while DuckDB works, so an import started just before a step that waits
on DuckDB (a dbt build) costs little extra wall time. Importing the module later simply waits
for the thread to finish it.
"""

from __future__ import annotations

import importlib
import threading


def import_in_background(*modules: str) -> None:
    threading.Thread(target=_import_all, args=(modules,), daemon=True).start()


def _import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        importlib.import_module(module)
