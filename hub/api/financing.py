"""financingProfile(uscc) for banks and insurers (scope financing:read), under consent.

A bank sees the profile only of an enterprise it may see (row policy: an active consent naming
it) whose active consent also covers `financing:read`; otherwise the answer is null, as for an
unknown enterprise. Every section names the departments its facts come from and the date of
the newest fact behind it. Loans of other lenders are counted by status, never named.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import strawberry

from auth.policy import list_scope
from graph_schema.dates import add_months
from hub.api.context import Info
from hub.api.credit import credit_profile
from hub.credit.reads import enterprise_coverage
from hub.financing import financing_consent, financing_facts

MONTHS = 12


@strawberry.type(description="Where a section's facts come from, and how fresh they are.")
class Provenance:
    departments: list[str]
    newest_fact: dt.date | None


@strawberry.type(description="Exports declared in one month under one customs mode.")
class MonthlyExports:
    month: str
    mode: str
    declarations: int
    value_cny: Decimal


@strawberry.type(description="Payments collected in one month.")
class MonthlyCollections:
    month: str
    payments: int
    value_cny: Decimal


@strawberry.type
class WarehouseStock:
    id: str
    name: str
    country: str
    city: str
    stock_value_cny: Decimal
    stock_as_of: dt.date | None


@strawberry.type(description="Export tax refunds claimed in the 12 months, by status.")
class RefundSummary:
    claimed_cny: Decimal
    paid_cny: Decimal
    pending_cny: Decimal
    rejected_cny: Decimal
    provenance: Provenance


@strawberry.type(description="Goods of exports that came back, in one month.")
class MonthlyReturns:
    month: str
    returns: int
    value_cny: Decimal


@strawberry.type(description="Loans reported by other lenders, counted by status.")
class LoanSummary:
    current: int
    overdue: int
    default: int
    provenance: Provenance


@strawberry.type(description="A financing view of an enterprise's last 12 months.")
class FinancingProfile:
    uscc: str
    as_of: dt.date
    consent_id: str = strawberry.field(description="The consent this pull is made under.")
    purpose: str
    exports: list[MonthlyExports]
    exports_provenance: Provenance
    returns: list[MonthlyReturns] = strawberry.field(
        description="Returned goods by the month they came back (customs.return@1)."
    )
    returns_provenance: Provenance
    return_rate: float | None = strawberry.field(
        description="Value returned against value exported over the 12 months."
    )
    collections: list[MonthlyCollections]
    collections_provenance: Provenance
    collection_ratio: float | None = strawberry.field(
        description="Collected against declared exports over the 12 months."
    )
    three_document_match_rate: float | None
    warehouses: list[WarehouseStock]
    warehouses_provenance: Provenance
    refunds: RefundSummary
    loans: LoanSummary
    grade: str | None = strawberry.field(
        description="The zone's grade: needs a consent covering credit:read too."
    )
    score: int | None = strawberry.field(
        description="The zone's score: needs a consent covering credit:read too."
    )
    factor_summary: list[str] | None = strawberry.field(
        description="Each factor's code and points (credit:explain, and a consent covering "
        "credit:read)."
    )
    listed: bool | None = strawberry.field(
        description="An authoritative list entry is in force (null without a consent covering "
        "credit:read: list status is credit data)."
    )
    bank_measures: list[str] | None = strawberry.field(
        description="Joint measures for banks (null without a consent covering credit:read)."
    )
    data_quality: list[str] = strawberry.field(description="Months or sections without data.")


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _provenance(
    facts: list[dict[str, Any]], departments: dict[str, str], date_key: str
) -> Provenance:
    found = sorted({departments[f["source"]] for f in facts if f.get("source") in departments})
    dates = [f[date_key] for f in facts if f.get(date_key) is not None]
    return Provenance(departments=found, newest_fact=max(dates) if dates else None)


K = TypeVar("K")


def _tally(facts: list[dict[str, Any]], key: Callable[[dict[str, Any]], K]) -> dict[K, list[float]]:
    """How many facts, and their total `value`, by `key`."""
    tally: dict[K, list[float]] = defaultdict(lambda: [0, 0.0])
    for fact in facts:
        tally[key(fact)][0] += 1
        tally[key(fact)][1] += fact["value"]
    return tally


def _months(today: dt.date) -> list[str]:
    return [add_months(today, -i).isoformat()[:7] for i in range(MONTHS - 1, -1, -1)]


async def financing_profile(info: Info, uscc: str) -> FinancingProfile | None:
    principal = info.context.principal
    state = info.context.request.app.state
    now = info.context.now
    today = now.date()
    # the row policy first; the grade and score show only under a consent covering credit:read
    # too (the catalog's FinancingProfile.grade rule; `hub.api.access` checks it)
    profile = await credit_profile(info, uscc, today, consent_scope=None)
    if profile is None:
        return None
    consent = None
    if principal.institution is not None:
        consent = await financing_consent(
            state.driver, state.settings.neo4j_database, uscc, principal.institution, now
        )
    if consent is None:
        return None  # no consent covering financing data: as if unknown
    info.context.consents_used.add(consent["id"])
    facts = await financing_facts(
        state.driver,
        state.settings.neo4j_database,
        uscc,
        today,
        add_months(today, -MONTHS),
        principal.institution or "",
    )
    if facts is None:
        return None
    by_month_mode = _tally(facts.exports, lambda d: (d["month"], d["mode"]))
    returned = _tally(facts.returns, lambda r: r["month"])
    collected = _tally(facts.collections, lambda c: c["month"])
    exported = sum(d["value"] for d in facts.exports)
    declared = sum(d["value"] for d in facts.exports if d["mode"] in ("9710", "9810"))
    total_collected = sum(c["value"] for c in facts.collections)
    orders = [f for f in profile.facts.orders if f.ordered_on > add_months(today, -MONTHS)]
    refunds: dict[str, float] = defaultdict(float)
    for r in facts.refunds:
        refunds[r["status"]] += r["amountCny"]
    loans: dict[str, int] = defaultdict(int)
    for loan in facts.loans:
        loans[loan["status"]] += 1
    rows = await enterprise_coverage(
        state.driver,
        state.settings.neo4j_database,
        uscc,
        today,
        list_scope(info.context.catalog, principal).lists,
    )
    months_with_exports = {month for month, _ in by_month_mode}
    missing = [m for m in _months(today) if m not in months_with_exports]
    quality = [f"no export declared in {', '.join(missing)}"] if missing else []
    if not facts.warehouses:
        quality.append("no overseas warehouse reported")
    return FinancingProfile(
        uscc=uscc,
        as_of=today,
        consent_id=consent["id"],
        purpose=consent["purpose"],
        exports=[
            MonthlyExports(month=m, mode=mode, declarations=int(n), value_cny=_money(v))
            for (m, mode), (n, v) in sorted(by_month_mode.items())
        ],
        exports_provenance=_provenance(facts.exports, facts.departments, "on"),
        returns=[
            MonthlyReturns(month=m, returns=int(n), value_cny=_money(v))
            for m, (n, v) in sorted(returned.items())
        ],
        returns_provenance=_provenance(facts.returns, facts.departments, "on"),
        return_rate=(
            round(sum(r["value"] for r in facts.returns) / exported, 4) if exported else None
        ),
        collections=[
            MonthlyCollections(month=m, payments=int(n), value_cny=_money(v))
            for m, (n, v) in sorted(collected.items())
        ],
        collections_provenance=_provenance(facts.collections, facts.departments, "on"),
        collection_ratio=round(total_collected / declared, 4) if declared else None,
        three_document_match_rate=(
            round(sum(o.matched for o in orders) / len(orders), 4) if orders else None
        ),
        warehouses=[
            WarehouseStock(
                id=w["id"],
                name=w["name"],
                country=w["country"],
                city=w["city"],
                stock_value_cny=_money(w["stockValueCny"]),
                stock_as_of=w.get("stockAsOf"),
            )
            for w in facts.warehouses
        ],
        warehouses_provenance=_provenance(facts.warehouses, facts.departments, "stockAsOf"),
        refunds=RefundSummary(
            claimed_cny=_money(sum(refunds.values())),
            paid_cny=_money(refunds["PAID"]),
            pending_cny=_money(refunds["CLAIMED"]),
            rejected_cny=_money(refunds["REJECTED"]),
            provenance=_provenance(facts.refunds, facts.departments, "claimedOn"),
        ),
        loans=LoanSummary(
            current=loans["CURRENT"],
            overdue=loans["OVERDUE"],
            default=loans["DEFAULT"],
            provenance=_provenance(facts.loans, facts.departments, "grantedOn"),
        ),
        grade=profile.grade,
        score=profile.score,
        factor_summary=[f"{f.code} {f.points:+d}" for f in (profile.factors or [])],
        listed=any(r.kind == "PUNISHMENT" and r.subject_role == "ENTERPRISE" for r in rows),
        bank_measures=sorted({m for r in rows for m in r.measures.get("BANK", ())}),
        data_quality=quality,
    )
