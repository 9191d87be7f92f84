"""The financing profile's arithmetic: an enterprise's last 12 months of trade-finance facts
summed by month, mode and status, with the ratios a lender reads and where each section's facts
come from. Pure functions over `FinancingFacts`; reading them is `hub.financing.profile`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from graph_schema.dates import add_months
from hub.credit.facts import OrderCheck
from hub.financing.profile import FinancingFacts
from hub.reconciliation.ratios import MonthTotal, window_months

MONTHS = 12
"""The profile looks back this many months from its day."""


def window_start(today: dt.date) -> dt.date:
    """The day before the profile's window: its facts are those after it, up to `today`."""
    return add_months(today, -MONTHS)


@dataclass(frozen=True)
class Provenance:
    """The departments a section's facts come from, and the date of the newest."""

    departments: list[str]
    newest_fact: dt.date | None


@dataclass(frozen=True)
class ModeMonthTotal(MonthTotal):
    """Export declarations of one month under one customs mode."""

    mode: str


@dataclass(frozen=True)
class Warehouse:
    id: str
    name: str
    country: str
    city: str
    stock_value_cny: Decimal
    stock_as_of: dt.date | None


@dataclass(frozen=True)
class Refunds:
    """Export tax refunds claimed in the window, by status."""

    claimed_cny: Decimal
    paid_cny: Decimal
    pending_cny: Decimal
    rejected_cny: Decimal
    provenance: Provenance


@dataclass(frozen=True)
class Loans:
    """Loans of other lenders, counted by status."""

    current: int
    overdue: int
    default: int
    provenance: Provenance


@dataclass(frozen=True)
class FinancingSummary:
    exports: list[ModeMonthTotal]
    exports_provenance: Provenance
    returns: list[MonthTotal]
    returns_provenance: Provenance
    return_rate: float | None
    """Value returned against value exported."""
    export_receipts: list[MonthTotal]
    """Export proceeds received from abroad (`fx.export_receipt@1`), by month."""
    export_receipts_provenance: Provenance
    collection_ratio: float | None
    """Export proceeds received against the exports declared, every mode."""
    domestic_payments: list[MonthTotal]
    """Payments received from Chinese enterprises (`bank.trade_payment@1`): payment flow, not
    collections."""
    domestic_payments_provenance: Provenance
    three_document_match_rate: float | None
    warehouses: list[Warehouse]
    warehouses_provenance: Provenance
    refunds: Refunds
    loans: Loans
    data_quality: list[str]
    """Months or sections without data."""


def money(value: float) -> Decimal:
    """A CNY amount from the graph, to the fen."""
    return Decimal(str(round(value, 2)))


def provenance(
    facts: Sequence[Mapping[str, Any]], departments: Mapping[str, str], date_key: str
) -> Provenance:
    found = sorted({departments[f["source"]] for f in facts if f.get("source") in departments})
    dates = [f[date_key] for f in facts if f.get(date_key) is not None]
    return Provenance(departments=found, newest_fact=max(dates) if dates else None)


K = TypeVar("K")


def tally(
    facts: Iterable[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], K]
) -> dict[K, tuple[int, float]]:
    """How many facts, and their total `value`, by `key`."""
    found: dict[K, tuple[int, float]] = {}
    for fact in facts:
        count, total = found.get(key(fact), (0, 0.0))
        found[key(fact)] = (count + 1, total + fact["value"])
    return found


def month_totals(tallied: Mapping[str, tuple[int, float]]) -> list[MonthTotal]:
    """`tally` by month as `MonthTotal`s, oldest month first."""
    return [
        MonthTotal(month=m, count=n, value_cny=money(v)) for m, (n, v) in sorted(tallied.items())
    ]


def months_of(today: dt.date) -> list[str]:
    """The window's months, YYYY-MM, oldest first."""
    return window_months(today, MONTHS)


def match_rate(orders: Iterable[OrderCheck], today: dt.date) -> float | None:
    """The share of the window's orders whose three documents match (None without orders)."""
    recent = [o for o in orders if o.ordered_on > window_start(today)]
    return round(sum(o.matched for o in recent) / len(recent), 4) if recent else None


def summarise(
    facts: FinancingFacts, orders: Iterable[OrderCheck], today: dt.date
) -> FinancingSummary:
    """The profile's sections from the window's facts and the enterprise's checked orders."""
    by_month_mode = tally(facts.exports, lambda d: (d["month"], d["mode"]))
    returned = tally(facts.returns, lambda r: r["month"])
    received = tally(facts.receipts, lambda c: c["month"])
    domestic = tally(facts.domestic_payments, lambda c: c["month"])
    exported = sum(d["value"] for d in facts.exports)
    # proceeds of an export declared before the window belong to that export's window
    total_received = sum(c["value"] for c in facts.receipts if c.get("counts", True))
    refunds: dict[str, float] = defaultdict(float)
    for r in facts.refunds:
        refunds[r["status"]] += r["amountCny"]
    loans: dict[str, int] = defaultdict(int)
    for loan in facts.loans:
        loans[loan["status"]] += 1
    months_with_exports = {month for month, _ in by_month_mode}
    missing = [m for m in months_of(today) if m not in months_with_exports]
    quality = [f"no export declared in {', '.join(missing)}"] if missing else []
    if not facts.warehouses:
        quality.append("no overseas warehouse reported")
    return FinancingSummary(
        exports=[
            ModeMonthTotal(month=m, mode=mode, count=n, value_cny=money(v))
            for (m, mode), (n, v) in sorted(by_month_mode.items())
        ],
        exports_provenance=provenance(facts.exports, facts.departments, "on"),
        returns=month_totals(returned),
        returns_provenance=provenance(facts.returns, facts.departments, "on"),
        return_rate=(
            round(sum(r["value"] for r in facts.returns) / exported, 4) if exported else None
        ),
        export_receipts=month_totals(received),
        export_receipts_provenance=provenance(facts.receipts, facts.departments, "on"),
        collection_ratio=round(total_received / exported, 4) if exported else None,
        domestic_payments=month_totals(domestic),
        domestic_payments_provenance=provenance(facts.domestic_payments, facts.departments, "on"),
        three_document_match_rate=match_rate(orders, today),
        warehouses=[
            Warehouse(
                id=w["id"],
                name=w["name"],
                country=w["country"],
                city=w["city"],
                stock_value_cny=money(w["stockValueCny"]),
                stock_as_of=w.get("stockAsOf"),
            )
            for w in facts.warehouses
        ],
        warehouses_provenance=provenance(facts.warehouses, facts.departments, "stockAsOf"),
        refunds=Refunds(
            claimed_cny=money(sum(refunds.values())),
            paid_cny=money(refunds["PAID"]),
            pending_cny=money(refunds["CLAIMED"]),
            rejected_cny=money(refunds["REJECTED"]),
            provenance=provenance(facts.refunds, facts.departments, "claimedOn"),
        ),
        loans=Loans(
            current=loans["CURRENT"],
            overdue=loans["OVERDUE"],
            default=loans["DEFAULT"],
            provenance=provenance(facts.loans, facts.departments, "grantedOn"),
        ),
        data_quality=quality,
    )
