"""The arithmetic of the cross-department views, pure: the window's months, the sums by month
with the months that had none, the ratios each department reads, and the refund ceiling the
risk rule REFUNDS_OUT_OF_PROPORTION judges claims against (`hub.risk.scan` calls the same
function, so the view and the alert never disagree on a figure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from graph_schema.dates import add_months

FEN = Decimal("0.01")


def money(value: float | Decimal | None) -> Decimal:
    """A CNY amount from the graph, to the fen (none is zero)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal, denominator: Decimal) -> float | None:
    """`numerator` against `denominator` to four places; None when there is nothing to set it
    against."""
    if denominator <= 0:
        return None
    return round(float(numerator / denominator), 4)


def first_day(today: dt.date, months: int) -> dt.date:
    """The first day of a window of `months` calendar months ending with `today`'s month."""
    return add_months(today.replace(day=1), -(months - 1))


def window_months(today: dt.date, months: int) -> list[str]:
    """The window's months, YYYY-MM, oldest first."""
    start = first_day(today, months)
    return [add_months(start, i).isoformat()[:7] for i in range(months)]


@dataclass(frozen=True)
class MonthTotal:
    """How many facts of one month, and their value."""

    month: str
    count: int
    value_cny: Decimal


@dataclass(frozen=True)
class RefundMonth:
    """Export tax refunds of one month: claims made in it (by status) and refunds paid in it."""

    month: str
    claims: int
    claimed_cny: Decimal
    """Every claim made in the month, whatever became of it."""
    rejected_cny: Decimal
    """Of those, the claims the tax bureau rejected."""
    paid_cny: Decimal
    """Refunds paid in the month (by the day paid, whenever claimed)."""
    counted_cny: Decimal
    """Of the claims, those of the statuses the refund ceiling counts (pending or paid)."""


def month_totals(rows: Iterable[Mapping[str, object]], months: list[str]) -> list[MonthTotal]:
    """One total per month of the window from rows `{month, count, value}`, zero where a month
    has no row; rows outside the window are not counted."""
    found: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        month = str(row["month"])
        count, value = found.get(month, (0, Decimal("0.00")))
        found[month] = (count + int(str(row["count"])), value + money(_number(row["value"])))
    return [MonthTotal(m, *found.get(m, (0, Decimal("0.00")))) for m in months]


def refund_months(
    claimed: Iterable[Mapping[str, object]],
    paid: Iterable[Mapping[str, object]],
    months: list[str],
    counted: Collection[str],
) -> list[RefundMonth]:
    """One row per month of the window from the claims `{month, status, count, value}` (by
    the month claimed) and the payments `{month, value}` (by the month paid); `counted`: the
    statuses of the claims the refund ceiling counts."""
    claims: dict[str, int] = {}
    claimed_cny: dict[str, Decimal] = {}
    rejected: dict[str, Decimal] = {}
    counted_cny: dict[str, Decimal] = {}
    paid_cny: dict[str, Decimal] = {}
    for row in claimed:
        month, value = str(row["month"]), money(_number(row["value"]))
        claims[month] = claims.get(month, 0) + int(str(row["count"]))
        claimed_cny[month] = claimed_cny.get(month, Decimal("0.00")) + value
        if row["status"] == "REJECTED":
            rejected[month] = rejected.get(month, Decimal("0.00")) + value
        if row["status"] in counted:
            counted_cny[month] = counted_cny.get(month, Decimal("0.00")) + value
    for row in paid:
        month = str(row["month"])
        paid_cny[month] = paid_cny.get(month, Decimal("0.00")) + money(_number(row["value"]))
    zero = Decimal("0.00")
    return [
        RefundMonth(
            m,
            claims.get(m, 0),
            claimed_cny.get(m, zero),
            rejected.get(m, zero),
            paid_cny.get(m, zero),
            counted_cny.get(m, zero),
        )
        for m in months
    ]


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal("0.00"))


def refund_ceiling(exported: Decimal, rate: Decimal) -> Decimal:
    """The most export tax refund exports of `exported` yuan could yield at the refund `rate`
    (the highest rate in force), to the fen."""
    return (exported * rate).quantize(FEN, rounding=ROUND_HALF_UP)


def refund_excess(
    claimed: Decimal, exported: Decimal, rate: Decimal, minimum: Decimal
) -> Decimal | None:
    """What the refunds `claimed` are above the ceiling of the `exported` at `rate`, when they
    are out of proportion: above the ceiling and at least `minimum`; None when they are not."""
    over = claimed - refund_ceiling(exported, rate)
    if claimed < minimum or over <= 0:
        return None
    return over


@dataclass(frozen=True)
class RefundsAgainstExports:
    """Customs' and tax's view: the refunds claimed against the exports declared."""

    exported_cny: Decimal
    claimed_cny: Decimal
    """Claims of the counted statuses (pending or paid): what may still be or was refunded."""
    paid_cny: Decimal
    refund_ratio: float | None
    ceiling_rate: Decimal
    ceiling_cny: Decimal
    over_ceiling_cny: Decimal


@dataclass(frozen=True)
class RefundsAgainstReceipts:
    """Tax's view: the refunds claimed against the export proceeds received from abroad."""

    received_cny: Decimal
    claimed_cny: Decimal
    paid_cny: Decimal
    refund_ratio: float | None


@dataclass(frozen=True)
class ReceiptsAgainstExports:
    """SAFE's (and tax's) view: the export proceeds received against the exports declared."""

    exported_cny: Decimal
    received_cny: Decimal
    counted_cny: Decimal
    """Proceeds that count against the window's exports: not those of an earlier export."""
    collection_ratio: float | None


def refunds_against_exports(
    exports: list[MonthTotal], refunds: list[RefundMonth], rate: Decimal
) -> RefundsAgainstExports:
    exported = total(t.value_cny for t in exports)
    claimed = total(r.counted_cny for r in refunds)
    ceiling = refund_ceiling(exported, rate)
    return RefundsAgainstExports(
        exported_cny=exported,
        claimed_cny=claimed,
        paid_cny=total(r.paid_cny for r in refunds),
        refund_ratio=ratio(claimed, exported),
        ceiling_rate=rate,
        ceiling_cny=ceiling,
        over_ceiling_cny=max(claimed - ceiling, Decimal("0.00")),
    )


def refunds_against_receipts(
    received: list[MonthTotal], refunds: list[RefundMonth]
) -> RefundsAgainstReceipts:
    got = total(t.value_cny for t in received)
    claimed = total(r.counted_cny for r in refunds)
    return RefundsAgainstReceipts(
        received_cny=got,
        claimed_cny=claimed,
        paid_cny=total(r.paid_cny for r in refunds),
        refund_ratio=ratio(claimed, got),
    )


def receipts_against_exports(
    exports: list[MonthTotal], received: list[MonthTotal], counted: Decimal
) -> ReceiptsAgainstExports:
    exported = total(t.value_cny for t in exports)
    return ReceiptsAgainstExports(
        exported_cny=exported,
        received_cny=total(t.value_cny for t in received),
        counted_cny=counted,
        collection_ratio=ratio(counted, exported),
    )


def _number(value: object) -> float | Decimal | None:
    if value is None or isinstance(value, float | Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"not an amount: {value!r}")
