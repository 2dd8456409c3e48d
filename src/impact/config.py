"""One typed Settings object: the only place that reads the environment and `impact.toml`."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, get_args, get_type_hints

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
class Tickets:
    """Ticket analytics: volume trends, clusters of similar tickets, triage (DECISIONLOG.md)."""

    # Volume trends: daily windows ending at as_of, each against the baseline_days windows
    # before it, by the spike rule of emerging signatures with thresholds for ticket counts.
    trend_days: int = 14
    baseline_days: int = 14
    spike_min_tickets: int = 5
    spike_min_accounts: int = 2
    spike_min_ratio: float = 3.0
    spike_sigmas: float = 3.0
    spike_burst_ratio: float = 1.5
    # Clusters: tickets not solved, or created in the last cluster_days, that no known defect
    # explains; linked when the cosine of their TF-IDF vectors reaches cluster_min_similarity.
    cluster_days: int = 14
    cluster_min_similarity: float = 0.3
    cluster_max_term_share: float = 0.2
    cluster_min_tickets: int = 3
    # A cluster is tied to the error signature that is triage evidence (below) for the most of
    # its tickets, when it is for at least this share of them.
    signature_min_share: float = 0.5
    # Triage: tickets not solved, or created in the last triage_days; the account's events of
    # the triage_lookback_hours before the ticket, each signature against the account's own
    # triage_baseline_days before that.
    triage_days: int = 45
    triage_lookback_hours: int = 24
    triage_baseline_days: int = 7
    triage_spike_min_events: int = 5
    triage_spike_min_ratio: float = 3.0
    triage_spike_sigmas: float = 3.0
    triage_spike_burst_ratio: float = 1.5


@dataclass(frozen=True)
class ZendeskFields:
    """Where Zendesk exports keep escalation and the linked bug key (README, "Real exports")."""

    # Support API exports: the id of the custom field (custom_fields[].id) that holds it.
    escalated_field_id: int | None = None
    linked_defect_field_id: int | None = None
    # Flat exports (Fivetran's ticket table): the column the custom field is synced to.
    escalated_column: str | None = None
    linked_defect_column: str | None = None
    # Any export with tags: one of these tags means escalated; a tag starting with the prefix
    # is a bug key ("bug-" links tag bug-501 to BUG-501).
    escalated_tags: tuple[str, ...] = ("escalated",)
    linked_defect_tag_prefix: str | None = None


@dataclass(frozen=True)
class JiraFields:
    """How a Jira issue carries the matching rules: prefixed labels, or custom fields."""

    error_code_label_prefix: str = "code:"
    ticket_tag_label_prefix: str = "tag:"
    service_label_prefix: str = "service:"
    category_label_prefix: str = "category:"
    # Custom field ids (customfield_NNNNN) holding error codes, a regular expression, tags.
    error_codes_field_id: str | None = None
    pattern_field_id: str | None = None
    ticket_tags_field_id: str | None = None


@dataclass(frozen=True)
class SentryFields:
    """The Sentry event tags that name the account, the service and the error code."""

    account_tag: str = "organization_id"
    service_tag: str = "service"
    error_code_tag: str = "error_code"


@dataclass(frozen=True)
class ColumnMapping:
    """Canonical column -> the file's own column, for one source's files (all, or by name)."""

    source: str
    columns: dict[str, str]
    files: str | None = None  # a glob on the file name, e.g. "freshdesk_*.csv"


@dataclass(frozen=True)
class Exports:
    """How vendor exports and other files map onto the canonical columns."""

    zendesk: ZendeskFields = field(default_factory=ZendeskFields)
    jira: JiraFields = field(default_factory=JiraFields)
    sentry: SentryFields = field(default_factory=SentryFields)
    mappings: tuple[ColumnMapping, ...] = ()

    def mapping_for(self, source: str, file_name: str) -> dict[str, str]:
        """The first mapping of `source` whose `files` glob (if any) matches; else none."""
        for mapping in self.mappings:
            if mapping.source == source and (
                mapping.files is None or fnmatch(file_name, mapping.files)
            ):
                return mapping.columns
        return {}


@dataclass(frozen=True)
class Settings:
    home: Path
    weights: SeverityWeights = field(default_factory=SeverityWeights)
    scales: SeverityScales = field(default_factory=SeverityScales)
    levels: SeverityLevels = field(default_factory=SeverityLevels)
    urgency: Urgency = field(default_factory=Urgency)
    windows: Windows = field(default_factory=Windows)
    emerging: Emerging = field(default_factory=Emerging)
    tickets: Tickets = field(default_factory=Tickets)
    exports: Exports = field(default_factory=Exports)
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
            "tickets": self.tickets,
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
    "tickets": Tickets,
}

_EXPORT_SECTIONS: dict[str, type] = {
    "zendesk": ZendeskFields,
    "jira": JiraFields,
    "sentry": SentryFields,
}

_KINDS = {str: "a string", int: "an integer"}


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
    exports: dict[str, Any] = {}
    for key, value in document.items():
        if key == "schedule":
            changes["schedule_cron"] = str(value.get("cron", settings.schedule_cron))
            continue
        if key == "mappings":
            exports[key] = _mappings(value, path)
            continue
        if key in _EXPORT_SECTIONS and isinstance(value, dict):
            current = getattr(settings.exports, key)
            exports[key] = _export_section(current, value, f"{path} [{key}]")
            continue
        section_type = _SECTIONS.get(key)
        if section_type is None or not isinstance(value, dict):
            known = ", ".join([*_SECTIONS, *_EXPORT_SECTIONS, "mappings", "schedule"])
            raise ConfigError(f"{path}: unknown section [{key}] (known: {known})")
        changes[key] = _section(section_type, getattr(settings, key), value, f"{path} [{key}]")
    if exports:
        changes["exports"] = replace(settings.exports, **exports)
    return replace(settings, **changes)


def _section(section_type: type, current: Any, values: dict[str, Any], where: str) -> Any:
    allowed = {f.name: f.type for f in fields(section_type)}
    for name, value in values.items():
        if name not in allowed:
            raise ConfigError(f"{where}: unknown setting '{name}' (known: {', '.join(allowed)})")
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: '{name}' must be a non-negative number, got {value!r}")
    return replace(current, **values)


def _export_section(current: Any, values: dict[str, Any], where: str) -> Any:
    """A vendor section: names, ids and lists of names, each of its default's type."""
    hints = get_type_hints(type(current))
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name not in hints:
            raise ConfigError(f"{where}: unknown setting '{name}' (known: {', '.join(hints)})")
        expected = hints[name]
        if expected == tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: '{name}' must be a list of strings, got {value!r}")
            checked[name] = tuple(value)
            continue
        kind = next(t for t in get_args(expected) or (expected,) if t is not type(None))
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ConfigError(f"{where}: '{name}' must be {_KINDS[kind]}, got {value!r}")
        checked[name] = value
    return replace(current, **checked)


