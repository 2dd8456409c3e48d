"""What the suites check the tables against: facts the caller reads from the warehouse.

Kept free of GX so callers can build facts without paying for GX's import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from impact.config import SeverityLevels


@dataclass(frozen=True)
class LedgerCount:
    """One raw source: rows in its raw table against the rows the load ledger says it loaded."""

    source: str
    raw_rows: int
    ledger_rows: int


@dataclass(frozen=True)
class ValidationFacts:
    as_of: datetime
    known_account_count: int
    total_arr_usd: Decimal | float
    known_defect_ids: tuple[str, ...] = ()
    ledger: tuple[LedgerCount, ...] = ()
    levels: SeverityLevels = field(default_factory=SeverityLevels)

    def __post_init__(self) -> None:
        # The warehouse keeps naive UTC timestamps; an aware as_of could not be compared to them.
        if self.as_of.tzinfo is not None:
            naive = self.as_of.astimezone(UTC).replace(tzinfo=None)
            object.__setattr__(self, "as_of", naive)
