"""The `impact demo` data set: one seeded, simulated month with planted defects."""

from impact.demo.generator import (
    DEMO_AS_OF,
    DEMO_MONTH_START,
    GROUND_TRUTH_FILE,
    REGRESSION_ID,
    DefectTruth,
    FileTruth,
    GroundTruth,
    Totals,
    generate_demo,
)

__all__ = [
    "DEMO_AS_OF",
    "DEMO_MONTH_START",
    "GROUND_TRUTH_FILE",
    "REGRESSION_ID",
    "DefectTruth",
    "FileTruth",
    "GroundTruth",
    "Totals",
    "generate_demo",
]
