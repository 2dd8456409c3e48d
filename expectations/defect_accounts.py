"""Suite for `defect_accounts`, and the check that its evidence adds up to `hotfix_priority`."""

from __future__ import annotations

import great_expectations as gx
import pandas as pd

from impact.expectations.facts import ValidationFacts
from impact.expectations.rules import (
    WARNING,
    ExpectContractColumns,
    ExpectCountNotNegative,
    ExpectEvidenceMatchesSummary,
    ExpectPartWithinWhole,
    ExpectSeenByAsOf,
    ExpectSeenInOrder,
)

TABLE = "defect_accounts"
ROLLUP_TABLE = "defect_accounts_rollup"

COLUMNS = (
    "defect_id",
    "account_id",
    "account_name",
    "plan_tier",
    "arr_usd",
    "is_strategic",
    "event_count",
    "ticket_count",
    "escalated_ticket_count",
    "first_seen_at",
    "last_seen_at",
)
COUNT_COLUMNS = ("event_count", "ticket_count", "escalated_ticket_count")
PLAN_TIERS = ("free", "starter", "pro", "business", "enterprise")
# hotfix_priority figures that are sums over the defect's evidence rows.
SUMMED_COLUMNS = ("event_count", "ticket_count", "escalated_ticket_count")


def build_suite(facts: ValidationFacts) -> gx.ExpectationSuite:
    e = gx.expectations
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(COLUMNS), exact_match=False),
            *(
                e.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} is set.")
                for column in ("defect_id", "account_id")
            ),
            e.ExpectCompoundColumnsToBeUnique(
                column_list=["defect_id", "account_id"],
                description="One row per defect and account.",
            ),
            *(ExpectCountNotNegative(column=column, min_value=0) for column in COUNT_COLUMNS),
            ExpectPartWithinWhole(
                column_A="ticket_count", column_B="escalated_ticket_count", or_equal=True
            ),
            ExpectSeenInOrder(
                column_A="last_seen_at",
                column_B="first_seen_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            ExpectSeenByAsOf(column="last_seen_at", max_value=facts.as_of),
            # A warning: events from an account missing in the accounts file still count, but
            # staging labels its tier 'unknown' and it adds no ARR.
            e.ExpectColumnValuesToBeInSet(
                column="plan_tier",
                value_set=list(PLAN_TIERS),
                description="Every affected account is in the accounts file with a known tier.",
                severity=WARNING,
            ),
        ],
    )


def rollup_frame(defect_accounts: pd.DataFrame, hotfix_priority: pd.DataFrame) -> pd.DataFrame:
    """Per defect: hotfix_priority's figures beside the same figures summed from the evidence."""
    evidence = defect_accounts.groupby("defect_id").agg(
        evidence_affected_accounts=("account_id", "size"),
        **{f"evidence_{column}": (column, "sum") for column in SUMMED_COLUMNS},
    )
    summary = hotfix_priority.set_index("defect_id")[["affected_accounts", *SUMMED_COLUMNS]]
    # Floats: GX compares the pairs with ==, which pandas' nullable NA cannot answer.
    rollup = summary.join(evidence, how="outer").astype("float64")
    # No evidence rows means zeros; a defect missing from hotfix_priority keeps nulls and fails.
    rollup[evidence.columns] = rollup[evidence.columns].fillna(0)
    return rollup.reset_index()


def build_rollup_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=ROLLUP_TABLE,
        expectations=[
            ExpectEvidenceMatchesSummary(column_A=column, column_B=f"evidence_{column}")
            for column in ("affected_accounts", *SUMMED_COLUMNS)
        ],
    )
