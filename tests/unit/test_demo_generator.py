"""The demo generator: deterministic, every source in its stated format, exact ground truth.

The ground truth is recomputed here with plain DuckDB SQL over the written files, applying
the contract's matching rules (section 2) and excluding the rows a reader must quarantine.
The generator counts what it planted; equal numbers prove nothing else matches by accident.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from impact.demo import DEMO_AS_OF, GROUND_TRUTH_FILE, REGRESSION_ID, GroundTruth, generate_demo
from impact.errors import InputError

SMALL = {"accounts": 50, "background_events": 5_000}
NOISE_TEMPLATES = 21
PLANTED_TEMPLATES = 6
ZERO_MATCH_DEFECTS = ("BUG-455", "BUG-493", "BUG-497")
COUNT_FIELDS = (
    "affected_accounts",
    "event_accounts",
    "ticket_only_accounts",
    "repeat_affected_accounts",
    "single_event_accounts",
    "event_count",
    "ticket_count",
    "escalated_ticket_count",
    "enterprise_accounts",
    "strategic_accounts",
    "affected_arr_usd",
    "first_seen_at",
    "last_seen_at",
    "first_event_at",
    "last_event_at",
)
# A masker that knows only the variable parts the generator may use.
MASKS = (
    (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>"),
    (r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "<email>"),
    (r"https?://\S+", "<url>"),
    (r"\b\d{1,3}(\.\d{1,3}){3}\b", "<ip>"),
    (r"'[^']*'|\"[^\"]*\"", "<str>"),
    (r"(/[\w.:{}-]+)+", "<path>"),
    (r"\b[a-z]+_\w*\d\w*\b", "<id>"),
    (r"\b\d+\b", "<num>"),
)

Demo = tuple[Path, GroundTruth]


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    landing = tmp_path_factory.mktemp("default") / "landing"
    return landing, generate_demo(landing)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    landing = tmp_path_factory.mktemp("small") / "landing"
    return landing, generate_demo(landing, **SMALL)


@pytest.fixture(params=["default_demo", "small_demo"])
def demo(request: pytest.FixtureRequest) -> Demo:
    result: Demo = request.getfixturevalue(request.param)
    return result


def file_hashes(landing: Path) -> dict[str, str]:
    return {
        str(path.relative_to(landing)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(landing.rglob("*"))
        if path.is_file()
    }


def is_iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def mask(column: str) -> str:
    """SQL that masks the variable parts of a text column."""
    expression = column
    for pattern, token in MASKS:
        literal = pattern.replace("'", "''")
        expression = f"regexp_replace({expression}, '{literal}', '{token}', 'g')"
    return expression


def load(landing: Path) -> duckdb.DuckDBPyConnection:
    """The landing files as raw tables, plus the rows a correct reader keeps."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE accounts AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [str(landing / "accounts/accounts.csv")],
    )
    con.execute(
        "CREATE TABLE raw_tickets AS SELECT * FROM read_json(?, format = 'newline_delimited', "
        "columns = {ticket_id: 'VARCHAR', account_id: 'VARCHAR', created_at: 'VARCHAR', "
        "updated_at: 'VARCHAR', status: 'VARCHAR', priority: 'VARCHAR', channel: 'VARCHAR', "
        "subject: 'VARCHAR', description: 'VARCHAR', tags: 'VARCHAR[]', escalated: 'BOOLEAN', "
        "classification: 'VARCHAR', linked_defect_id: 'VARCHAR'})",
        [str(landing / "tickets/tickets.jsonl")],
    )
    con.execute(
        "CREATE TABLE raw_events AS SELECT * FROM read_parquet(?, filename = true)",
        [str(landing / "error_events/*.parquet")],
    )
    con.execute(
        "CREATE TABLE defects AS SELECT * FROM read_json(?)",
        [str(landing / "defects/defects.json")],
    )
    con.execute(
        "CREATE TABLE deployments AS SELECT * REPLACE (deployed_at::timestamptz AS deployed_at) "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [str(landing / "deployments/deployments.csv")],
    )
    con.execute("""
        create table tickets as
        select * replace (
            created_at::timestamptz as created_at, updated_at::timestamptz as updated_at
        )
        from raw_tickets
        where try_cast(created_at as timestamptz) is not null and account_id is not null
        qualify row_number() over (
            partition by ticket_id order by updated_at::timestamptz desc
        ) = 1
    """)
    con.execute("""
        create table events as
        select * from raw_events
        where account_id is not null and occurred_at is not null and message is not null
            and service is not null
    """)
    return con


