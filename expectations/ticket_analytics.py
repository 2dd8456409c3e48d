"""Suites for the ticket analytics tables: clusters of similar tickets (the sibling of
emerging_signatures) in full, and the key of each other table. That clusters are closed under
similarity, suggestions follow their evidence and members belong to a listed cluster are dbt
tests (dbt_project/)."""

from __future__ import annotations

from collections.abc import Callable

import great_expectations as gx

from impact.expectations.facts import ValidationFacts
from impact.expectations.rules import (
    ExpectAccountsWithinKnown,
    ExpectContractColumns,
    ExpectCountNotNegative,
    ExpectSeenByAsOf,
    ExpectSeenInOrder,
    key_expectations,
)

CLUSTERS_TABLE = "ticket_clusters"
MEMBERS_TABLE = "ticket_cluster_members"
TRENDS_TABLE = "ticket_volume_trends"
SUGGESTIONS_TABLE = "triage_suggestions"
EVIDENCE_TABLE = "triage_evidence"
TRIAGE_CLASSES = ("product_defect", "suspected_defect", "configuration", "user_error_or_question")
TREND_DIMENSIONS = ("all", "tag", "classification", "channel", "plan_tier")

CLUSTER_COLUMNS = (
    "cluster_id",
    "ticket_count",
    "affected_accounts",
    "affected_arr_usd",
    "first_ticket_at",
    "last_ticket_at",
    "top_terms",
    "sample_tickets",
    "signature_id",
    "matched_defect_id",
)

SuiteBuilder = Callable[[ValidationFacts], gx.ExpectationSuite]


class ExpectClusterOfSeveralTickets(gx.expectations.ExpectColumnValuesToBeBetween):
    description: str = "A reported cluster holds at least two tickets."


def build_clusters_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    e = gx.expectations
    return gx.ExpectationSuite(
        name=CLUSTERS_TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(CLUSTER_COLUMNS), exact_match=False),
            *key_expectations(("cluster_id",), "One row per cluster."),
            ExpectClusterOfSeveralTickets(column="ticket_count", min_value=2),
            ExpectCountNotNegative(column="affected_arr_usd", min_value=0),
            ExpectAccountsWithinKnown(
                column="affected_accounts", max_value=facts.known_account_count
            ),
            ExpectSeenInOrder(column_A="last_ticket_at", column_B="first_ticket_at", or_equal=True),
            ExpectSeenByAsOf(column="last_ticket_at", max_value=facts.as_of),
            e.ExpectColumnValuesToBeInSet(
                column="matched_defect_id",
                value_set=list(facts.known_defect_ids),
                description="A matched defect is a defect in the defects file.",
            ),
        ],
    )


def build_members_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=MEMBERS_TABLE,
        expectations=key_expectations(("ticket_id",), "A ticket belongs to at most one cluster."),
    )


def build_trends_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=TRENDS_TABLE,
        expectations=[
            *key_expectations(
                ("dimension", "dimension_value", "window_start"),
                "One row per series and window.",
            ),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="dimension",
                value_set=list(TREND_DIMENSIONS),
                description="A series is the total or one of the four dimensions.",
            ),
            ExpectCountNotNegative(column="ticket_count", min_value=0),
        ],
    )


def build_suggestions_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    e = gx.expectations
    return gx.ExpectationSuite(
        name=SUGGESTIONS_TABLE,
        expectations=[
            *key_expectations(("ticket_id",), "One suggestion per ticket."),
            e.ExpectColumnValuesToBeInSet(
                column="triage_class",
                value_set=list(TRIAGE_CLASSES),
                description="A suggestion is one of the four triage classes.",
            ),
            e.ExpectColumnValuesToBeBetween(
                column="confidence",
                min_value=0,
                max_value=1,
                description="Confidence is between 0 and 1.",
            ),
        ],
    )


def build_evidence_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=EVIDENCE_TABLE,
        expectations=key_expectations(
            ("ticket_id", "evidence_rank"), "Evidence is ranked once per ticket."
        ),
    )


SUITES: dict[str, SuiteBuilder] = {
    CLUSTERS_TABLE: build_clusters_suite,
    MEMBERS_TABLE: build_members_suite,
    TRENDS_TABLE: build_trends_suite,
    SUGGESTIONS_TABLE: build_suggestions_suite,
    EVIDENCE_TABLE: build_evidence_suite,
}