def _mappings(value: Any, path: Path) -> tuple[ColumnMapping, ...]:
    """`[mappings.<source>]` tables, or `[[mappings.<source>]]` lists of them, file by file."""
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [mappings] holds one table per source, e.g. [mappings.tickets]")
    mappings = []
    for source, tables in value.items():
        where = f"{path} [mappings.{source}]"
        if source not in SOURCES:
            raise ConfigError(f"{where}: unknown source (known: {', '.join(SOURCES)})")
        for table in tables if isinstance(tables, list) else [tables]:
            mappings.append(_mapping(source, table, where))
    return tuple(mappings)


def _mapping(source: str, table: Any, where: str) -> ColumnMapping:
    if not isinstance(table, dict):
        raise ConfigError(f'{where}: expected canonical column = "your column" pairs')
    files = table.get("files")
    if files is not None and not isinstance(files, str):
        raise ConfigError(f"{where}: 'files' must be a file name glob, got {files!r}")
    columns = {name: column for name, column in table.items() if name != "files"}
    known = SOURCES[source].column_names
    for name, column in columns.items():
        if name not in known:
            raise ConfigError(
                f"{where}: '{name}' is not a {source} column (known: {', '.join(known)})"
            )
        if not isinstance(column, str) or not column.strip():
            raise ConfigError(f"{where}: '{name}' must name a column of your file, got {column!r}")
    return ColumnMapping(source, columns, files)


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