def match(con: duckdb.DuckDBPyConnection, regression: dict[str, str]) -> None:
    """Contract section 2: which events and tickets belong to which defect."""
    con.execute("""
        create table event_matches as
        select d.defect_id, e.account_id, e.occurred_at, e.message
        from events as e
        inner join defects as d
            on (d.service is null or e.service = d.service)
            and (
                list_contains(coalesce(d.error_codes, []), e.error_code)
                or (d.message_pattern is not null
                    and regexp_matches(e.message, d.message_pattern, 'i'))
            )
    """)
    con.execute("""
        create table ticket_matches as
        select d.defect_id, t.ticket_id, t.account_id, t.created_at, t.escalated
        from tickets as t
        inner join defects as d
            on t.linked_defect_id = d.defect_id
            or list_has_any(coalesce(t.tags, []), coalesce(d.ticket_tags, []))
            or len(list_filter(
                coalesce(d.error_codes, []),
                lambda code: contains(coalesce(t.subject, ''), code)
                    or contains(coalesce(t.description, ''), code)
            )) > 0
    """)
    # the unfiled regression: its events by code, its tickets by quoting the message
    con.execute(
        "insert into event_matches select ?, account_id, occurred_at, message from events "
        "where service = ? and error_code = ?",
        [REGRESSION_ID, regression["service"], regression["error_code"]],
    )
    con.execute(
        "insert into ticket_matches select ?, ticket_id, account_id, created_at, escalated "
        "from tickets where regexp_matches(subject, ?) or regexp_matches(description, ?)",
        [REGRESSION_ID, regression["pattern"], regression["pattern"]],
    )


def recompute(landing: Path, truth: GroundTruth) -> dict[str, dict[str, Any]]:
    con = load(landing)
    regression = truth.defect(REGRESSION_ID)
    assert regression.message_regex is not None
    # the quoted message sits inside longer text, so drop the anchors
    pattern = regression.message_regex.strip("^$")
    match(
        con,
        {
            "service": str(regression.service),
            "error_code": str(regression.error_code),
            "pattern": pattern,
        },
    )
    cursor = con.execute("""
        with
        per_account as (
            select defect_id, account_id, sum(is_event) as events, sum(1 - is_event) as tickets
            from (
                select defect_id, account_id, 1 as is_event from event_matches
                union all
                select defect_id, account_id, 0 from ticket_matches
            )
            group by all
        ),
        accounts_stats as (
            select
                p.defect_id,
                count(*) as affected_accounts,
                count(*) filter (where p.events > 0) as event_accounts,
                count(*) filter (where p.events = 0) as ticket_only_accounts,
                count(*) filter (where p.events >= 2) as repeat_affected_accounts,
                count(*) filter (where p.events = 1) as single_event_accounts,
                count(*) filter (where a.plan_tier = 'enterprise') as enterprise_accounts,
                count(*) filter (where a.is_strategic = 'true') as strategic_accounts,
                sum(a.arr_usd::decimal(14, 2))::double as affected_arr_usd
            from per_account as p
            inner join accounts as a on p.account_id = a.account_id
            group by all
        ),
        event_stats as (
            select defect_id, count(*) as event_count, min(occurred_at) as first_event,
                max(occurred_at) as last_event
            from event_matches
            group by all
        ),
        ticket_stats as (
            select defect_id, count(*) as ticket_count,
                count(*) filter (where escalated) as escalated_ticket_count,
                min(created_at) as first_ticket, max(created_at) as last_ticket
            from ticket_matches
            group by all
        )
        select
            a.*,
            coalesce(e.event_count, 0) as event_count,
            coalesce(t.ticket_count, 0) as ticket_count,
            coalesce(t.escalated_ticket_count, 0) as escalated_ticket_count,
            strftime(least(e.first_event, t.first_ticket), '%Y-%m-%dT%H:%M:%SZ') as first_seen_at,
            strftime(greatest(e.last_event, t.last_ticket), '%Y-%m-%dT%H:%M:%SZ') as last_seen_at,
            strftime(e.first_event, '%Y-%m-%dT%H:%M:%SZ') as first_event_at,
            strftime(e.last_event, '%Y-%m-%dT%H:%M:%SZ') as last_event_at
        from accounts_stats as a
        left join event_stats as e using (defect_id)
        left join ticket_stats as t using (defect_id)
    """)
    columns = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def test_same_seed_gives_byte_identical_files(default_demo: Demo, tmp_path: Path) -> None:
    landing, truth = default_demo
    again = generate_demo(tmp_path / "landing")
    assert file_hashes(tmp_path / "landing") == file_hashes(landing)
    assert again == truth


