"""A real headless Chromium (Debian's package), driven over the Chrome DevTools Protocol.

`ensure_chromium()` installs the package when it is missing (as root, non-interactively: CI
runs as root with Debian's registry reachable). `visit()` opens a page, waits until it is
ready, runs JavaScript checks, and returns its console errors, every request it made and a
screenshot, so a test can prove a report renders and loads nothing from the network.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
# The machine has no network but the package registries: these flags stop Chromium's own
# background calls (updates, sync, safe browsing...), which would otherwise be refused.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-allow-origins=*",
    "--remote-debugging-port=0",
)


def ensure_chromium() -> Path:
    """Debian's chromium, installed on first use when this process may install packages."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("needs /usr/bin/chromium: apt-get install chromium (as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return CHROMIUM


@dataclass
class PageVisit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]


class DevTools:
    """One CDP session on one page target: commands, and the events seen meanwhile."""

    def __init__(self, socket: ClientConnection, session_id: str) -> None:
        self._socket = socket
        self._session = session_id
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message_id = self._next_id
        payload = {"id": message_id, "method": method, "params": params}
        if self._session:
            payload["sessionId"] = self._session
        self._socket.send(json.dumps(payload))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method:
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} within {timeout}s")
            message = json.loads(self._socket.recv(timeout=remaining))
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def poll(self, expression: str, timeout: float = 30.0) -> Any:
        """Evaluate until the value is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.2)


@contextmanager
def chromium() -> Iterator[DevTools]:
    """A headless Chromium with a fresh profile, and a DevTools session on its page."""
    binary = ensure_chromium()
    profile = Path(tempfile.mkdtemp(prefix="impact-chromium-"))
    log = (profile / "chromium.log").open("w")
    process = subprocess.Popen(
        [str(binary), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"chromium did not start: {(profile / 'chromium.log').read_text()}"
                )
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30) as socket:
            browser = DevTools(socket, "")
            targets = browser.send("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            attached = browser.send(
                "Target.attachToTarget", targetId=page["targetId"], flatten=True
            )
            yield DevTools(socket, attached["sessionId"])
            browser.send("Browser.close")
    finally:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


def visit(
    url: str,
    *,
    ready: str,
    checks: dict[str, str],
    screenshot: str,
    width: int = 1400,
    height: int = 1000,
) -> PageVisit:
    """Open `url`, wait until the `ready` expression is truthy, save the first screen and the
    whole page as `test-artifacts/<screenshot>.png` / `-full.png`, then evaluate `checks`."""
    result = PageVisit(url)
    with chromium() as page:
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.send("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired", timeout=60)
        page.poll(ready, timeout=60)
        ARTIFACTS.mkdir(exist_ok=True)
        first = page.send("Page.captureScreenshot", format="png")
        result.screenshots.append(_save(first["data"], ARTIFACTS / f"{screenshot}.png"))
        size = page.send("Page.getLayoutMetrics")["cssContentSize"]
        full = page.send(
            "Page.captureScreenshot",
            timeout=120,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
        )
        result.screenshots.append(_save(full["data"], ARTIFACTS / f"{screenshot}-full.png"))
        # After the screenshots, which show the page as it opened: checks may click and type.
        result.checks = {name: page.evaluate(expression) for name, expression in checks.items()}
        # Events that arrived while the page rendered and the checks ran.
        page.send("Runtime.evaluate", expression="0")
        _collect(page.events, result)
    return result


def _collect(events: list[dict[str, Any]], result: PageVisit) -> None:
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            result.console_errors.append(text)
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            result.console_errors.append(
                details.get("exception", {}).get("description") or details.get("text", "")
            )
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            result.console_errors.append(params["entry"]["text"])
        elif method == "Network.requestWillBeSent":
            result.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            result.failed_requests.append(f"{params.get('errorText')} ({params['requestId']})")


def _save(data: str, path: Path) -> Path:
    path.write_bytes(base64.b64decode(data))
    return path
