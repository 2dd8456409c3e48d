"""The `impact` command starts light: the libraries that take seconds to import are imported by
the steps that use them, so read-only commands and `impact assess` (with the assessment
service) do not pay for them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("dbt", "great_expectations", "pandas", "matplotlib", "prefect", "plotly")


def test_importing_the_command_imports_no_heavy_library() -> None:
    probe = f"import sys, impact.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []
