"""Real exports in: Zendesk tickets, Jira issues, Sentry events, and mapped CSVs.

The fixtures in tests/fixtures/exports are hand-written from the vendors' documented schemas
(Zendesk Support API tickets and incremental export, Fivetran's Zendesk `ticket` table, Jira
Cloud REST search, Sentry event JSON). Their ground truth, as of 2026-11-01:

PAY-101  events by code (tag EXPORT_EMPTY, or exception type ExportEmptyError) from accounts
         101 (twice), 102, 103; tickets 5001 (linked in a custom field, escalated in another),
         5002 and 5006 (tag empty_export): 4 accounts, 4 events, 3 tickets, 1 escalated
PAY-102  events by message pattern (a custom field) from 104 and 101; ticket 5003 (tag pay-102,
         tag escalated): 2 accounts, 2 events, 1 ticket, 1 escalated
AUTH-7   an AUTH_TIMEOUT event from 105; ticket 5004 quotes the code: 1 account
AUTH-9   won't do, nothing matches
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from impact import cli, pipeline, queries
from impact.config import Settings, load_settings
from impact.errors import ConfigError
from impact.ingest.landing import ingest_pending
from impact.ingest.loader import FileLoad

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"
AS_OF = datetime(2026, 11, 1)

VENDOR_SETTINGS = """
[zendesk]
escalated_field_id = 360011112222
linked_defect_field_id = 360033334444
escalated_column = "custom_escalated"
linked_defect_column = "custom_jira_key"
linked_defect_tag_prefix = "pay-"

[jira]
pattern_field_id = "customfield_10050"
error_codes_field_id = "customfield_10051"
ticket_tags_field_id = "customfield_10052"

