"""Suite for `emerging_signatures`: new or spiking error signatures."""

from __future__ import annotations

import great_expectations as gx

from impact.expectations.facts import ValidationFacts
from impact.expectations.rules import (
    ExpectAccountsWithinKnown,
    ExpectContractColumns,
    ExpectCountNotNegative,
    ExpectSeenByAsOf,
)

TABLE = "emerging_signatures"

COLUMNS = (
    "signature_id",
    "template",
    "service",
    "first_seen_at",
    "event_count",
    "affected_accounts",
    "ticket_count",
    "suspected_deploy_id",
    "suspected_version",
    "status",
    "matched_defect_id",
)
COUNT_COLUMNS = ("event_count", "affected_accounts", "ticket_count")
STATUSES = ("new_after_deploy", "spiking")


def build_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    e = gx.expectations
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(COLUMNS), exact_match=False),
            *(
                e.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} is set.")
                for column in ("signature_id", "status")
            ),
            e.ExpectColumnValuesToBeUnique(
                column="signature_id", description="One row per signature."
            ),
            e.ExpectColumnValuesToBeInSet(
                column="status",
                value_set=list(STATUSES),
                description="A signature is new after a deploy or spiking.",
            ),
            *(ExpectCountNotNegative(column=column, min_value=0) for column in COUNT_COLUMNS),
            ExpectAccountsWithinKnown(
                column="affected_accounts", max_value=facts.known_account_count
            ),
            ExpectSeenByAsOf(column="first_seen_at", max_value=facts.as_of),
            e.ExpectColumnValuesToBeInSet(
                column="matched_defect_id",
                value_set=list(facts.known_defect_ids),
                description="A matched defect is a defect in the defects file.",
            ),
        ],
    )
