"""Shared fixtures: a fresh home per test, and one demo month run once per session."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from impact import pipeline
from impact.config import TELEMETRY_OFF, Settings, load_settings
from impact.warehouse import session
from tests.fixtures.demo import copy_home

# Tests make no outbound calls either, and keep Prefect's state out of ~/.prefect.
os.environ.update(TELEMETRY_OFF)
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="impact-tests-prefect-"))
os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    home = load_settings(tmp_path / "home")
    home.ensure_layout()
    return home


@pytest.fixture
def warehouse(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    with session(settings.warehouse) as con:
        yield con


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo month, loaded, built, validated and published (read it, don't change it)."""
    settings = load_settings(tmp_path_factory.mktemp("demo") / "home")
    pipeline.demo(settings)
    return settings


@pytest.fixture(scope="session")
def ground_truth(demo_home: Settings) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((demo_home.landing / "ground_truth.json").read_text())
    return truth


@pytest.fixture
def demo_copy(demo_home: Settings, tmp_path: Path) -> Settings:
    """A private copy of the demo home, for tests that load or publish more."""
    return copy_home(demo_home, tmp_path / "home")
