"""Landing-zone ingestion: every input row is loaded, quarantined with a reason, or counted
as a duplicate."""
