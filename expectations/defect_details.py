"""Suites for the detail tables the reports read: a defect's days, event samples and tickets,
and the deployments. Each defect builder gets the defects hotfix_priority ranks: detail rows of
any other defect would be evidence of nothing. That the details add up to hotfix_priority's
counts is a dbt test (tests/defect_details_add_up_to_hotfix_priority.sql)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import great_expectations as gx

from impact.expectations.facts import ValidationFacts
from impact.expectations.rules import (
    ExpectContractColumns,
    ExpectCountNotNegative,
    ExpectPartWithinWhole,
    ExpectSeenByAsOf,
    ExpectSeenInOrder,
    key_expectations,
)

DAILY_TABLE = "defect_daily_activity"
SAMPLES_TABLE = "defect_event_samples"
TICKETS_TABLE = "defect_tickets"
DEPLOYMENTS_TABLE = "deployments"

SuiteBuilder = Callable[[ValidationFacts, Sequence[str]], gx.ExpectationSuite]


class ExpectRankedDefect(gx.expectations.ExpectColumnValuesToBeInSet):
    description: str = "Every detail row belongs to a defect that hotfix_priority ranks."


def build_daily_suite(facts: ValidationFacts, defect_ids: Sequence[str]) -> gx.ExpectationSuite:
    counts = ("event_count", "ticket_count", "escalated_ticket_count", "affected_accounts")
    return gx.ExpectationSuite(
        name=DAILY_TABLE,
        expectations=[
            ExpectContractColumns(
                column_set=["defect_id", "activity_date", *counts], exact_match=False
            ),
            *key_expectations(("defect_id", "activity_date"), "One row per defect and day."),
            ExpectRankedDefect(column="defect_id", value_set=list(defect_ids)),
            *(ExpectCountNotNegative(column=c, min_value=0) for c in counts),
            ExpectPartWithinWhole(
                column_A="ticket_count", column_B="escalated_ticket_count", or_equal=True
            ),
        ],
    )


def build_samples_suite(facts: ValidationFacts, defect_ids: Sequence[str]) -> gx.ExpectationSuite:
    columns = (
        "defect_id",
        "signature_id",
        "service",
        "endpoint",
        "template",
        "event_count",
        "affected_accounts",
        "first_seen_at",
        "last_seen_at",
        "example_message",
    )
    e = gx.expectations
    return gx.ExpectationSuite(
        name=SAMPLES_TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(columns), exact_match=False),
            *(
                e.ExpectColumnValuesToNotBeNull(column=c, description=f"{c} is set.")
                for c in ("defect_id", "signature_id")
            ),
            # The endpoint may be null, so the key's uniqueness is a dbt test (nulls as values).
            ExpectRankedDefect(column="defect_id", value_set=list(defect_ids)),
            ExpectCountNotNegative(column="event_count", min_value=1),
            ExpectSeenInOrder(column_A="last_seen_at", column_B="first_seen_at", or_equal=True),
            ExpectSeenByAsOf(column="last_seen_at", max_value=facts.as_of),
        ],
    )


def build_tickets_suite(facts: ValidationFacts, defect_ids: Sequence[str]) -> gx.ExpectationSuite:
    columns = (
        "defect_id",
        "ticket_id",
        "account_id",
        "created_at",
        "status",
        "is_escalated",
        "subject",
        "description",
    )
    return gx.ExpectationSuite(
        name=TICKETS_TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(columns), exact_match=False),
            *key_expectations(("defect_id", "ticket_id"), "One row per defect and ticket."),
            ExpectRankedDefect(column="defect_id", value_set=list(defect_ids)),
            ExpectSeenByAsOf(column="created_at", max_value=facts.as_of),
        ],
    )


def build_deployments_suite(
    facts: ValidationFacts, defect_ids: Sequence[str]
) -> gx.ExpectationSuite:
    columns = ("deploy_id", "service", "version", "deployed_at", "description")
    return gx.ExpectationSuite(
        name=DEPLOYMENTS_TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(columns), exact_match=False),
            *key_expectations(("deploy_id",), "One row per deploy."),
            gx.expectations.ExpectColumnValuesToNotBeNull(
                column="deployed_at", description="deployed_at is set."
            ),
            ExpectSeenByAsOf(column="deployed_at", max_value=facts.as_of),
        ],
    )


SUITES: dict[str, SuiteBuilder] = {
    DAILY_TABLE: build_daily_suite,
    SAMPLES_TABLE: build_samples_suite,
    TICKETS_TABLE: build_tickets_suite,
    DEPLOYMENTS_TABLE: build_deployments_suite,
}
