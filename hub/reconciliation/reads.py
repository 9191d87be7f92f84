"""One enterprise's trade records of a window, read a section at a time and once: each
section's query runs the first time a view asks for it (a section the caller may not read is
never asked), and the views that share a section share its answer."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from neo4j import AsyncDriver

from hub.reconciliation import cypher
from hub.reconciliation.ratios import (
    MonthTotal,
    RefundMonth,
    first_day,
    money,
    month_totals,
    refund_months,
    total,
    window_months,
)
from hub.repository import read_rows

T = TypeVar("T")


class Once(Generic[T]):
    """The value of `load`, loaded on the first `get` and shared by every later one (also by
    those that ask while it loads)."""

    def __init__(self, load: Callable[[], Awaitable[T]]) -> None:
        self._load = load
        self._lock = asyncio.Lock()
        self._value: tuple[T] | None = None

    async def get(self) -> T:
        async with self._lock:
            if self._value is None:
                self._value = (await self._load(),)
        return self._value[0]


@dataclass(frozen=True)
class Window:
    """The calendar months a view covers: `months` of them, the last being `today`'s."""

    today: dt.date
    months: list[str]

    @classmethod
    def ending(cls, today: dt.date, months: int) -> Window:
        return cls(today, window_months(today, months))

    @property
    def first_day(self) -> dt.date:
        return first_day(self.today, len(self.months))

    @property
    def since(self) -> dt.date:
        """The day before the window: its records are those after it, up to `today`."""
        return self.first_day - dt.timedelta(days=1)


@dataclass(frozen=True)
class Receipts:
    months: list[MonthTotal]
    counted_cny: Decimal
    """What counts against the window's exports (not the proceeds of an earlier export)."""


@dataclass
class EnterpriseTrade:
    """The sections of one enterprise's window, each read once, when first asked."""

    driver: AsyncDriver
    database: str
    uscc: str
    window: Window
    counted_statuses: Collection[str]
    """The refund claims' statuses the refund ceiling counts (the risk rule's)."""
    exports: Once[list[MonthTotal]] = field(init=False)
    receipts: Once[Receipts] = field(init=False)
    refunds: Once[list[RefundMonth]] = field(init=False)

    def __post_init__(self) -> None:
        self.exports = Once(self._exports)
        self.receipts = Once(self._receipts)
        self.refunds = Once(self._refunds)

    async def _rows(self, query: str) -> list[dict[str, Any]]:
        params = {"uscc": self.uscc, "since": self.window.since, "today": self.window.today}
        return await read_rows(self.driver, self.database, query, params)

    async def _exports(self) -> list[MonthTotal]:
        return month_totals(await self._rows(cypher.EXPORTS_BY_MONTH), self.window.months)

    async def _receipts(self) -> Receipts:
        rows = await self._rows(cypher.RECEIPTS_BY_MONTH)
        return Receipts(
            month_totals(rows, self.window.months), total(money(r["counted"]) for r in rows)
        )

    async def _refunds(self) -> list[RefundMonth]:
        [row] = await self._rows(cypher.REFUNDS_BY_MONTH) or [{"claimed": [], "paid": []}]
        return refund_months(row["claimed"], row["paid"], self.window.months, self.counted_statuses)
