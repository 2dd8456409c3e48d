"""Seeded demo data: one simulated month of a B2B SaaS company, with planted defects.

All rows are made by the DuckDB SQL in `sql/` from hashes of (seed, key, salt), so the same
seed and knobs give byte-identical files and the same code scales to tens of millions of
background events. Python only sets the knobs, runs the SQL files in order and writes the
landing files plus `ground_truth.json`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from impact.errors import InputError

DEMO_MONTH_START = datetime(2026, 10, 1, tzinfo=UTC)
DEMO_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)
GROUND_TRUTH_FILE = "ground_truth.json"
REGRESSION_ID = "REGRESSION"

# Planted incidents need 48 distinct active accounts; event keys reserve 7 digits for
# the account number.
MIN_ACCOUNTS = 50
MAX_ACCOUNTS = 1_000_000

_SQL_DIR = Path(__file__).with_name("sql")
_BUILD_STEPS = (
    "macros",
    "accounts",
    "deployments",
    "defects",
    "templates",
    "incidents",
    "events",
    "paraphrases",
    "tickets",
    "exports",
)
_CSV = "FORMAT csv, HEADER true"
_JSONL = "FORMAT json"
_JSON_ARRAY = "FORMAT json, ARRAY true"
_PARQUET = "FORMAT parquet, COMPRESSION zstd"


@dataclass(frozen=True)
class DefectTruth:
    """What a correct pipeline must report for one defect (known, or the unfiled regression).

    Counts follow the contract's matching rules; tickets are counted after keeping only the
    latest version of each ticket, and quarantined rows are excluded.
    """

    defect_id: str
    kind: str  # "known" (in the defects file) or "unfiled" (the regression, id REGRESSION)
    service: str | None
    error_code: str | None
    affected_accounts: int  # accounts with a matching event or ticket
    event_accounts: int
    ticket_only_accounts: int
    repeat_affected_accounts: int  # accounts with 2+ matching events
    single_event_accounts: int
    event_count: int
    ticket_count: int
    escalated_ticket_count: int
    enterprise_accounts: int
    strategic_accounts: int
    affected_arr_usd: float
    first_seen_at: str | None
    last_seen_at: str | None
    first_event_at: str | None
    last_event_at: str | None
    suspected_deploy_id: str | None
    suspected_version: str | None
    fix_deploy_id: str | None
    message_regex: str | None  # the regression's message shape (it has no defect entry)


@dataclass(frozen=True)
class FileTruth:
    """One landing file: rows written, rows a reader must quarantine, superseded versions."""

    path: str  # relative to the landing directory
    rows: int
    quarantined: int
    superseded: int  # ticket rows replaced by a later update of the same ticket


@dataclass(frozen=True)
class Totals:
    """Valid rows after quarantine and ticket de-duplication."""

    accounts: int
    active_accounts: int
    tickets: int
    error_events: int
    deployments: int
    defects: int


@dataclass(frozen=True)
class TicketCluster:
    """The problem a ticket is about (paraphrases.sql, ticket_labels.sql)."""

    ticket_id: str
    cluster: str  # paraphrase problem, incident, or faq-NN for an ordinary ticket's template
    kind: str  # paraphrase, incident or faq


@dataclass(frozen=True)
class TriageLabel:
    """The right triage of a paraphrased or incident ticket, and the evidence planted for it."""

    ticket_id: str
    triage_class: str  # product_defect, suspected_defect, configuration, user_error_or_question
    defect_id: str | None  # the defect (REGRESSION for the unfiled one)
    error_code: str | None  # the code of the events planted as evidence


@dataclass(frozen=True)
class GroundTruth:
    seed: int
    accounts: int
    background_events: int
    month_start: str
    as_of: str
    defects: tuple[DefectTruth, ...]
    files: tuple[FileTruth, ...]
    totals: Totals
    ticket_clusters: tuple[TicketCluster, ...] = ()
    triage: tuple[TriageLabel, ...] = ()

    @property
    def quarantine(self) -> dict[str, int]:
        """Expected quarantined rows per file, for files that have any."""
        return {f.path: f.quarantined for f in self.files if f.quarantined}

    def defect(self, defect_id: str) -> DefectTruth:
        for defect in self.defects:
            if defect.defect_id == defect_id:
                return defect
        raise KeyError(defect_id)

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "quarantine": self.quarantine}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> GroundTruth:
        data = json.loads(text)
        data.pop("quarantine", None)
        nested = ("defects", "files", "totals", "ticket_clusters", "triage")
        return cls(
            **{k: v for k, v in data.items() if k not in nested},
            defects=tuple(DefectTruth(**d) for d in data["defects"]),
            files=tuple(FileTruth(**f) for f in data["files"]),
            totals=Totals(**data["totals"]),
            ticket_clusters=tuple(TicketCluster(**c) for c in data.get("ticket_clusters", [])),
            triage=tuple(TriageLabel(**t) for t in data.get("triage", [])),
        )


@dataclass(frozen=True)
class _Export:
    path: str
    view: str
    options: str
    day: datetime | None = None


def generate_demo(
    landing: Path, *, seed: int = 7, accounts: int = 400, background_events: int = 60_000
) -> GroundTruth:
    """Write one simulated month into `landing/<source>/` and return its ground truth.

    The ground truth is also written to `landing/ground_truth.json`.
    """
    _check_knobs(seed, accounts, background_events)
    landing = Path(landing)
    with duckdb.connect() as con:
        _set_knobs(con, seed, accounts, background_events)
        for step in _BUILD_STEPS:
            con.execute(_sql(step))
        files = tuple(_write(con, landing, export) for export in _exports())
        labels = _rows(con, _sql("ticket_labels"))
        truth = GroundTruth(
            seed=seed,
            accounts=accounts,
            background_events=background_events,
            month_start=_iso(DEMO_MONTH_START),
            as_of=_iso(DEMO_AS_OF),
            defects=tuple(DefectTruth(**row) for row in _rows(con, _sql("ground_truth"))),
            files=files,
            totals=Totals(**_rows(con, _sql("totals"))[0]),
            ticket_clusters=tuple(
                TicketCluster(row["ticket_id"], row["cluster"], row["kind"]) for row in labels
            ),
            triage=tuple(
                TriageLabel(
                    row["ticket_id"], row["triage_class"], row["defect_id"], row["error_code"]
                )
                for row in labels
                if row["triage_class"] is not None
            ),
        )
    (landing / GROUND_TRUTH_FILE).write_text(truth.to_json())
    return truth


def _check_knobs(seed: int, accounts: int, background_events: int) -> None:
    if not 0 <= seed < 2**63:
        raise InputError(f"demo seed must be between 0 and 2**63 - 1, got {seed}")
    if not MIN_ACCOUNTS <= accounts <= MAX_ACCOUNTS:
        raise InputError(
            f"demo accounts must be between {MIN_ACCOUNTS} and {MAX_ACCOUNTS} "
            f"(the planted incidents need {MIN_ACCOUNTS}), got {accounts}"
        )
    if background_events < 0:
        raise InputError(f"demo background_events must be >= 0, got {background_events}")


def _set_knobs(
    con: duckdb.DuckDBPyConnection, seed: int, accounts: int, background_events: int
) -> None:
    con.execute("SET TimeZone = 'UTC'")
    knobs: dict[str, int | datetime] = {
        "seed": seed,
        "n_accounts": accounts,
        "n_background": background_events,
    }
    for name, value in knobs.items():
        con.execute(f"SET VARIABLE {name} = ?::BIGINT", [value])
    # SQL timestamps are naive UTC; only the written files carry offsets
    for name, moment in (("month_start", DEMO_MONTH_START), ("as_of", DEMO_AS_OF)):
        con.execute(f"SET VARIABLE {name} = ?::TIMESTAMP", [moment.replace(tzinfo=None)])


def _sql(name: str) -> str:
    return (_SQL_DIR / f"{name}.sql").read_text()


def _exports() -> list[_Export]:
    fixed = [
        _Export("accounts/accounts.csv", "out_accounts", _CSV),
        _Export("tickets/tickets.jsonl", "out_tickets", _JSONL),
        _Export("deployments/deployments.csv", "out_deployments", _CSV),
        _Export("defects/defects.json", "out_defects", _JSON_ARRAY),
    ]
    # one events file per day, so a benchmark can deliver "one new day" later
    days = (DEMO_AS_OF - DEMO_MONTH_START).days
    daily = [
        _Export(f"error_events/events_{day:%Y-%m-%d}.parquet", "out_events", _PARQUET, day)
        for day in (DEMO_MONTH_START + timedelta(days=n) for n in range(days))
    ]
    return fixed + daily


def _write(con: duckdb.DuckDBPyConnection, landing: Path, export: _Export) -> FileTruth:
    if export.day is not None:
        con.execute("SET VARIABLE export_day = ?::TIMESTAMP", [export.day.replace(tzinfo=None)])
    target = landing / export.path
    target.parent.mkdir(parents=True, exist_ok=True)
    # view names and options are module constants; only the path needs quoting
    query = f"SELECT * EXCLUDE (_sort, _bad, _superseded) FROM {export.view} ORDER BY _sort"
    con.execute(f"COPY ({query}) TO {_quote(target)} ({export.options})")
    counts = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE _bad), count(*) FILTER (WHERE _superseded) "
        f"FROM {export.view}"
    ).fetchone()
    assert counts is not None
    rows, quarantined, superseded = counts
    return FileTruth(export.path, rows, quarantined, superseded)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
