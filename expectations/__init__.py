"""GX suites, one builder per published table."""
