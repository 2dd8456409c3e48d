"""One typed Settings object: the only place that reads the environment and `impact.toml`."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from impact.errors import ConfigError
from impact.ingest.sources import SOURCES

# The product makes no outbound calls: dbt and Prefect send usage stats unless told not to.
TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "GX_ANALYTICS_ENABLED": "false",
}


@dataclass(frozen=True)
class SeverityWeights:
    """Relative weights of the severity components (see dbt_project/DECISIONLOG.md)."""

    reach: float = 0.30
    revenue: float = 0.30
    tier: float = 0.15
    intensity: float = 0.10
    voice: float = 0.15
    # Urgency: how the score's urgency factor is made.
    trend: float = 0.6
    category: float = 0.4


@dataclass(frozen=True)
class SeverityScales:
    """Half-saturation points: a component scores 0.5 when its measure equals the value."""

    reach_share: float = 0.03
    revenue_share: float = 0.03
    tier_accounts: float = 2.0
    repeat_share: float = 0.02
    voice_tickets: float = 5.0


@dataclass(frozen=True)
class Urgency:
    """How pressing a defect is, from its trend and category (each score 0-1)."""

    trend_new: float = 1.0
    trend_rising: float = 0.85
    trend_steady: float = 0.5
    trend_falling: float = 0.25
    trend_stopped: float = 0.0
    category_severe: float = 1.0
    category_other: float = 0.5
    # The share of the score impact keeps even when nothing is urgent (0-1).
    floor: float = 0.5


@dataclass(frozen=True)
class SeverityLevels:
    """Lowest score of each level; below `s3` is S4."""

    s1: float = 60.0
    s2: float = 40.0
    s3: float = 20.0


@dataclass(frozen=True)
class Windows:
    """Time windows, all relative to `as_of`."""

    recent_days: int = 7
    baseline_days: int = 21
    attribution_hours: int = 48
    history_days: int = 7
    rising_ratio: float = 1.5
    falling_ratio: float = 0.5
    new_signature_days: int = 14
    spike_recent_hours: int = 24
    spike_baseline_days: int = 14


@dataclass(frozen=True)
class Emerging:
    """When an unexplained signature is new after a deploy or spiking (see DECISIONLOG.md)."""

    min_accounts: int = 2
    new_min_events: int = 5
    spike_min_events: int = 20
    spike_min_ratio: float = 3.0
    spike_sigmas: float = 4.0
    spike_burst_ratio: float = 1.5


@dataclass(frozen=True)
class Settings:
    home: Path
    weights: SeverityWeights = field(default_factory=SeverityWeights)
    scales: SeverityScales = field(default_factory=SeverityScales)
    levels: SeverityLevels = field(default_factory=SeverityLevels)
    urgency: Urgency = field(default_factory=Urgency)
    windows: Windows = field(default_factory=Windows)
    emerging: Emerging = field(default_factory=Emerging)
    schedule_cron: str = "0 6 * * *"
    # A Prefect server to report to; None runs everything in-process without Prefect.
    prefect_api_url: str | None = None

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse" / "impact.duckdb"

    @property
    def published(self) -> Path:
        return self.home / "published"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def prefect_home(self) -> Path:
        return self.home / ".prefect"

    def ensure_layout(self) -> None:
        for source in SOURCES:
            (self.landing / source).mkdir(parents=True, exist_ok=True)
        for folder in (self.warehouse.parent, self.published, self.reports, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)

    def dbt_vars(self) -> dict[str, Any]:
        """The settings dbt models read, as dbt vars (stable between runs: no re-parse)."""
        sections: dict[str, Any] = {
            "weight": self.weights,
            "scale": self.scales,
            "level": self.levels,
            "urgency": self.urgency,
            "window": self.windows,
            "emerging": self.emerging,
        }
        return {
            f"{prefix}_{f.name}": getattr(section, f.name)
            for prefix, section in sections.items()
            for f in fields(section)
        }


_SECTIONS: dict[str, type] = {
    "weights": SeverityWeights,
    "scales": SeverityScales,
    "levels": SeverityLevels,
    "urgency": Urgency,
    "windows": Windows,
    "emerging": Emerging,
}


def load_settings(home: str | Path | None = None) -> Settings:
    """Settings of a home (`--home`, else $IMPACT_HOME, else ./impact_home) and its impact.toml."""
    root = Path(home or os.environ.get("IMPACT_HOME") or "impact_home").expanduser().resolve()
    settings = Settings(home=root, prefect_api_url=os.environ.get("PREFECT_API_URL") or None)
    toml_path = root / "impact.toml"
    if toml_path.exists():
        settings = _apply_toml(settings, toml_path)
    return settings


def _apply_toml(settings: Settings, path: Path) -> Settings:
    try:
        document = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    changes: dict[str, Any] = {}
    for key, value in document.items():
        if key == "schedule":
            changes["schedule_cron"] = str(value.get("cron", settings.schedule_cron))
            continue
        section_type = _SECTIONS.get(key)
        if section_type is None or not isinstance(value, dict):
            known = ", ".join([*_SECTIONS, "schedule"])
            raise ConfigError(f"{path}: unknown section [{key}] (known: {known})")
        changes[key] = _section(section_type, getattr(settings, key), value, f"{path} [{key}]")
    return replace(settings, **changes)


def _section(section_type: type, current: Any, values: dict[str, Any], where: str) -> Any:
    allowed = {f.name: f.type for f in fields(section_type)}
    for name, value in values.items():
        if name not in allowed:
            raise ConfigError(f"{where}: unknown setting '{name}' (known: {', '.join(allowed)})")
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: '{name}' must be a non-negative number, got {value!r}")
    return replace(current, **values)


def runtime_environment(settings: Settings) -> dict[str, str]:
    """Environment the stack (dbt, Prefect) runs with: telemetry off, state inside the home."""
    return {
        **TELEMETRY_OFF,
        "PREFECT_HOME": str(settings.prefect_home),
        "IMPACT_WAREHOUSE": str(settings.warehouse),
    }


def apply_runtime_environment(settings: Settings) -> None:
    """Set the stack's environment; must run before Prefect is imported."""
    os.environ.update(runtime_environment(settings))
