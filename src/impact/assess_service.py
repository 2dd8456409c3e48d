"""A resident process that keeps dbt loaded and runs the assessments `impact assess` asks for.

A new process pays about 2.5 s before an assessment's first model runs (importing dbt, its
first setup), which at 5M events is most of the wait. `impact assess-service` pays that once,
then listens on a Unix socket in the home; `impact assess` hands the definition to it when it
answers, and assesses in its own process when no service is running. The service writes the
bug report too: drawing its timeline needs matplotlib, which it also keeps loaded.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import asdict
from datetime import datetime
from multiprocessing.connection import Client, Listener
from pathlib import Path

from impact import transform
from impact.assess import Assessment, DefectDefinition, assess
from impact.bug_report import BugReport, write_bug_report
from impact.config import Settings, load_settings
from impact.errors import ConfigError, ImpactError
from impact.report import charts

SOCKET_NAME = "assess.sock"
_MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes, one of them the terminating NUL


def socket_path(settings: Settings) -> Path:
    return settings.home / SOCKET_NAME


def ask_service(
    settings: Settings, definition: DefectDefinition, as_of: datetime, *, show_pii: bool = False
) -> tuple[Assessment, BugReport] | None:
    """The service's assessment and bug report, or None when no service answers for this
    home."""
    path = socket_path(settings)
    if not path.exists():
        return None
    try:
        connection = Client(str(path), family="AF_UNIX")
    except OSError:
        return None  # a socket left by a service that was killed
    request = {
        "definition": asdict(definition),
        "as_of": as_of.isoformat(),
        "show_pii": show_pii,
    }
    with connection:
        try:
            connection.send_bytes(json.dumps(request).encode())
            outcome, value = connection.recv()
        except (EOFError, ConnectionError):
            return None  # the service stopped before it answered: assess here instead
    if outcome == "error":
        raise value
    served: tuple[Assessment, BugReport] = value
    return served


def serve_assessments(settings: Settings) -> None:
    """Answer assessments for this home, one at a time, until the process is stopped."""
    path = socket_path(settings)
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        raise ConfigError(f"{path}: too long for a Unix socket; use a home with a shorter path")
    settings.ensure_layout()
    transform.parse(settings)  # imports dbt and parses the project: paid here, not per request
    charts.load_matplotlib()  # the bug report's timeline is drawn here too
    path.unlink(missing_ok=True)
    previous_umask = os.umask(0o177)  # only this user may connect: the socket is created 0600
    try:
        listener = Listener(str(path), family="AF_UNIX")
    finally:
        os.umask(previous_umask)
    # Stopped by a signal, the listener still closes, and closing removes the socket.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"impact: assessing for {settings.home} on {path} (Ctrl-C stops)", flush=True)
    with listener:
        while True:
            with listener.accept() as connection:
                request = json.loads(connection.recv_bytes())
                connection.send(_answer(settings, request))


def _answer(settings: Settings, request: dict) -> tuple[str, object]:
    definition = DefectDefinition(**request["definition"])
    started = time.perf_counter()
    try:
        # Read impact.toml again: an edit applies from the next assessment, as for a command.
        settings = load_settings(settings.home)
        result = assess(settings, definition, datetime.fromisoformat(request["as_of"]))
        report = write_bug_report(settings, result, show_pii=request["show_pii"])
    except ImpactError as exc:
        print(f"impact: {definition.defect_id}: {exc}", file=sys.stderr, flush=True)
        return "error", exc
    except Exception as exc:  # a bug must not stop the service; the command reports it
        print(f"impact: {definition.defect_id}: {exc!r}", file=sys.stderr, flush=True)
        return "error", ImpactError(f"the assessment service failed: {exc}")
    finally:
        # A build uses up its parsed project: parse the next one while this answer goes out.
        transform.parse_in_background(settings)
    seconds = time.perf_counter() - started
    print(
        f"assessed {definition.defect_id} ({result.assessment_id}) in {seconds:.2f} s", flush=True
    )
    return "ok", (result, report)
