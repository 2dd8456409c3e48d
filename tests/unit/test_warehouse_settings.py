"""impact's own connections and dbt's open the warehouse with the same DuckDB settings."""

import yaml

from impact.transform import DBT_PROJECT
from impact.warehouse import SETTINGS


def test_dbt_opens_the_warehouse_with_the_same_settings():
    profile = yaml.safe_load((DBT_PROJECT / "profiles.yml").read_text())
    dbt_settings = profile["impact"]["outputs"]["warehouse"]["settings"]
    # TimeZone is set by impact.warehouse.connect on every connection, not from SETTINGS.
    assert {name: str(value) for name, value in dbt_settings.items() if name != "TimeZone"} == (
        SETTINGS
    )
