"""The five input sources: their canonical columns, types and keys (contract section 2)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a raw value is parsed; `sql_type` is the column type in the raw tables."""

    TEXT = "varchar"
    TIMESTAMP = "timestamp"
    DECIMAL = "decimal(18, 2)"
    INTEGER = "bigint"
    BOOLEAN = "boolean"
    LIST = "varchar[]"

    @property
    def sql_type(self) -> str:
        return self.value


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    non_negative: bool = False
    # How DuckDB stores the column in its raw table; None lets it choose (README, "Performance").
    compression: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    columns: tuple[Column, ...]
    # Rows with the same non-null value of this column are one row: later copies are duplicates.
    identity_column: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


T, TS, DEC, INT, BOOL, LIST = (
    Kind.TEXT,
    Kind.TIMESTAMP,
    Kind.DECIMAL,
    Kind.INTEGER,
    Kind.BOOLEAN,
    Kind.LIST,
)
# Random identifiers (event and trace ids) compress little, and writing them compressed took a
# third of storing the error events. Free text (messages) compresses well with zstd, which
# writes faster than DuckDB's own choice (dictionary + FSST) and to half its size.
RANDOM_TEXT, FREE_TEXT = "uncompressed", "zstd"

ACCOUNTS = Source(
    "accounts",
    (
        Column("account_id", required=True),
        Column("name"),
        Column("plan_tier", required=True),
        Column("arr_usd", DEC, non_negative=True),
        Column("is_strategic", BOOL),
        Column("region"),
        Column("created_at", TS),
        Column("churned_at", TS),
    ),
)

TICKETS = Source(
    "tickets",
    (
        Column("ticket_id", required=True),
        Column("account_id", required=True),
        Column("created_at", TS, required=True),
        Column("updated_at", TS),
        Column("status"),
        Column("priority"),
        Column("channel"),
        Column("subject"),
        Column("description"),
        Column("tags", LIST),
        Column("escalated", BOOL),
        Column("classification"),
        Column("linked_defect_id"),
    ),
)

ERROR_EVENTS = Source(
    "error_events",
    (
        Column("event_id", compression=RANDOM_TEXT),
        Column("occurred_at", TS, required=True),
        Column("account_id", required=True),
        Column("service", required=True),
        Column("level"),
        Column("error_code"),
        Column("message", required=True, compression=FREE_TEXT),
        Column("release"),
        Column("endpoint"),
        Column("http_status", INT),
        Column("user_id"),
        Column("trace_id", compression=RANDOM_TEXT),
    ),
    identity_column="event_id",
)

DEPLOYMENTS = Source(
    "deployments",
    (
        Column("deploy_id", required=True),
        Column("service", required=True),
        Column("version", required=True),
        Column("deployed_at", TS, required=True),
        Column("description"),
    ),
)

DEFECTS = Source(
    "defects",
    (
        Column("defect_id", required=True),
        Column("title", required=True),
        Column("status"),
        Column("created_at", TS),
        Column("service"),
        Column("category"),
        Column("error_codes", LIST),
        Column("message_pattern"),
        Column("ticket_tags", LIST),
    ),
)

SOURCES: dict[str, Source] = {
    s.name: s for s in (ACCOUNTS, TICKETS, ERROR_EVENTS, DEPLOYMENTS, DEFECTS)
}
