"""How the severity components read in words, for the bug report and the HTML report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def percent(value: Any) -> str:
    return f"{float(value or 0) * 100:.1f}%"


def count(value: Any) -> str:
    return f"{float(value or 0):g}"


COMPONENT_MEANINGS: dict[str, Callable[[Any], str]] = {
    "reach": lambda v: f"{percent(v)} of active accounts are affected",
    "revenue": lambda v: f"{percent(v)} of active ARR is on affected accounts",
    "tier": lambda v: f"{count(v)} enterprise or strategic accounts (each flag counts)",
    "intensity": lambda v: f"{percent(v)} of active accounts hit it 2 or more times",
    "voice": lambda v: f"{count(v)} tickets plus escalations",
    "trend": lambda v: f"the trend is {v} (urgency)",
    "category": lambda v: f"the category is {v} (urgency)",
}
