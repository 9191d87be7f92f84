"""What the seed generator's parts share: the random source, the rows of the chunk being built,
lineage, identifiers and date helpers, and what is known about each generated enterprise.

Dates are handled as proleptic ordinals (`date.toordinal()`) while generating, since integer
arithmetic is much faster than `timedelta`, and become `datetime.date` only in the rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from graph_schema.writes import WRITE_ORDER
from hub.seed.reference import BeltRef, ZoneRef

Row = dict[str, Any]


@dataclass(slots=True)
class EnterpriseInfo:
    """One generated enterprise, as the fact generators need it."""

    index: int
    uscc: str
    name: str
    zone: ZoneRef
    belt: BeltRef | None
    division: str
    registered: int  # ordinal
    status: str
    legal_rep: str  # personKey
    cluster: int | None  # shell-like cluster number within the chunk, if any
    trader: bool
    red_listed: bool
    listed: list[str] = field(default_factory=list)  # list kinds of its active entries


class Emitter:
    """The random source and the rows of one zone being generated, chunk by chunk."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today.toordinal()
        self.chunk = 0
        self.rows: dict[str, list[Row]] = {}
        self.batches: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self.start_chunk(0)

    def start_chunk(self, index: int) -> None:
        self.chunk = index
        self.rows = {kind: [] for kind in WRITE_ORDER}
        self.batches = {kind: f"seed-{self.seed}-{index}-{kind}" for kind in WRITE_ORDER}

    def take_rows(self) -> dict[str, list[Row]]:
        """The rows of the chunk so far, without the kinds that have none."""
        return {kind: rows for kind, rows in self.rows.items() if rows}

    def emit(self, kind: str, row: Row) -> None:
        self.rows[kind].append(row)

    def lineage(self, kind: str, source: str) -> Row:
        return {"source": source, "batch": self.batches[kind]}

    def next_id(self, prefix: str) -> str:
        """A new identifier, unique per prefix and seed: `DEC-42-0000017`."""
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{self.seed}-{n:07d}"

    def day(self, lo: int, hi: int) -> int:
        """A random ordinal in [lo, hi], or hi when the range is empty."""
        return self.rng.randint(lo, hi) if lo < hi else hi

    def recent(self, e: EnterpriseInfo, days: int, after_registration: int = 0) -> int:
        """A day within the last `days` days, not before registration (+ a delay)."""
        return self.day(max(e.registered + after_registration, self.today - days), self.today)

    def money(self, lo: float, hi: float) -> float:
        return round(self.rng.uniform(lo, hi), 2)


def date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def optional_date(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)
