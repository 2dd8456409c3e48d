"""Domain rules as named GX Expectations, shared by the suites.

Each rule is a subclass whose snake_case name is the name results and Data Docs show, with
its `description` as a class default. Builders pass the parameters and the severity: GX 1.24
serialises an Expectation with `exclude_defaults=True`, so class defaults are missing from the
configuration it stores and reports (the runner reads descriptions from the Expectation).
Whether a rule blocks publishing is GX's own `severity`: critical blocks, warning does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation, Expectation
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)

WARNING = FailureSeverity.WARNING


class ExpectContractColumns(gx.expectations.ExpectTableColumnsToMatchSet):
    # Builders pass exact_match=False: extra columns are allowed, missing ones are not.
    description: str = "The table has every column the contract gives it."


class ExpectCountNotNegative(gx.expectations.ExpectColumnValuesToBeBetween):
    description: str = "Counts are never negative."


class ExpectSeverityScoreInRange(gx.expectations.ExpectColumnValuesToBeBetween):
    description: str = "The severity score is on a 0-100 scale."


class ColumnPairValuesLevelMatchesScore(ColumnPairMapMetricProvider):
    """Row-wise: the level is the one the score's thresholds give (pandas only: GX's SQL path
    over duckdb-engine is not used here)."""

    condition_metric_name = "column_pair_values.level_matches_score"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("s1", "s2", "s3")

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        column_A: pd.Series,
        column_B: pd.Series,
        s1: float,
        s2: float,
        s3: float,
        **kwargs: Any,
    ) -> pd.Series:
        thresholds = [column_A >= s1, column_A >= s2, column_A >= s3]
        expected = np.select(thresholds, ["S1", "S2", "S3"], "S4")
        return column_B == expected


class ExpectSeverityLevelMatchesScore(ColumnPairMapExpectation):
    """column_A is the score, column_B the level; s1..s3 are the lowest scores of S1..S3."""

    s1: float
    s2: float
    s3: float
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )
    description: str = "The severity level is the one the score's thresholds give (S1..S4)."

    map_metric: ClassVar[str] = "column_pair_values.level_matches_score"
    success_keys: ClassVar[tuple[str, ...]] = ("s1", "s2", "s3", "ignore_row_if", "mostly")


class ExpectRankIsPermutation(gx.expectations.ExpectColumnDistinctValuesToEqualSet):
    # Distinct ranks equal to {1..n} over n rows: no gap, no tie, nothing missing.
    description: str = "Priority ranks are 1..n, each used once."


class ExpectAccountsWithinKnown(gx.expectations.ExpectColumnValuesToBeBetween):
    description: str = "No more accounts are affected than the accounts known."


class ExpectArrAtRiskWithinTotal(gx.expectations.ExpectColumnValuesToBeBetween):
    description: str = "ARR at risk is between 0 and the total ARR of all accounts."


class ExpectPartWithinWhole(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB):
    # column_A is the whole, column_B the part (e.g. affected and repeat-affected accounts).
    description: str = "A subset count never exceeds the count it is part of."


class ExpectSeenInOrder(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB):
    # column_A is last_seen_at, column_B first_seen_at.
    description: str = "First seen is not after last seen."


class ExpectSeenByAsOf(gx.expectations.ExpectColumnValuesToBeBetween):
    description: str = "Nothing is seen after the run's as_of."


class ExpectSnapshotAsOf(gx.expectations.ExpectColumnDistinctValuesToBeInSet):
    description: str = "Every row carries the run's as_of."


class ExpectKnownDefectsPresent(gx.expectations.ExpectColumnDistinctValuesToContainSet):
    description: str = "Every defect in the defects file has a row."


class ExpectEvidenceMatchesSummary(gx.expectations.ExpectColumnPairValuesToBeEqual):
    # column_A is hotfix_priority's figure, column_B the same figure summed from defect_accounts.
    description: str = "The per-account evidence adds up to the defect's figures."


class ExpectRawRowsMatchLedger(gx.expectations.ExpectColumnPairValuesToBeEqual):
    description: str = "Each raw table holds exactly the rows the load ledger says were loaded."


def key_expectations(columns: Sequence[str], what: str) -> list[Expectation]:
    """A table key: every key column set, and the combination unique."""
    e = gx.expectations
    unique: Expectation = (
        e.ExpectCompoundColumnsToBeUnique(column_list=list(columns), description=what)
        if len(columns) > 1
        else e.ExpectColumnValuesToBeUnique(column=columns[0], description=what)
    )
    return [
        *(e.ExpectColumnValuesToNotBeNull(column=c, description=f"{c} is set.") for c in columns),
        unique,
    ]
