"""The evidence behind a bug report: queries that reproduce every number it states.

An assessment builds its rows in the warehouse, which the next assessment or run replaces. So
the report gets its own `evidence.duckdb`: the assessed defect's rows in the tables and shapes
of the published snapshot. The report's numbers are the results of the evidence queries
(evidence.sql) on that database; the same queries then run on the published snapshot, and when
every result is the same there, the report cites the snapshot (a known defect, assessed at the
snapshot's as_of). Otherwise it says why the snapshot does not reproduce it and cites its own
database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from impact.assess import Assessment
from impact.config import Settings
from impact.errors import ImpactError
from impact.ingest.raw_file import quote_literal
from impact.locking import writer_lock
from impact.publish import SNAPSHOT_DB, current_snapshot
from impact.warehouse import Row, connect, fetch_rows, session

_QUERIES_SQL = Path(__file__).with_name("evidence.sql")
_EVIDENCE_DB_SQL = Path(__file__).with_name("evidence_db.sql")
EVIDENCE_DB = "evidence.duckdb"

# Queries whose results the report states; `rank` and `would_rank` only make sense against the
# published ranking and run on the snapshot alone.
STATED = (
    "severity",
    "headline",
    "tiers",
    "top_accounts",
    "daily",
    "suspected_deploy",
    "deploys",
    "samples",
    "tickets",
)


class AssessmentReplaced(ImpactError):
    exit_code = 5


@dataclass(frozen=True)
class Query:
    name: str
    proves: str
    sql: str  # with :defect_id / :severity_score placeholders


@dataclass(frozen=True)
class EvidenceQuery:
    name: str
    proves: str
    sql: str  # ready to run: placeholders filled in as literals
    database: Path
    rows: list[Row]


@dataclass(frozen=True)
class Evidence:
    """What a bug report states, each part with the query and database that reproduce it."""

    assessment: Assessment
    queries: dict[str, EvidenceQuery]
    evidence_db: Path
    snapshot_db: Path | None
    snapshot_run_id: str | None
    # Why the published snapshot does not reproduce the report ("" when it does).
    not_in_snapshot: str
    accounts: list[Row]

    @property
    def database(self) -> Path:
        """The database the stated numbers are cited from."""
        if self.snapshot_db is not None and not self.not_in_snapshot:
            return self.snapshot_db
        return self.evidence_db

    @property
    def cited_snapshot(self) -> bool:
        return self.snapshot_db is not None and not self.not_in_snapshot

    def rows(self, name: str) -> list[Row]:
        return self.queries[name].rows if name in self.queries else []

    def one(self, name: str) -> Row:
        rows = self.rows(name)
        return rows[0] if rows else {}


def load_queries() -> dict[str, Query]:
    """The named queries of evidence.sql (`-- name:` and `-- proves:` head each one)."""
    queries: dict[str, Query] = {}
    for block in re.split(r"^-- name: ", _QUERIES_SQL.read_text(), flags=re.MULTILINE)[1:]:
        name, _, rest = block.partition("\n")
        proves_line, _, sql = rest.partition("\n")
        queries[name.strip()] = Query(
            name.strip(), proves_line.removeprefix("-- proves:").strip(), sql.strip()
        )
    return queries


def bind(query: Query, defect_id: str, severity_score: float | None = None) -> str:
    """The query with its parameters written in as literals, ready to paste and run."""
    values = {
        "defect_id": quote_literal(defect_id),
        "severity_score": repr(float(severity_score or 0.0)),
    }
    return re.sub(r":(defect_id|severity_score)\b", lambda m: values[m[1]], query.sql)


def collect(settings: Settings, assessment: Assessment, folder: Path) -> Evidence:
    """Write `folder/evidence.duckdb` from the warehouse, then run the evidence queries."""
    folder.mkdir(parents=True, exist_ok=True)
    evidence_db = folder / EVIDENCE_DB
    _write_evidence_db(settings, assessment, evidence_db)
    defect_id = assessment.definition.defect_id
    queries = load_queries()
    score = float(assessment.impact["severity_score"])
    sql = {name: bind(query, defect_id, score) for name, query in queries.items()}

    with session(evidence_db, read_only=True) as con:
        local = {name: fetch_rows(con, sql[name]) for name in STATED}
        accounts = fetch_rows(
            con,
            "select * from defect_accounts order by arr_usd desc, event_count desc, account_id",
        )

    snapshot = current_snapshot(settings.published)
    snapshot_db = snapshot / SNAPSHOT_DB if snapshot else None
    published: dict[str, list[Row]] = {}
    not_in_snapshot = "nothing is published yet"
    if snapshot_db is not None:
        published, not_in_snapshot = _compare(snapshot_db, sql, local)

    cited = snapshot_db if snapshot_db is not None and not not_in_snapshot else evidence_db
    evidence = {
        name: EvidenceQuery(name, queries[name].proves, sql[name], cited, local[name])
        for name in STATED
    }
    if snapshot_db is not None:
        rank = "rank" if not not_in_snapshot else "would_rank"
        evidence[rank] = EvidenceQuery(
            rank, queries[rank].proves, sql[rank], snapshot_db, published[rank]
        )
    return Evidence(
        assessment=assessment,
        queries=evidence,
        evidence_db=evidence_db,
        snapshot_db=snapshot_db,
        snapshot_run_id=snapshot.name if snapshot else None,
        not_in_snapshot=not_in_snapshot,
        accounts=accounts,
    )


def _write_evidence_db(settings: Settings, assessment: Assessment, path: Path) -> None:
    """Copy the assessment's rows out of the warehouse while nothing can replace them."""
    path.unlink(missing_ok=True)
    with writer_lock(settings.warehouse), session(path) as con:
        con.execute(f"attach {quote_literal(str(settings.warehouse))} as warehouse (read_only)")
        try:
            built = con.execute(
                "select (select max(assessment_id) from warehouse.assessment.assessment_impact), "
                "(select max(run_id) from warehouse.params.run)"
            ).fetchone()
            if built is None or set(built) != {assessment.assessment_id}:
                raise AssessmentReplaced(
                    f"another assessment or run replaced {assessment.assessment_id}'s rows in "
                    f"the warehouse before its report was written: run `impact assess` again"
                )
            con.execute(_EVIDENCE_DB_SQL.read_text())
        finally:
            con.execute("detach warehouse")


