"""The Prefect flows run the real pipeline and leave their artifacts with stable keys."""

from __future__ import annotations

from datetime import datetime

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from impact.flows.assess import assess_defect, bug_report_key
from impact.flows.daily import PRIORITY_ARTIFACT_KEY, daily_impact_run, ingest_landing
from tests.fixtures.demo import published_rows
from tests.fixtures.files import write_rows

AS_OF = datetime(2026, 11, 1)


def _artifacts(key: str) -> list:
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )


def test_daily_flow_publishes_and_leaves_the_priority_table(demo_copy):
    run = daily_impact_run(home=str(demo_copy.home), as_of=AS_OF)
    assert run.snapshot is not None and run.snapshot.name == run.run_id
    [artifact] = _artifacts(PRIORITY_ARTIFACT_KEY)
    assert artifact.type == "table"
    assert "BUG-501" in str(artifact.data)


def test_assess_flow_writes_the_bug_report_artifact(demo_copy):
    result = assess_defect(defect_id="BUG-501", as_of=AS_OF, home=str(demo_copy.home))
    assert result.impact["repeat_affected_accounts"] == 38
    [artifact] = _artifacts(bug_report_key("BUG-501"))
    assert artifact.type == "markdown"
    assert "38 hit 2 or more times" in str(artifact.data)


def test_ingest_landing_flow_loads_new_files_and_refreshes(demo_copy):
    write_rows(
        demo_copy.landing / "defects" / "more_defects.json",
        [
            {
                "defect_id": "BUG-900",
                "title": "Rate limiter, again",
                "service": "api",
                "error_codes": ["RATE_LIMIT_MISCOUNT"],
            },
        ],
    )
    run = ingest_landing(home=str(demo_copy.home), as_of=AS_OF)
    assert [load.rows_loaded for load in run.loads] == [1]
    [row] = published_rows(
        demo_copy, "select affected_accounts from hotfix_priority where defect_id = 'BUG-900'"
    )
    assert row["affected_accounts"] == 3
