"""Suite for `hotfix_priority`, and the load-ledger reconciliation that vouches for its inputs."""

from __future__ import annotations

import great_expectations as gx
import pandas as pd

from impact.expectations.facts import ValidationFacts
from impact.expectations.rules import (
    WARNING,
    ExpectAccountsWithinKnown,
    ExpectArrAtRiskWithinTotal,
    ExpectContractColumns,
    ExpectCountNotNegative,
    ExpectKnownDefectsPresent,
    ExpectPartWithinWhole,
    ExpectRankIsPermutation,
    ExpectRawRowsMatchLedger,
    ExpectSeenByAsOf,
    ExpectSeenInOrder,
    ExpectSeverityLevelMatchesScore,
    ExpectSeverityScoreInRange,
    ExpectSnapshotAsOf,
)

TABLE = "hotfix_priority"
LEDGER_TABLE = "load_ledger"

# The contract's columns (section 4): readers rely on every one of them.
COLUMNS = (
    "priority_rank",
    "defect_id",
    "title",
    "source",
    "severity_score",
    "severity_level",
    "affected_accounts",
    "repeat_affected_accounts",
    "affected_arr_usd",
    "enterprise_accounts",
    "strategic_accounts",
    "ticket_count",
    "escalated_ticket_count",
    "event_count",
    "first_seen_at",
    "last_seen_at",
    "trend",
    "suspected_deploy_id",
    "suspected_version",
    "score_components",
    "category",
    "as_of",
    "run_id",
)
# Set on every row: an accepted-values or range expectation passes a missing value.
REQUIRED_COLUMNS = (
    "defect_id",
    "priority_rank",
    "source",
    "severity_score",
    "severity_level",
    "affected_accounts",
    "repeat_affected_accounts",
    "trend",
)
COUNT_COLUMNS = (
    "affected_accounts",
    "repeat_affected_accounts",
    "enterprise_accounts",
    "strategic_accounts",
    "ticket_count",
    "escalated_ticket_count",
    "event_count",
)
# (whole, part) pairs: each part counts a subset of its whole.
PARTS = (
    ("affected_accounts", "repeat_affected_accounts"),
    ("affected_accounts", "enterprise_accounts"),
    ("affected_accounts", "strategic_accounts"),
    ("ticket_count", "escalated_ticket_count"),
)
TRENDS = ("new", "rising", "steady", "falling", "stopped")
# The defects contract's categories, plus what staging gives a defect without one.
CATEGORIES = ("functional", "performance", "data_integrity", "security", "availability", "unknown")


def build_suite(facts: ValidationFacts, row_count: int) -> gx.ExpectationSuite:
    """`row_count` is the table's: the ranks must be exactly 1..row_count."""
    e = gx.expectations
    levels = facts.levels
    return gx.ExpectationSuite(
        name=TABLE,
        expectations=[
            ExpectContractColumns(column_set=list(COLUMNS), exact_match=False),
            *(
                e.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} is set.")
                for column in REQUIRED_COLUMNS
            ),
            e.ExpectColumnValuesToBeUnique(column="defect_id", description="One row per defect."),
            ExpectRankIsPermutation(
                column="priority_rank", value_set=list(range(1, row_count + 1))
            ),
            ExpectSeverityScoreInRange(column="severity_score", min_value=0, max_value=100),
            ExpectSeverityLevelMatchesScore(
                column_A="severity_score",
                column_B="severity_level",
                s1=levels.s1,
                s2=levels.s2,
                s3=levels.s3,
            ),
            e.ExpectColumnValuesToBeInSet(
                column="source",
                value_set=["known", "suspected"],
                description="A defect is known (defects file) or suspected (emerging signature).",
            ),
            e.ExpectColumnValuesToBeInSet(
                column="trend", value_set=list(TRENDS), description="The trend is a known trend."
            ),
            *(ExpectCountNotNegative(column=column, min_value=0) for column in COUNT_COLUMNS),
            ExpectAccountsWithinKnown(
                column="affected_accounts", max_value=facts.known_account_count
            ),
            *(
                ExpectPartWithinWhole(column_A=whole, column_B=part, or_equal=True)
                for whole, part in PARTS
            ),
            ExpectArrAtRiskWithinTotal(
                column="affected_arr_usd", min_value=0, max_value=float(facts.total_arr_usd)
            ),
            ExpectSeenInOrder(
                column_A="last_seen_at",
                column_B="first_seen_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            ExpectSeenByAsOf(column="last_seen_at", max_value=facts.as_of),
            ExpectSnapshotAsOf(column="as_of", value_set=[facts.as_of]),
            ExpectKnownDefectsPresent(column="defect_id", value_set=list(facts.known_defect_ids)),
            # Warnings: a bad explanation, or a category scored as 'other', leaves ranks sound.
            e.ExpectColumnValuesToBeJsonParseable(
                column="score_components",
                description="The score's explanation is valid JSON.",
                severity=WARNING,
            ),
            e.ExpectColumnValuesToBeInSet(
                column="category",
                value_set=list(CATEGORIES),
                description="The category is one the defects contract lists.",
                severity=WARNING,
            ),
        ],
    )


def ledger_frame(facts: ValidationFacts) -> pd.DataFrame:
    """One row per raw source: rows in its raw table, rows the ledger says were loaded."""
    return pd.DataFrame(
        [(count.source, count.raw_rows, count.ledger_rows) for count in facts.ledger],
        columns=["source", "raw_rows", "ledger_rows"],
    )


def build_ledger_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=LEDGER_TABLE,
        expectations=[ExpectRawRowsMatchLedger(column_A="raw_rows", column_B="ledger_rows")],
    )
