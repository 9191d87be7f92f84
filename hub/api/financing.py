"""financingProfile(uscc) for banks and insurers (scope financing:read), under consent.

A bank sees the profile only of an enterprise it may see (visibility: an active consent naming
it) whose active consent also covers `financing:read`; otherwise the answer is null, as for an
unknown enterprise. Every section names the departments its facts come from and the date of
the newest fact behind it. Loans of other lenders are counted by status, never named.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from auth.policy import list_visibility
from hub.api.context import Info
from hub.api.credit import CreditProfile, credit_profile_of
from hub.api.errors import checked_uscc
from hub.credit.profile import department_measures, is_listed
from hub.credit.reads import StoredCoverage, enterprise_coverage
from hub.financing import summary
from hub.financing.profile import financing_consent, financing_facts


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


@strawberry.type(
    description="Export proceeds received from abroad in one month (fx.export_receipt@1)."
)
class MonthlyExportReceipts:
    month: str
    receipts: int
    value_cny: Decimal


@strawberry.type(
    description="Payments received from Chinese enterprises in one month "
    "(bank.trade_payment@1): domestic payment flow, not export proceeds."
)
class MonthlyDomesticPayments:
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
    export_receipts: list[MonthlyExportReceipts] = strawberry.field(
        description="Export proceeds received from abroad, by the month they came in."
    )
    export_receipts_provenance: Provenance
    collection_ratio: float | None = strawberry.field(
        description="Export proceeds received from abroad against the exports declared in "
        "every mode over the 12 months (SAFE goods-trade verification); domestic payments do "
        "not count."
    )
    domestic_payments_received: list[MonthlyDomesticPayments] = strawberry.field(
        description="Payments received from Chinese enterprises, by month: payment flow, not "
        "collections."
    )
    domestic_payments_provenance: Provenance
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


def _provenance(found: summary.Provenance) -> Provenance:
    return Provenance(departments=found.departments, newest_fact=found.newest_fact)


def _profile(
    uscc: str,
    today: dt.date,
    consent: dict[str, str],
    found: summary.FinancingSummary,
    profile: CreditProfile,
    coverage: list[StoredCoverage],
) -> FinancingProfile:
    return FinancingProfile(
        uscc=uscc,
        as_of=today,
        consent_id=consent["id"],
        purpose=consent["purpose"],
        exports=[
            MonthlyExports(month=t.month, mode=t.mode, declarations=t.count, value_cny=t.value_cny)
            for t in found.exports
        ],
        exports_provenance=_provenance(found.exports_provenance),
        returns=[
            MonthlyReturns(month=t.month, returns=t.count, value_cny=t.value_cny)
            for t in found.returns
        ],
        returns_provenance=_provenance(found.returns_provenance),
        return_rate=found.return_rate,
        export_receipts=[
            MonthlyExportReceipts(month=t.month, receipts=t.count, value_cny=t.value_cny)
            for t in found.export_receipts
        ],
        export_receipts_provenance=_provenance(found.export_receipts_provenance),
        collection_ratio=found.collection_ratio,
        domestic_payments_received=[
            MonthlyDomesticPayments(month=t.month, payments=t.count, value_cny=t.value_cny)
            for t in found.domestic_payments
        ],
        domestic_payments_provenance=_provenance(found.domestic_payments_provenance),
        three_document_match_rate=found.three_document_match_rate,
        warehouses=[
            WarehouseStock(
                id=w.id,
                name=w.name,
                country=w.country,
                city=w.city,
                stock_value_cny=w.stock_value_cny,
                stock_as_of=w.stock_as_of,
            )
            for w in found.warehouses
        ],
        warehouses_provenance=_provenance(found.warehouses_provenance),
        refunds=RefundSummary(
            claimed_cny=found.refunds.claimed_cny,
            paid_cny=found.refunds.paid_cny,
            pending_cny=found.refunds.pending_cny,
            rejected_cny=found.refunds.rejected_cny,
            provenance=_provenance(found.refunds.provenance),
        ),
        loans=LoanSummary(
            current=found.loans.current,
            overdue=found.loans.overdue,
            default=found.loans.default,
            provenance=_provenance(found.loans.provenance),
        ),
        grade=profile.grade,
        score=profile.score,
        factor_summary=[f"{f.code} {f.points:+d}" for f in (profile.factors or [])],
        listed=is_listed(coverage),
        bank_measures=sorted({m for r in coverage for m in department_measures(r, "BANK")}),
        data_quality=found.data_quality,
    )


async def financing_profile_of(info: Info, uscc: str) -> FinancingProfile | None:
    principal = info.context.principal
    services = info.context.services
    now = info.context.now
    today = now.date()
    # visibility first; the grade and score show only under a consent covering credit:read
    # too (the catalog's FinancingProfile.grade rule; `hub.api.access` checks it)
    profile = await credit_profile_of(info, uscc, today, consent_scope=None)
    if profile is None:
        return None
    consent = None
    if principal.institution is not None:
        consent = await financing_consent(
            services.driver, services.database, uscc, principal.institution, now
        )
    if consent is None:
        return None  # no consent covering financing data: as if unknown
    info.context.consents_used.add(consent["id"])
    facts = await financing_facts(
        services.driver,
        services.database,
        uscc,
        today,
        summary.window_start(today),
        principal.institution or "",
    )
    if facts is None:
        return None
    coverage = await enterprise_coverage(
        services.driver,
        services.database,
        uscc,
        today,
        list_visibility(services.rules.catalog, principal).lists,
    )
    found = summary.summarise(facts, profile.facts.orders, today)
    return _profile(uscc, today, consent, found, profile, coverage)


@strawberry.type
class FinancingQuery:
    @strawberry.field(
        description="A bank's or insurer's financing view of an enterprise's last 12 months, "
        "under an active consent covering financing:read; null otherwise."
    )
    async def financing_profile(self, info: Info, uscc: str) -> FinancingProfile | None:
        profile = await financing_profile_of(info, checked_uscc(uscc))
        if profile is not None:
            info.context.loaders.touch(info.path, [profile.uscc])
        return profile
