"""What the seed generator's parts share: the random source, the records of the chunk being
built (grouped by record type and sending department), identifiers, date and money helpers, and
what is known about each generated enterprise.

Dates are handled as proleptic ordinals (`date.toordinal()`) while generating, since integer
arithmetic is much faster than `timedelta`, and become `YYYY-MM-DD` strings in the records;
money is a float while generating and a decimal string with two places (`"1234.50"`) in the
records, exactly as an agency's system would put them in a batch.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, field
from typing import Any

from graph_schema.model import Department
from hub.seed.reference import BeltRef, PlaceRef, ZoneRef

RawRecord = dict[str, Any]
"""A record as an agency sends it: camelCase keys, JSON values (see
docs/connectors-record-types.md)."""

BatchKey = tuple[str, Department]
"""(record type, sending department): the records of one key go into the same batches."""


@dataclass(slots=True)
class EnterpriseInfo:
    """One generated enterprise, as the fact generators need it."""

    index: int
    uscc: str
    entity_type: str  # USCC character 2 under authority 9: 1 enterprise, 2 individual
    # business, 3 farmers' cooperative
    name: str  # the registered name, in Chinese: 开封市尚鼎跨境电子商务有限公司
    name_en: str  # the English name beside it: Kaifeng Shangding Cross-border E-commerce ...
    brand_en: str  # the trade name (字号) in pinyin: Shangding
    zone: ZoneRef
    place: PlaceRef  # the district or county of its registered address
    belt: BeltRef | None
    division: str
    registered: int  # ordinal
    status: str
    legal_rep: str  # the legal representative's ID number
    cluster: int | None  # shell-like cluster number within the chunk, if any
    trader: bool
    red_listed: bool
    restored: bool  # once on the abnormal-operation list, removed since
    listed: list[str] = field(default_factory=list)  # list kinds of its active entries
    # (list kind, listed, first day no longer in force or None) of each entry on it
    periods: list[tuple[str, int, int | None]] = field(default_factory=list)
    first_export: int | None = None  # the day of its first export declaration


class Emitter:
    """The random source and the records of one zone being generated, chunk by chunk."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today.toordinal()
        self.records: dict[BatchKey, list[RawRecord]] = {}
        self._counters: dict[str, int] = {}

    def take_records(self) -> dict[BatchKey, list[RawRecord]]:
        """The records of the chunk so far; the next chunk starts empty."""
        records, self.records = self.records, {}
        return records

    def emit(self, record_type: str, department: Department, record: RawRecord) -> None:
        """Add `record` of `record_type`, to be sent by `department`'s connector."""
        bucket = self.records.get((record_type, department))
        if bucket is None:
            bucket = self.records[(record_type, department)] = []
        bucket.append(record)

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

    def round_money(self, lo: int, hi: int, step: int) -> float:
        """A multiple of `step` yuan in [lo, hi], as a decision states a fine."""
        return float(step * self.rng.randint(-(-lo // step), hi // step))


@functools.lru_cache(maxsize=65536)
def iso(ordinal: int) -> str:
    """The `YYYY-MM-DD` of a proleptic ordinal."""
    return dt.date.fromordinal(ordinal).isoformat()


def optional_iso(ordinal: int | None) -> str | None:
    return None if ordinal is None else iso(ordinal)


def date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def cny(amount: float) -> str:
    """An amount in yuan as a record sends it: a decimal string with two places."""
    return f"{amount:.2f}"
