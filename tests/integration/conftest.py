"""One demo month, generated and run through the real pipeline once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from impact import pipeline
from impact.config import Settings, load_settings


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings(tmp_path_factory.mktemp("demo") / "home")
    pipeline.demo(settings)
    return settings


@pytest.fixture(scope="session")
def ground_truth(demo_home: Settings) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((demo_home.landing / "ground_truth.json").read_text())
    return truth


def defect_truth(ground_truth: dict[str, Any], defect_id: str) -> dict[str, Any]:
    return next(d for d in ground_truth["defects"] if d["defect_id"] == defect_id)


def published_rows(settings: Settings, sql: str) -> list[dict[str, Any]]:
    from impact.publish import open_snapshot
    from impact.warehouse import fetch_rows

    with open_snapshot(settings.published) as con:
        return fetch_rows(con, sql)


def demo_path(settings: Settings, relative: str) -> Path:
    return settings.landing / relative
