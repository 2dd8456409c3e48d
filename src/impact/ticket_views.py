"""How `impact trends`, `impact clusters` and `impact triage` show their rows in a terminal.

JSON, CSV and Markdown carry every column of the published tables; the terminal table picks
the columns a reader scans first.
"""

from __future__ import annotations

from collections.abc import Sequence

from impact.render import Column, render
from impact.warehouse import Row

TREND_COLUMNS = (
    Column("window_start", "Day from", "when"),
    Column("dimension", "By"),
    Column("dimension_value", "Value", flex=True),
    Column("ticket_count", "Tickets", "int"),
    Column("account_count", "Accts", "int"),
    Column("baseline_mean", "Usual", "number"),
    Column("spike_threshold", "Threshold", "number"),
    Column("is_spike", "Spike"),
)

CLUSTER_COLUMNS = (
    Column("cluster_id", "Cluster"),
    Column("ticket_count", "Tickets", "int"),
    Column("affected_accounts", "Accts", "int"),
    Column("affected_arr_usd", "ARR", "usd"),
    Column("first_ticket_at", "First", "when"),
    Column("last_ticket_at", "Last", "when"),
    Column("top_terms", "Top terms", flex=True),
    Column("sample_tickets", "Samples", flex=True, optional=True),
    Column("signature_error_code", "Signature", optional=True),
    Column("signature_status", "Sig. status", optional=True),
    Column("matched_defect_id", "Defect"),
)

TRIAGE_COLUMNS = (
    Column("ticket_id", "Ticket"),
    Column("account_id", "Account"),
    Column("plan_tier", "Tier"),
    Column("subject", "Subject", flex=True),
    Column("triage_class", "Suggestion"),
    Column("confidence", "Conf."),
    Column("defect_id", "Defect"),
    Column("reason", "Why", flex=True),
)

EVIDENCE_COLUMNS = (
    Column("ticket_id", "Ticket"),
    Column("evidence_rank", "#", "int"),
    Column("evidence_kind", "Kind"),
    Column("triage_class", "Points to"),
    Column("confidence", "Conf."),
    Column("defect_id", "Defect"),
    Column("error_code", "Code"),
    Column("http_status", "HTTP", "int"),
    Column("event_count", "Events", "int"),
    Column("baseline_mean", "Usual", "number"),
    Column("is_spike", "Spike"),
    Column("shared_terms", "Shared terms", flex=True),
    Column("template", "Template", flex=True, optional=True),
)


def trends_view(rows: Sequence[Row], fmt: str, title: str) -> str:
    return render(rows, fmt, title=title, columns=TREND_COLUMNS)


def clusters_view(rows: Sequence[Row], fmt: str) -> str:
    return render(rows, fmt, title="Clusters of similar tickets", columns=CLUSTER_COLUMNS)


def triage_view(suggestions: Sequence[Row], evidence: Sequence[Row], fmt: str) -> str:
    """The suggestions; in a terminal, each shown ticket's evidence below them."""
    shown = render(suggestions, fmt, title="Triage suggestions", columns=TRIAGE_COLUMNS)
    if fmt != "table" or not evidence:
        return shown
    return shown + "\n" + render(evidence, fmt, title="Evidence", columns=EVIDENCE_COLUMNS)
