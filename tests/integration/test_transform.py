"""dbt run in-process from a project parsed ahead (impact.transform)."""

from __future__ import annotations

from impact import transform
from impact.config import Settings

# A model built from an ephemeral one: dbt writes the ephemeral model into its SQL as a CTE.
WITH_EPHEMERAL = (
    "--select",
    "+int_tickets_matched_to_recent_signatures",
    "--exclude",
    "tag:assessment",
)


def test_a_project_parsed_ahead_serves_every_later_build(demo_copy: Settings) -> None:
    """A build changes the parsed project it runs from; the next build must not reuse it as it
    is (the ephemeral model's CTE would be missing)."""
    transform.parse(demo_copy)
    for _ in range(2):
        nodes = transform.invoke(demo_copy, "build", *WITH_EPHEMERAL)
        assert "model.impact.int_tickets_matched_to_recent_signatures" in {
            n.unique_id for n in nodes
        }
