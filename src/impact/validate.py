"""Data-quality gates: run the GX suites on the tables a run would publish.

The caller reads the tables from DuckDB into pandas: GX's SQL path over duckdb-engine is broken
in GX 1.x (issues 10738, 11579). GX is imported inside the functions because its import costs
seconds that CLI commands which do not validate should not pay.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from impact.expectations.facts import ValidationFacts

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations import ExpectationSuite
    from great_expectations.core import ExpectationSuiteValidationResult, RunIdentifier
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.datasource.fluent.pandas_datasource import DataFrameAsset
    from great_expectations.expectations.expectation import Expectation

REQUIRED_TABLES = ("hotfix_priority", "defect_accounts")
OPTIONAL_TABLES = (
    "emerging_signatures",
    "defect_daily_activity",
    "defect_event_samples",
    "defect_tickets",
    "deployments",
    # Ticket analytics (expectations/ticket_analytics.py).
    "ticket_clusters",
    "ticket_cluster_members",
    "ticket_volume_trends",
    "triage_suggestions",
    "triage_evidence",
)
DETAIL_LIMIT = 200
EXAMPLES = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    table: str
    expectation: str
    description: str
    blocking: bool
    success: bool
    unexpected_count: int | None
    detail: str


@dataclass(frozen=True)
class ValidationReport:
    results: list[ExpectationOutcome]
    docs_index: Path | None = None

    @property
    def failed_blocking(self) -> list[str]:
        """`table.expectation` of every blocking expectation that failed."""
        return [f"{r.table}.{r.expectation}" for r in self.results if r.blocking and not r.success]

    @property
    def passed(self) -> bool:
        """True when no blocking expectation failed: the tables may be published."""
        return not self.failed_blocking


@dataclass(frozen=True)
class Validation:
    """Validated tables, whose Data Docs `write_docs` writes (when they were asked for)."""

    report: ValidationReport
    context: AbstractDataContext

    def write_docs(self) -> None:
        if self.report.docs_index is not None:
            self.context.build_data_docs()


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    facts: ValidationFacts,
    docs_dir: Path | None = None,
) -> ValidationReport:
    """Validate the tables (`run_suites`); with `docs_dir`, GX Data Docs are written there."""
    validation = run_suites(tables, facts, docs_dir)
    validation.write_docs()
    return validation.report


def run_suites(
    tables: Mapping[str, pd.DataFrame],
    facts: ValidationFacts,
    docs_dir: Path | None = None,
) -> Validation:
    """Validate `hotfix_priority`, `defect_accounts` and, when given, `emerging_signatures`.

    Also checks what no single table shows: the evidence adds up per defect, and each raw table
    holds the rows the load ledger recorded. With `docs_dir`, the report names the Data Docs
    that `Validation.write_docs` writes there.
    """
    unknown = sorted(set(tables) - set(REQUIRED_TABLES) - set(OPTIONAL_TABLES))
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if unknown or missing:
        raise ValueError(
            f"cannot validate: tables missing {missing}, tables with no suite {unknown}"
        )

    context = _context(docs_dir)
    checks = _checks(tables, facts)
    run_id = _run_id(facts)
    outcomes: list[ExpectationOutcome] = []
    source = context.data_sources.add_pandas("impact")
    for table, frame, suite in checks:
        suite_result = _run(context, source.add_dataframe_asset(table), table, frame, suite, run_id)
        # Name, description and severity come from the suite's Expectations, not the results:
        # GX drops class-level defaults (our rules' descriptions) from the config it reports.
        by_id = {expectation.id: expectation for expectation in suite.expectations}
        for result in suite_result.results:
            assert result.expectation_config is not None  # set on every result of a suite
            outcomes.append(_outcome(table, by_id[result.expectation_config.id], result))

    docs_index = None if docs_dir is None else docs_dir / "index.html"
    return Validation(ValidationReport(results=outcomes, docs_index=docs_index), context)


def import_gx() -> None:
    """Import GX ahead of validating (the audit process does, while the run builds)."""
    _switch_off_gx_analytics()
    import great_expectations  # noqa: F401


def _switch_off_gx_analytics() -> None:
    # The documented switch; this GX build also sends nothing from an ephemeral context.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"


def _context(docs_dir: Path | None) -> AbstractDataContext:
    _switch_off_gx_analytics()
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    # mode="ephemeral": never a GX Cloud context, even if GX_CLOUD_* variables are set.
    context = gx.get_context(mode="ephemeral", project_config=config)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(
            "impact",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir.resolve()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _checks(
    tables: Mapping[str, pd.DataFrame], facts: ValidationFacts
) -> list[tuple[str, pd.DataFrame, ExpectationSuite]]:
    """(name, frame, suite) for each table, and for the frames the cross-table checks build."""
    from impact.expectations import (
        defect_accounts,
        defect_details,
        emerging_signatures,
        hotfix_priority,
        ticket_analytics,
    )

    priority = tables[hotfix_priority.TABLE]
    evidence = tables[defect_accounts.TABLE]
    checks = [
        (hotfix_priority.TABLE, priority, hotfix_priority.build_suite(facts, len(priority))),
        (defect_accounts.TABLE, evidence, defect_accounts.build_suite(facts)),
        (
            defect_accounts.ROLLUP_TABLE,
            defect_accounts.rollup_frame(evidence, priority),
            defect_accounts.build_rollup_suite(),
        ),
        (
            hotfix_priority.LEDGER_TABLE,
            hotfix_priority.ledger_frame(facts),
            hotfix_priority.build_ledger_suite(),
        ),
    ]
    if emerging_signatures.TABLE in tables:
        signatures = tables[emerging_signatures.TABLE]
        checks.append(
            (emerging_signatures.TABLE, signatures, emerging_signatures.build_suite(facts))
        )
    ranked = priority["defect_id"].tolist()
    for table, build in defect_details.SUITES.items():
        if table in tables:
            checks.append((table, tables[table], build(facts, ranked)))
    for table, build_suite in ticket_analytics.SUITES.items():
        if table in tables:
            checks.append((table, tables[table], build_suite(facts)))
    return checks


def _run_id(facts: ValidationFacts) -> RunIdentifier:
    from great_expectations.core.run_identifier import RunIdentifier

    # One run identifier for every table, so Data Docs group them under one run.
    return RunIdentifier(run_name=f"as-of-{facts.as_of:%Y%m%dT%H%M%S}", run_time=datetime.now(UTC))


def _run(
    context: AbstractDataContext,
    asset: DataFrameAsset,
    table: str,
    frame: pd.DataFrame,
    suite: ExpectationSuite,
    run_id: RunIdentifier,
) -> ExpectationSuiteValidationResult:
    import great_expectations as gx

    definition = gx.ValidationDefinition(
        name=table,
        data=asset.add_batch_definition_whole_dataframe(table),
        suite=context.suites.add(suite),
    )
    # A stored definition stores its results, which is what Data Docs are built from.
    definition = context.validation_definitions.add(definition)
    return definition.run(
        batch_parameters={"dataframe": frame}, result_format="BASIC", run_id=run_id
    )


def _outcome(
    table: str, expectation: Expectation, result: ExpectationValidationResult
) -> ExpectationOutcome:
    from great_expectations.expectations.metadata_types import FailureSeverity

    kwargs = expectation.configuration.kwargs
    columns = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    columns += kwargs.get("column_list", [])
    name = expectation.configuration.type
    unexpected_count, detail = _summary(result.result, result.exception_info)
    return ExpectationOutcome(
        table=table,
        expectation=f"{name}[{','.join(columns)}]" if columns else name,
        description=expectation.description or "",
        blocking=expectation.severity == FailureSeverity.CRITICAL,
        success=bool(result.success),
        unexpected_count=unexpected_count,
        detail=detail[:DETAIL_LIMIT],
    )


def _summary(result: dict[str, Any], exception_info: dict[str, Any]) -> tuple[int | None, str]:
    """How many values broke the rule, and one short line of them, whatever the rule's kind."""
    errors = _exception_messages(exception_info)
    if errors:
        return None, "error: " + "; ".join(errors)
    if "partial_missing_list" in result:
        # Set rules: values the column should hold but does not.
        missing, missing_count = result["partial_missing_list"], result.get("missing_count", 0)
    else:
        # Map rules use missing_count for nulls, which they skip; column rules list columns.
        missing = ((result.get("details") or {}).get("mismatched") or {}).get("missing") or []
        missing_count = len(missing)
    unexpected = result.get("partial_unexpected_list") or []
    examples = (("missing", missing), ("unexpected", unexpected))
    detail = "; ".join(f"{label}: {_values(values)}" for label, values in examples if values)
    return int(result.get("unexpected_count") or 0) + int(missing_count), detail


def _exception_messages(exception_info: dict[str, Any]) -> list[str]:
    # An expectation's own error sits at the top level; metric errors are keyed by metric.
    infos = [exception_info, *(v for v in exception_info.values() if isinstance(v, dict))]
    return [str(info["exception_message"]) for info in infos if info.get("raised_exception")]


def _values(values: list[Any]) -> str:
    shown = ", ".join(_value(value) for value in values[:EXAMPLES])
    return shown + (", ..." if len(values) > EXAMPLES else "")


def _value(value: Any) -> str:
    # str(), not repr(): numpy scalars would read np.float64(50.0).
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_value(item) for item in value) + ")"
    return str(value)
