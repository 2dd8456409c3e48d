"""Ad-hoc assessment of one defect, known or new, against the warehouse as last loaded.

The definition is written to params.assessment_defects (data, not dbt vars, so dbt does not
re-parse), then only the `assessment` models are built: they reuse the daily matching, impact
and severity macros but write to their own schema, so the daily marts are never touched.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from impact import transform
from impact.config import Settings
from impact.errors import ImpactError, InputError
from impact.locking import writer_lock
from impact.warehouse import Row, fetch_rows, session, table_exists


@dataclass(frozen=True)
class DefectDefinition:
    defect_id: str
    title: str | None = None
    service: str | None = None
    category: str | None = None
    error_codes: list[str] = field(default_factory=list)
    message_pattern: str | None = None
    ticket_tags: list[str] = field(default_factory=list)

    @property
    def has_rules(self) -> bool:
        return bool(self.error_codes or self.message_pattern or self.ticket_tags)

    def parameters(self) -> dict[str, Any]:
        """The definition as `assess_defect` flow parameters and event payload fields."""
        return {
            "defect_id": self.defect_id,
            "title": self.title,
            "service": self.service,
            "category": self.category,
            "error_codes": list(self.error_codes),
            "pattern": self.message_pattern,
            "ticket_tags": list(self.ticket_tags),
        }


@dataclass(frozen=True)
class Assessment:
    assessment_id: str
    definition: DefectDefinition
    impact: Row
    accounts: list[Row]
    would_rank: int | None


class NotBuiltYet(ImpactError):
    exit_code = 6


def assess(settings: Settings, definition: DefectDefinition, as_of: datetime) -> Assessment:
    assessment_id = f"asm_{uuid.uuid4().hex[:10]}"
    with writer_lock(settings.warehouse):
        with session(settings.warehouse) as con:
            definition = _resolve(con, definition)
            _check_pattern(definition.message_pattern)
            _write_parameters(con, assessment_id, definition, as_of)
        transform.invoke(settings, "build", "--select", "tag:assessment")
        with session(settings.warehouse, read_only=True) as con:
            impact = fetch_rows(con, "select * from assessment.assessment_impact")[0]
            accounts = fetch_rows(
                con,
                "select * from assessment.assessment_accounts "
                "order by arr_usd desc, event_count desc, account_id",
            )
            would_rank = _would_rank(con, float(impact["severity_score"]))
    return Assessment(assessment_id, definition, impact, accounts, would_rank)


def _resolve(con: duckdb.DuckDBPyConnection, definition: DefectDefinition) -> DefectDefinition:
    """Fill in what the command line left out from the defect's row in the defects file."""
    if not table_exists(con, "staging", "stg_landing__defects"):
        raise NotBuiltYet("nothing is built yet: run `impact run` (or `impact demo`) first")
    row = con.execute(
        "select title, service, category, error_codes, message_pattern, ticket_tags "
        "from staging.stg_landing__defects where upper(defect_id) = upper(?)",
        [definition.defect_id],
    ).fetchone()
    if row is None:
        if not definition.has_rules:
            raise InputError(
                f"{definition.defect_id} is not in the defects file: describe it with "
                f"--error-code, --pattern and/or --ticket-tag"
            )
        return definition
    title, service, category, codes, pattern, tags = row
    if definition.has_rules:
        return DefectDefinition(
            definition.defect_id,
            definition.title or title,
            definition.service or service,
            definition.category or category,
            definition.error_codes,
            definition.message_pattern,
            definition.ticket_tags,
        )
    return DefectDefinition(
        definition.defect_id,
        definition.title or title,
        definition.service or service,
        definition.category or category,
        list(codes or []),
        pattern,
        list(tags or []),
    )


def _check_pattern(pattern: str | None) -> None:
    if pattern is None:
        return
    with duckdb.connect() as scratch:
        try:
            scratch.execute("select regexp_matches('', ?)", [pattern]).fetchall()
        except duckdb.Error as exc:
            detail = " ".join(str(exc).split())[:160]
            message = f"--pattern {pattern!r} is not a valid regular expression ({detail})"
            raise InputError(message) from None


def _write_parameters(
    con: duckdb.DuckDBPyConnection,
    assessment_id: str,
    definition: DefectDefinition,
    as_of: datetime,
) -> None:
    transform.set_run_parameters(con, as_of, assessment_id)
    con.execute("delete from params.assessment_defects")
    con.execute(
        "insert into params.assessment_defects values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            assessment_id,
            definition.defect_id,
            definition.title or definition.defect_id,
            definition.service,
            definition.category,
            definition.error_codes,
            definition.message_pattern,
            [t.lower() for t in definition.ticket_tags],
        ],
    )


def _would_rank(con: duckdb.DuckDBPyConnection, score: float) -> int | None:
    """Where the assessed defect would stand in the last built priority table."""
    if not table_exists(con, "marts", "hotfix_priority"):
        return None
    row = con.execute(
        "select count(*) + 1 from marts.hotfix_priority where severity_score > ?", [score]
    ).fetchone()
    return int(row[0]) if row else None
