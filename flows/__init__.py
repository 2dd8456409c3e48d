"""Prefect wiring only."""
