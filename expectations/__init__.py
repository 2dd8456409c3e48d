"""GX suites, one builder per published table.

Only the facts are exported here: the suite modules import GX (seconds), so they are imported
where a validation runs.
"""

from impact.expectations.facts import LedgerCount, ValidationFacts

__all__ = ["LedgerCount", "ValidationFacts"]