def test_another_seed_gives_other_data(small_demo: Demo, tmp_path: Path) -> None:
    landing, _ = small_demo
    generate_demo(tmp_path, seed=8, **SMALL)
    first, second = file_hashes(landing), file_hashes(tmp_path)
    assert first["accounts/accounts.csv"] != second["accounts/accounts.csv"]
    assert (
        first["error_events/events_2026-10-09.parquet"]
        != (second["error_events/events_2026-10-09.parquet"])
    )


def test_writes_every_source_in_its_format(default_demo: Demo) -> None:
    landing, truth = default_demo
    files = set(file_hashes(landing))
    days = [f"error_events/events_2026-10-{day:02d}.parquet" for day in range(1, 32)]
    assert files == {
        "accounts/accounts.csv",
        "tickets/tickets.jsonl",
        "deployments/deployments.csv",
        "defects/defects.json",
        GROUND_TRUTH_FILE,
        *days,
    }
    assert {f.path for f in truth.files} == files - {GROUND_TRUTH_FILE}

    con = load(landing)
    strategic = {
        row[0] for row in con.execute("select distinct is_strategic from accounts").fetchall()
    }
    assert strategic == {"true", "false"}
    tags = con.execute("select count(*) from accounts where tags like '% %'").fetchone()
    assert tags is not None and tags[0] > 0  # space-separated lists in CSV

    lines = (landing / "tickets/tickets.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(isinstance(row["tags"], list) for row in rows)
    created = [row["created_at"] for row in rows]
    assert sum(c.endswith("+02:00") for c in created) >= 10
    assert sum(not is_iso(c) for c in created) == 2  # the planted unparseable rows

    schema = dict(
        con.execute(
            "select column_name, column_type from (describe select * from raw_events)"
        ).fetchall()
    )
    assert schema["occurred_at"] == "TIMESTAMP WITH TIME ZONE"
    assert schema["http_status"] == "INTEGER"
    for column in (
        "event_id",
        "account_id",
        "service",
        "level",
        "error_code",
        "message",
        "release",
        "endpoint",
        "user_id",
        "trace_id",
    ):
        assert schema[column] == "VARCHAR"

    defects = json.loads((landing / "defects/defects.json").read_text())
    assert isinstance(defects, list) and len(defects) == truth.totals.defects
    deploy_times = con.execute("select count(*) from deployments").fetchone()
    assert deploy_times == (truth.totals.deployments,)


def test_ground_truth_file_round_trips(default_demo: Demo) -> None:
    landing, truth = default_demo
    text = (landing / GROUND_TRUTH_FILE).read_text()
    assert GroundTruth.from_json(text) == truth
    assert json.loads(text)["quarantine"] == truth.quarantine
    assert truth.as_of == DEMO_AS_OF.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_ground_truth_follows_the_contract_rules(demo: Demo) -> None:
    landing, truth = demo
    recomputed = recompute(landing, truth)
    for defect in truth.defects:
        expected = {field: getattr(defect, field) for field in COUNT_FIELDS}
        if defect.affected_accounts == 0:
            assert defect.defect_id not in recomputed
            continue
        actual = {field: recomputed[defect.defect_id][field] for field in COUNT_FIELDS}
        assert actual == expected, defect.defect_id


def test_quarantine_and_row_counts_per_file(demo: Demo) -> None:
    landing, truth = demo
    con = load(landing)
    quarantined = dict(
        con.execute("""
            select 'tickets/tickets.jsonl', count(*) from raw_tickets
            where try_cast(created_at as timestamptz) is null or account_id is null
            union all
            select 'error_events/' || parse_filename(filename), count(*) from raw_events
            where account_id is null or occurred_at is null or message is null
                or service is null
            group by all
        """).fetchall()
    )
    assert {path: n for path, n in quarantined.items() if n} == truth.quarantine
    assert truth.quarantine == {
        "tickets/tickets.jsonl": 3,
        "error_events/events_2026-10-17.parquet": 3,
    }

    tickets = next(f for f in truth.files if f.path == "tickets/tickets.jsonl")
    raw = con.execute("select count(*), count(distinct ticket_id) from raw_tickets").fetchone()
    assert raw == (tickets.rows, tickets.rows - tickets.superseded)
    assert tickets.superseded > 0
    assert con.execute("select count(*) from tickets").fetchone() == (truth.totals.tickets,)

    events = con.execute("select count(*) from raw_events").fetchone()
    assert events is not None
    assert events[0] == sum(f.rows for f in truth.files if f.path.startswith("error_events/"))
    assert con.execute("select count(*) from events").fetchone() == (truth.totals.error_events,)


def test_planted_numbers_hold_at_every_size(demo: Demo) -> None:
    _, truth = demo
    empty = truth.defect("BUG-501")
    assert (empty.repeat_affected_accounts, empty.single_event_accounts) == (38, 8)
    assert (empty.ticket_only_accounts, empty.affected_accounts) == (2, 48)
    assert (empty.ticket_count, empty.escalated_ticket_count) == (26, 5)
    assert empty.enterprise_accounts >= 3 and empty.strategic_accounts >= 1
    assert empty.suspected_version == "4.2.0"

    regression = truth.defect(REGRESSION_ID)
    assert regression.kind == "unfiled" and regression.error_code == "INVOICE_RENDER"
    assert (regression.affected_accounts, regression.ticket_count) == (23, 15)
    assert regression.suspected_version == "3.14.0"

    noisy = truth.defect("BUG-488")
    assert (noisy.affected_accounts, noisy.event_count, noisy.affected_arr_usd) == (3, 4464, 0)

    fixed = truth.defect("BUG-470")
    assert fixed.fix_deploy_id is not None and fixed.suspected_deploy_id is None
    assert (fixed.affected_accounts, fixed.ticket_count) == (10, 4)
    assert (truth.defect("BUG-505").affected_accounts, truth.defect("BUG-512").ticket_count) == (
        16,
        5,
    )
    for defect_id in ZERO_MATCH_DEFECTS:
        assert truth.defect(defect_id).affected_accounts == 0


def test_incidents_happen_when_planted(demo: Demo) -> None:
    landing, truth = demo
    con = load(landing)
    regression = truth.defect(REGRESSION_ID)
    match(
        con,
        {
            "service": "billing",
            "error_code": "INVOICE_RENDER",
            "pattern": str(regression.message_regex).strip("^$"),
        },
    )

    def deployed_at(deploy_id: str | None) -> Any:
        row = con.execute(
            "select deployed_at from deployments where deploy_id = ?", [deploy_id]
        ).fetchone()
        assert row is not None
        return row[0]

    # empty exports: only 02:00-02:15 UTC, from the night after the reports deploy
    outside = con.execute("""
        select count(*) from event_matches
        where defect_id = 'BUG-501'
            and (hour(occurred_at) <> 2 or minute(occurred_at) >= 15)
    """).fetchone()
    assert outside == (0,)
    first = con.execute(
        "select min(occurred_at) from event_matches where defect_id = 'BUG-501'"
    ).fetchone()
    assert first is not None and first[0] > deployed_at(truth.defect("BUG-501").suspected_deploy_id)

    # the regression starts 30 minutes after the billing deploy, and never before
    start = deployed_at(regression.suspected_deploy_id)
    first = con.execute(
        "select min(occurred_at) from event_matches where defect_id = ?", [REGRESSION_ID]
    ).fetchone()
    assert first is not None and (first[0] - start).total_seconds() >= 30 * 60

    # the fixed defect stops at its fix deploy
    last = con.execute(
        "select max(occurred_at) from event_matches where defect_id = 'BUG-470'"
    ).fetchone()
    assert last is not None and last[0] < deployed_at(truth.defect("BUG-470").fix_deploy_id)

    # each planted deploy is the only deploy of its service in the 48 h before first sight
    for defect in (truth.defect("BUG-501"), regression):
        candidates = con.execute(
            "select list(deploy_id) from deployments "
            "where service = ? and deployed_at <= ?::timestamptz "
            "and deployed_at > ?::timestamptz - interval 48 hour",
            [defect.service, defect.first_event_at, defect.first_event_at],
        ).fetchone()
        assert candidates == ([defect.suspected_deploy_id],)


def test_every_template_masks_to_one_steady_signature(default_demo: Demo) -> None:
    landing, truth = default_demo
    con = load(landing)
    con.execute(f"create table signatures as select *, {mask('message')} as template from events")
    signatures = con.execute(
        "select count(distinct (service, error_code, template)) from signatures"
    ).fetchone()
    assert signatures == (NOISE_TEMPLATES + PLANTED_TEMPLATES,)
    per_code = con.execute("""
        select error_code, count(distinct template) from signatures
        where error_code is not null group by all having count(distinct template) > 1
    """).fetchall()
    assert per_code == []

    # quoted in a ticket, the regression message masks to the event template
    quoted = con.execute(f"""
        select count(*) from tickets, (
            select distinct template from signatures where error_code = 'INVOICE_RENDER'
        ) as s
        where contains({mask("subject")}, s.template) or contains({mask("description")}, s.template)
    """).fetchone()
    assert quoted == (truth.defect(REGRESSION_ID).ticket_count,)

    # background noise is present every day of the month, with no spike
    daily = con.execute("""
        with noise as (
            select * from signatures
            where error_code is distinct from 'INVOICE_RENDER'
                and not exists (
                    select 1 from defects as d
                    where (d.service is null or signatures.service = d.service)
                        and (
                            list_contains(coalesce(d.error_codes, []), signatures.error_code)
                            or regexp_matches(
                                signatures.message, coalesce(d.message_pattern, '$^'), 'i'
                            )
                        )
                )
        ),
        per_day as (
            select service, error_code, template, occurred_at::date as day, count(*) as n
            from noise group by all
        )
        select count(*), min(days), max(peak_ratio)
        from (
            select count(*) as days, max(n) / avg(n) as peak_ratio
            from per_day group by service, error_code, template
        )
    """).fetchone()
    assert daily is not None
    assert daily[0] == NOISE_TEMPLATES
    assert daily[1] == 31
    assert daily[2] < 2.0


def test_too_few_accounts_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="accounts"):
        generate_demo(tmp_path, accounts=10)