def _compare(
    snapshot_db: Path, sql: dict[str, str], local: dict[str, list[Row]]
) -> tuple[dict[str, list[Row]], str]:
    """The snapshot's results, and why they differ from the report's ("" when they don't)."""
    published: dict[str, list[Row]] = {}
    con = connect(snapshot_db, read_only=True)
    try:
        for name in (*STATED, "rank", "would_rank"):
            try:
                published[name] = fetch_rows(con, sql[name])
            except duckdb.CatalogException as exc:
                detail = str(exc).splitlines()[0]
                return published, f"the snapshot predates the report's tables ({detail})"
    finally:
        con.close()
    if not published["severity"]:
        return published, "the defect is not in the published hotfix_priority"
    ours, theirs = local["severity"][0], published["severity"][0]
    if _normal(ours["as_of"]) != _normal(theirs["as_of"]):
        return published, (
            f"the snapshot is as of {theirs['as_of']:%Y-%m-%d %H:%M}, "
            f"this assessment as of {ours['as_of']:%Y-%m-%d %H:%M}"
        )
    differing = [name for name in STATED if _normal(local[name]) != _normal(published[name])]
    if differing:
        return published, (
            "the snapshot's rows differ (the definition or the data changed since it was "
            f"published): {', '.join(differing)}"
        )
    return published, ""


def _normal(value: Any) -> Any:
    """Values as comparable across databases: decimals as rounded floats, times as text."""
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, Decimal | float):
        return round(float(value), 6)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
