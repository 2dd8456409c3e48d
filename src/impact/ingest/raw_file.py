"""What a format reader hands to the loader: the file's rows as SQL, before any validation."""

from __future__ import annotations

from dataclasses import dataclass, field


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class RejectedLine:
    """A line the reader could not split into columns (it is quarantined, not lost)."""

    row_number: int
    reason: str
    content: str


@dataclass
class RawFile:
    """`select_sql` yields the file's columns under their own names plus `_row_number`."""

    select_sql: str
    column_types: dict[str, str]
    rejected: list[RejectedLine] = field(default_factory=list)
