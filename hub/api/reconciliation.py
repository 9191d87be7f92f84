"""tradeReconciliation(uscc, months): the cross-department views of one enterprise's trade.

Each department's records are a section guarded by the scopes of the departments that read
them (auth/catalog.json): export declarations (customs, and tax and SAFE, who set them against
refunds and receipts), export proceeds received from abroad (SAFE, and tax), export tax
refunds (tax, and customs). A section or view the caller may not read is FORBIDDEN naming the
scopes that would grant it, and is never read; the others still answer. What each view sets
against what is `hub/reconciliation/rules.json`; the risk signals it shows are the risk scan's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from hub.api.context import Info
from hub.api.errors import checked_uscc
from hub.api.pagination import bounded
from hub.reconciliation import ratios
from hub.reconciliation.reads import EnterpriseTrade, Once, Window
from hub.reconciliation.rules import ReconciliationRules, ViewName
from hub.risk.scan import Alert, RiskScanner


@strawberry.type(description="A department's records of one month: how many, and their value.")
class ReconciliationMonth:
    month: str = strawberry.field(description="YYYY-MM.")
    count: int
    value_cny: Decimal


@strawberry.type(description="Export tax refunds of one month (tax.refund@1).")
class ReconciliationRefundMonth:
    month: str = strawberry.field(description="YYYY-MM.")
    claims: int = strawberry.field(description="Claims made in the month.")
    claimed_cny: Decimal = strawberry.field(
        description="Claimed in the month, whatever became of the claims."
    )
    rejected_cny: Decimal = strawberry.field(description="Of those, rejected by the tax bureau.")
    paid_cny: Decimal = strawberry.field(
        description="Refunds paid in the month, by the day paid (whenever claimed)."
    )


@strawberry.type(
    description="A risk the scan finds on the records a view sets against each other, as of "
    "today over the risk rule's own window (hub/risk/rules.json), not the view's."
)
class TradeSignal:
    kind: str
    severity: str
    reason: str
    evidence: list[str] = strawberry.field(description="Declaration, receipt or claim ids.")
    basis: str


@strawberry.type(
    description="Customs' and tax's view: export tax refunds claimed against the exports "
    "declared in the window."
)
class RefundsAgainstExports:
    exported_cny: Decimal
    claimed_cny: Decimal = strawberry.field(
        description="Claims pending or paid (a rejected claim yields nothing)."
    )
    paid_cny: Decimal
    refund_ratio: float | None = strawberry.field(
        description="Claimed against exported; null without exports."
    )
    ceiling_rate: Decimal = strawberry.field(
        description="The highest export VAT refund rate (13% since 2019-04-01)."
    )
    ceiling_cny: Decimal = strawberry.field(
        description="The most refund the exports could yield: exported times the ceiling rate."
    )
    over_ceiling_cny: Decimal = strawberry.field(description="Claimed above the ceiling, or 0.")
    signals: list[TradeSignal]
    question: str
    basis: str


@strawberry.type(
    description="Tax's view: export tax refunds claimed against the export proceeds received "
    "from abroad in the window."
)
class RefundsAgainstReceipts:
    received_cny: Decimal
    claimed_cny: Decimal = strawberry.field(description="Claims pending or paid.")
    paid_cny: Decimal
    refund_ratio: float | None = strawberry.field(
        description="Claimed against received; null without receipts."
    )
    question: str
    basis: str


@strawberry.type(
    description="SAFE's (and tax's) view: export proceeds received from abroad against the "
    "exports declared in the window."
)
class ReceiptsAgainstExports:
    exported_cny: Decimal
    received_cny: Decimal
    counted_cny: Decimal = strawberry.field(
        description="Received proceeds that count against the window's exports: not those of "
        "an export declared before the window."
    )
    collection_ratio: float | None = strawberry.field(
        description="Counted proceeds against exported; null without exports."
    )
    signals: list[TradeSignal]
    question: str
    basis: str


def _month(t: ratios.MonthTotal) -> ReconciliationMonth:
    return ReconciliationMonth(month=t.month, count=t.count, value_cny=t.value_cny)


def _signal(alert: Alert) -> TradeSignal:
    return TradeSignal(
        kind=alert.kind,
        severity=alert.severity,
        reason=alert.reason,
        evidence=list(alert.evidence),
        basis=alert.basis,
    )


@strawberry.type(
    description="One enterprise's export declarations, export proceeds received from abroad "
    "and export tax refunds by month, and the views that set them against each other. Each "
    "section needs the scope of a department that reads it."
)
class TradeReconciliation:
    # the sections are nullable: one refused to the caller is null, the others still answer
    uscc: str
    as_of: dt.date
    first_day: dt.date = strawberry.field(description="The window's first day.")
    months: list[str] = strawberry.field(description="The window's months, oldest first.")
    rules_version: str
    _trade: strawberry.Private[EnterpriseTrade]
    _rules: strawberry.Private[ReconciliationRules]
    _signals: strawberry.Private[Once[list[Alert]]]
    _ceiling_rate: strawberry.Private[Decimal]

    @strawberry.field(description="Export declarations (customs), by the month declared.")
    async def exports(self) -> list[ReconciliationMonth] | None:
        return [_month(t) for t in await self._trade.exports.get()]

    @strawberry.field(
        description="Export proceeds received from abroad (SAFE, fx.export_receipt@1), by the "
        "month received."
    )
    async def receipts(self) -> list[ReconciliationMonth] | None:
        return [_month(t) for t in (await self._trade.receipts.get()).months]

    @strawberry.field(description="Export tax refunds (tax), by month.")
    async def refunds(self) -> list[ReconciliationRefundMonth] | None:
        return [
            ReconciliationRefundMonth(
                month=r.month,
                claims=r.claims,
                claimed_cny=r.claimed_cny,
                rejected_cny=r.rejected_cny,
                paid_cny=r.paid_cny,
            )
            for r in await self._trade.refunds.get()
        ]

    @strawberry.field(description="Refunds claimed against exports declared: customs and tax.")
    async def refunds_against_exports(self) -> RefundsAgainstExports | None:
        view = self._rules.views["refunds_against_exports"]
        found = ratios.refunds_against_exports(
            await self._trade.exports.get(), await self._trade.refunds.get(), self._ceiling_rate
        )
        return RefundsAgainstExports(
            exported_cny=found.exported_cny,
            claimed_cny=found.claimed_cny,
            paid_cny=found.paid_cny,
            refund_ratio=found.refund_ratio,
            ceiling_rate=found.ceiling_rate,
            ceiling_cny=found.ceiling_cny,
            over_ceiling_cny=found.over_ceiling_cny,
            signals=await self._view_signals("refunds_against_exports"),
            question=view.question,
            basis=view.basis,
        )

    @strawberry.field(description="Refunds claimed against export proceeds received: tax.")
    async def refunds_against_receipts(self) -> RefundsAgainstReceipts | None:
        view = self._rules.views["refunds_against_receipts"]
        found = ratios.refunds_against_receipts(
            (await self._trade.receipts.get()).months, await self._trade.refunds.get()
        )
        return RefundsAgainstReceipts(
            received_cny=found.received_cny,
            claimed_cny=found.claimed_cny,
            paid_cny=found.paid_cny,
            refund_ratio=found.refund_ratio,
            question=view.question,
            basis=view.basis,
        )

    @strawberry.field(description="Export proceeds received against exports: SAFE and tax.")
    async def receipts_against_exports(self) -> ReceiptsAgainstExports | None:
        view = self._rules.views["receipts_against_exports"]
        receipts = await self._trade.receipts.get()
        found = ratios.receipts_against_exports(
            await self._trade.exports.get(), receipts.months, receipts.counted_cny
        )
        return ReceiptsAgainstExports(
            exported_cny=found.exported_cny,
            received_cny=found.received_cny,
            counted_cny=found.counted_cny,
            collection_ratio=found.collection_ratio,
            signals=await self._view_signals("receipts_against_exports"),
            question=view.question,
            basis=view.basis,
        )

    async def _view_signals(self, name: ViewName) -> list[TradeSignal]:
        kinds = set(self._rules.views[name].signals)
        return [_signal(a) for a in await self._signals.get() if a.kind in kinds]


def _signals_of(scanner: RiskScanner, uscc: str, today: dt.date) -> Once[list[Alert]]:
    async def load() -> list[Alert]:
        return await scanner.trade_signals([uscc], today)

    return Once(load)


async def trade_reconciliation_of(
    info: Info, uscc: str, months: int | None
) -> TradeReconciliation | None:
    services = info.context.services
    size = bounded(months, services.settings.limits.reconciliation_months, "months")
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None  # unknown, or not the caller's to see: the same answer
    today = info.context.now.date()
    window = Window.ending(today, size)
    refund_rule = services.rules.risk_rules.refunds_out_of_proportion
    rules = services.rules.reconciliation_rules
    return TradeReconciliation(
        uscc=uscc,
        as_of=today,
        first_day=window.first_day,
        months=window.months,
        rules_version=rules.version,
        _trade=EnterpriseTrade(
            services.driver,
            services.database,
            uscc,
            window,
            frozenset(s.value for s in refund_rule.counted_statuses),
        ),
        _rules=rules,
        _signals=_signals_of(services.scanner, uscc, today),
        _ceiling_rate=refund_rule.max_refund_rate,
    )


@strawberry.type
class ReconciliationQuery:
    @strawberry.field(
        description="An enterprise's export declarations, export proceeds and export tax "
        "refunds over the last `months` calendar months (this one included), and the views "
        "that set them against each other; null for an unknown enterprise."
    )
    async def trade_reconciliation(
        self, info: Info, uscc: str, months: int | None = None
    ) -> TradeReconciliation | None:
        found = await trade_reconciliation_of(info, checked_uscc(uscc), months)
        if found is not None:
            info.context.loaders.touch(info.path, [found.uscc])
        return found
