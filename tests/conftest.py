"""Shared fixtures: a fresh home per test, and writers for every input format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from impact.config import Settings, load_settings
from impact.warehouse import session


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    home = load_settings(tmp_path / "home")
    home.ensure_layout()
    return home


@pytest.fixture
def warehouse(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    with session(settings.warehouse) as con:
        yield con
