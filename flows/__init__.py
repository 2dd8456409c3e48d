"""Prefect wiring only: flows, tasks and deployments over the library in src/impact."""