[sentry]
account_tag = "organization_id"
"""

MAPPING_SETTINGS = """
[mappings.tickets]
files = "helpdesk_*.csv"
ticket_id = "Case Number"
account_id = "Company"
created_at = "Opened At"
updated_at = "Last Update"
tags = "Labels"
linked_defect_id = "Bug"
"""

# The "Done when" drop: real exports, as delivered, into the landing zone.
DELIVERY = {
    "accounts": ["accounts.csv"],
    "tickets": ["zendesk_tickets_page.json", "zendesk_incremental.json"],
    "defects": ["jira_search.json"],
    "error_events": ["sentry_event.json", "sentry_events.jsonl"],
}

# hotfix_priority of the delivery: affected accounts, repeat-affected accounts, affected ARR,
# enterprise accounts, tickets, escalated tickets, events.
DELIVERY_TRUTH = {
    "PAY-101": (4, 1, 174000, 1, 3, 1, 4),
    "PAY-102": (2, 0, 122000, 1, 1, 1, 2),
    "AUTH-7": (1, 0, 0, 0, 1, 0, 1),
    "AUTH-9": (0, 0, 0, 0, 0, 0, 0),
}


def _home(settings: Settings, toml: str = VENDOR_SETTINGS) -> Settings:
    (settings.home / "impact.toml").write_text(toml)
    return load_settings(settings.home)


def _drop(settings: Settings, source: str, *names: str) -> None:
    for name in names:
        shutil.copy(EXPORTS / name, settings.landing / source / name)


def _ingest(settings: Settings, con: duckdb.DuckDBPyConnection) -> dict[str, FileLoad]:
    loads = ingest_pending(con, settings.landing, settings.quarantine, settings.exports)
    return {Path(load.path).name: load for load in loads}


def _quarantine(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[int, str]]:
    return con.execute(
        "select row_number, reason from ingest.quarantine where path like ? order by row_number",
        [f"%/{name}"],
    ).fetchall()


def test_real_exports_flow_through_to_the_priority_table(settings):
    home = _home(settings)
    for source, names in DELIVERY.items():
        _drop(home, source, *names)
    run = pipeline.run(home, as_of=AS_OF)
    assert all(load.status == "loaded" for load in run.loads)
    rows = {row["defect_id"]: row for row in queries.hotfix_priority(home.published, None)}
    measures = (
        "affected_accounts",
        "repeat_affected_accounts",
        "affected_arr_usd",
        "enterprise_accounts",
        "ticket_count",
        "escalated_ticket_count",
        "event_count",
    )
    assert {key: tuple(rows[key][m] for m in measures) for key in DELIVERY_TRUTH} == DELIVERY_TRUTH
    assert all(rows[key]["source"] == "known" for key in DELIVERY_TRUTH)


@pytest.mark.parametrize(
    ("source", "name", "file_format", "counts"),
    [
        ("tickets", "zendesk_tickets_page.json", "json:zendesk_api", (5, 5, 0, 0)),
        ("tickets", "zendesk_incremental.json", "json:zendesk_api", (3, 2, 1, 0)),
        ("tickets", "fivetran_ticket.csv", "csv:zendesk_fivetran", (5, 3, 2, 0)),
        ("defects", "jira_search.json", "json:jira_search", (4, 4, 0, 0)),
        ("error_events", "sentry_event.json", "json:sentry_event", (1, 1, 0, 0)),
        ("error_events", "sentry_events.jsonl", "jsonl:sentry_event", (11, 7, 3, 1)),
    ],
)
def test_each_export_is_told_by_content_and_adds_up(
    settings, warehouse, source, name, file_format, counts
):
    home = _home(settings)
    _drop(home, source, name)
    load = _ingest(home, warehouse)[name]
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined, load.rows_duplicate) == counts
    assert warehouse.execute("select file_format from ingest.files").fetchone() == (file_format,)
    assert warehouse.execute(f"select count(*) from raw.{source}").fetchone() == (counts[1],)


def test_zendesk_tickets_become_canonical_tickets(settings, warehouse):
    home = _home(settings)
    _drop(home, "tickets", "zendesk_tickets_page.json", "fivetran_ticket.csv")
    _ingest(home, warehouse)
    rows = warehouse.execute(
        "select ticket_id, account_id, created_at, status, channel, tags, escalated, "
        "linked_defect_id, extra->>'type' from raw.tickets "
        "where ticket_id in ('5001', '5003', '6001', '6003') order by ticket_id"
    ).fetchall()
    assert rows == [
        (
            "5001",
            "360000000101",
            datetime(2026, 10, 20, 9, 15),
            "open",
            "email",
            ["billing", "export"],
            True,
            "PAY-101",
            "incident",
        ),
        (
            "5003",
            "360000000104",
            datetime(2026, 10, 22, 8, 5),
            "pending",
            "api",
            ["pay-102", "escalated", "invoices"],
            True,
            "PAY-102",
            "problem",
        ),
        (
            "6001",
            "360000000101",
            datetime(2026, 10, 20, 9, 15),
            "open",
            "email",
            ["billing", "export"],
            True,
            "PAY-101",
            "incident",
        ),
        (
            "6003",
            "360000000104",
            datetime(2026, 10, 22, 8, 5),
            "pending",
            "api",
            ["pay-102", "escalated"],
            True,
            "PAY-102",
            "problem",
        ),
    ]


def test_jira_issues_become_defects_with_their_matching_rules(settings, warehouse):
    home = _home(settings)
    _drop(home, "defects", "jira_search.json")
    _ingest(home, warehouse)
    rows = warehouse.execute(
        "select defect_id, title, status, created_at, service, category, error_codes, "
        "message_pattern, ticket_tags from raw.defects order by defect_id"
    ).fetchall()
    assert rows == [
        (
            "AUTH-7",
            "Login times out under load",
            "fixed",
            datetime(2026, 10, 5, 12, 0),
            "auth",
            "performance",
            ["AUTH_TIMEOUT"],
            None,
            None,
        ),
        (
            "AUTH-9",
            "SSO button misaligned on small screens",
            "wont_fix",
            datetime(2026, 10, 9, 11, 30),
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "PAY-101",
            "Invoice export returns no rows",
            "in_progress",
            datetime(2026, 10, 18, 12, 2, 11),
            "billing",
            "data_integrity",
            ["EXPORT_EMPTY", "ExportEmptyError"],
            None,
            ["empty_export"],
        ),
        (
            "PAY-102",
            "PDF rendering fails on template variables",
            "open",
            datetime(2026, 10, 22, 16, 45),
            "billing",
            "functional",
            ["PDF_RENDER", "TEMPLATE_VAR"],
            "rendering failed: template variable",
            ["invoice_pdf"],
        ),
    ]


def test_sentry_events_become_error_events(settings, warehouse):
    home = _home(settings)
    _drop(home, "error_events", "sentry_event.json", "sentry_events.jsonl")
    _ingest(home, warehouse)
    rows = warehouse.execute(
        "select left(event_id, 4), occurred_at, account_id, service, level, error_code, "
        "message, release, endpoint, http_status, user_id from raw.error_events "
        "where left(event_id, 4) in ('4b1f', '1e2f', '4b5c') order by occurred_at"
    ).fetchall()
    assert rows == [
        # The event JSON Sentry shows: tags as pairs, the service from its release.
        (
            "4b1f",
            datetime(2026, 10, 21, 10, 0),
            "360000000101",
            "billing",
            "error",
            "EXPORT_EMPTY",
            "Export 7f3a9c returned 0 rows for account 360000000101",
            "2.1.0",
            "/api/exports/{export_id}",
            500,
            "u-2231",
        ),
        # Chained exceptions: the last one is the one raised; no code tag, so its type.
        (
            "1e2f",
            datetime(2026, 10, 24, 16, 45, 30, 250000),
            "360000000102",
            "billing",
            "error",
            "ExportEmptyError",
            "Export c044e1 returned 0 rows for account 360000000102",
            "2.1.0",
            None,
            None,
            "u-5120",
        ),
        # A plain message, no exception and no release: the service from its tag.
        (
            "4b5c",
            datetime(2026, 10, 26, 9, 5),
            "360000000101",
            "billing",
            "warning",
            None,
            "Invoice 9120 rendering failed: template variable 'total' is undefined",
            None,
            None,
            None,
            None,
        ),
    ]


@pytest.mark.parametrize(
    ("source", "name", "reasons"),
    [
        (
            "tickets",
            "zendesk_partial.json",
            [
                (2, "tickets item is not a JSON object"),
                (3, "missing account_id"),
                (4, "invalid timestamp in created_at: 22/10/2026"),
                (5, "missing ticket_id"),
            ],
        ),
        (
            "tickets",
            "fivetran_ticket.csv",
            [(4, "missing account_id"), (5, "invalid timestamp in created_at: not recorded")],
        ),
        (
            "defects",
            "jira_partial.json",
            [
                (2, "missing title"),
                (3, "invalid regular expression in message_pattern"),
                (4, "issues item is not a JSON object"),
                (5, "invalid timestamp in created_at: last week"),
            ],
        ),
        (
            "error_events",
            "sentry_events.jsonl",
            [
                (8, "missing account_id"),
                (9, "invalid timestamp in occurred_at: last tuesday"),
                (10, "not a JSON object"),
            ],
        ),
    ],
)
def test_malformed_and_partial_payloads_are_quarantined_with_reasons(
    settings, warehouse, source, name, reasons
):
    home = _home(settings)
    _drop(home, source, name)
    load = _ingest(home, warehouse)[name]
    assert load.rows_quarantined == len(reasons)
    assert _quarantine(warehouse, name) == reasons
    assert next((home.quarantine / source).glob(f"{name}.*.csv")).exists()


def test_pages_in_json_lines_are_numbered_record_by_record(settings, warehouse):
    home = _home(settings)
    pages = [json.loads((EXPORTS / n).read_text()) for n in DELIVERY["tickets"]]
    path = home.landing / "tickets" / "pages.jsonl"
    path.write_text("".join(json.dumps(page) + "\n" for page in pages))
    load = _ingest(home, warehouse)["pages.jsonl"]
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined) == (8, 7, 1)
    assert _quarantine(warehouse, "pages.jsonl") == [(8, "missing account_id")]


def test_unreadable_export_is_rejected_whole(settings, warehouse):
    home = _home(settings)
    _drop(home, "tickets", "zendesk_truncated.json")
    load = _ingest(home, warehouse)["zendesk_truncated.json"]
    assert load.status == "rejected" and "cannot be read" in (load.message or "")
    assert warehouse.execute("select count(*) from raw.tickets").fetchone() == (0,)


def test_unknown_shape_says_what_is_missing_and_how_to_map_it(settings, warehouse):
    home = _home(settings)
    _drop(home, "tickets", "unknown_export.csv")
    message = _ingest(home, warehouse)["unknown_export.csv"].message or ""
    assert "\n" not in message
    assert "unknown_export.csv: tickets file lacks required column(s) " in message
    assert "ticket_id, account_id, created_at (found: Ref, Customer, When, Text)" in message
    assert '[mappings.tickets] ticket_id = "<your column>"' in message
    assert "--shape (zendesk_api, zendesk_fivetran)" in message


def test_an_export_in_the_wrong_folder_names_its_source(settings, warehouse):
    home = _home(settings)
    shutil.copy(EXPORTS / "jira_search.json", home.landing / "tickets" / "issues.json")
    message = _ingest(home, warehouse)["issues.json"].message or ""
    assert "looks like a Jira search export, which holds defects, not tickets" in message
    assert "landing/defects/" in message


def test_column_mapping_loads_another_tools_export(settings, warehouse):
    home = _home(settings, MAPPING_SETTINGS)
    _drop(home, "tickets", "helpdesk_cases.csv")
    # The mapping is for helpdesk_*.csv: the same columns under another name are unknown.
    header = (EXPORTS / "helpdesk_cases.csv").read_text().splitlines()[0]
    (home.landing / "tickets" / "cases.csv").write_text(header + "\n")
    loads = _ingest(home, warehouse)
    mapped, unmapped = loads["helpdesk_cases.csv"], loads["cases.csv"]
    assert (mapped.rows_read, mapped.rows_loaded, mapped.rows_quarantined) == (3, 2, 1)
    assert unmapped.status == "rejected" and "lacks required column(s)" in (unmapped.message or "")
    assert warehouse.execute(
        "select ticket_id, account_id, created_at, updated_at, status, tags, linked_defect_id, "
        "extra->>'Agent' from raw.tickets order by ticket_id"
    ).fetchall() == [
        (
            "C-1001",
            "360000000101",
            datetime(2026, 10, 20, 9, 0),
            datetime(2026, 10, 20, 12, 0),
            "open",
            ["export", "billing"],
            "PAY-101",
            "dana",
        ),
        (
            "C-1002",
            "360000000103",
            datetime(2026, 10, 22, 14, 30),
            datetime(2026, 10, 23, 8, 0),
            "solved",
            ["empty_export"],
            None,
            "lee",
        ),
    ]
    assert warehouse.execute(
        "select file_format from ingest.files where path like '%helpdesk_cases.csv'"
    ).fetchone() == ("csv:mapped",)


def test_a_mapped_column_wins_over_one_that_has_the_canonical_name(settings, warehouse):
    home = _home(settings, '[mappings.accounts]\naccount_id = "crm_id"\n')
    (home.landing / "accounts" / "crm.csv").write_text(
        "crm_id,account_id,plan_tier\nacc_1,legacy-77,pro\n"
    )
    _ingest(home, warehouse)
    assert warehouse.execute(
        "select account_id, extra->>'account_id' from raw.accounts"
    ).fetchall() == [("acc_1", "legacy-77")]


def test_mappings_can_differ_by_file_name(settings):
    home = _home(
        settings,
        '[[mappings.tickets]]\nfiles = "a_*.csv"\nticket_id = "Case"\n\n'
        '[[mappings.tickets]]\nticket_id = "Number"\n',
    )
    assert home.exports.mapping_for("tickets", "a_1.csv") == {"ticket_id": "Case"}
    assert home.exports.mapping_for("tickets", "b_1.csv") == {"ticket_id": "Number"}
    assert home.exports.mapping_for("accounts", "a_1.csv") == {}


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[mappings.tickets]\nticket_number = "Case"\n', "'ticket_number' is not a tickets"),
        ('[mappings.orders]\norder_id = "Id"\n', "[mappings.orders]: unknown source"),
        ("[mappings.tickets]\nticket_id = 7\n", "'ticket_id' must name a column"),
        ('[zendesk]\nescalated_field_id = "abc"\n', "'escalated_field_id' must be an integer"),
        ('[jira]\nerror_code_label_prefix = ["code:"]\n', "must be a string"),
        ('[zendesk]\nescalated_tags = "vip"\n', "'escalated_tags' must be a list of strings"),
        ('[sentry]\naccount = "org"\n', "unknown setting 'account'"),
    ],
)
def test_export_settings_are_checked(settings, toml, expected):
    with pytest.raises(ConfigError) as raised:
        _home(settings, toml)
    assert expected in str(raised.value)


def test_shape_flag_forces_the_shape_and_implies_the_source(settings, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shutil.copy(EXPORTS / "jira_search.json", downloads / "issues.json")
    home = ["--home", str(settings.home)]
    assert cli.main(["ingest", *home, "--shape", "jira_search", str(downloads)]) == 0
    assert (settings.landing / "defects" / "issues.json").exists()
    shutil.copy(EXPORTS / "fivetran_ticket.csv", downloads / "tickets.csv")
    forced = ["--shape", "zendesk_api", "--source", "tickets"]
    code = cli.main(["ingest", *home, *forced, str(downloads / "tickets.csv")])
    assert code == 3
    assert "--shape zendesk_api reads JSON exports" in capsys.readouterr().err
    code = cli.main(["ingest", *home, "--shape", "jira_search", "--source", "tickets", "x.json"])
    assert code == 3
    assert "--shape jira_search reads defects, not tickets" in capsys.readouterr().err
