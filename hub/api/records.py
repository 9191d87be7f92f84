"""The shared records on `Enterprise`: Relay connections over what each department filed about
an enterprise (declarations, returns, export receipts, tax refunds, overseas warehouses,
loans), with filters and totals.

The connections hang off an `Enterprise` the caller may see, so row visibility is already
applied; each is guarded by its scope in the catalog (`Enterprise.declarations`, ...), and for
a bank or insurer by the enterprise's consent covering financing:read (checked on the
enterprise's `uscc` by `hub.api.access`). Nothing below the connection carries a consent rule
of its own. A bank or insurer reads only the loans its own institution granted.

Pages are keyset-paged newest first with opaque cursors, each bound to its connection, its
enterprise and its filter (a cursor from elsewhere is refused, not followed). Each page is read
through a request loader (`Loaders.batched`), so the enterprises of a page of enterprises
asking the same connection, filter and page are read by one Cypher statement for all of them
(`hub.records.reads`), and a single enterprise by one; the totals (`totalCount`, the sums),
over every record the filter matches rather than the page, likewise by one statement per
connection and filter, run only when a total is selected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry.types.base import get_object_definition

from auth.catalog import VisibilityMode
from auth.policy import enterprise_visibility
from graph_schema.model import Direction, LoanStatus, TaxRefundStatus
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_day, shown
from hub.api.pagination import (
    bad_cursor,
    bounded,
    decode_bound_cursor,
    encode_bound_cursor,
    filter_digest,
)
from hub.records.reads import (
    Key,
    RecordKind,
    RecordTotals,
    SharedRecord,
    TotalGroup,
    record_pages,
    record_totals,
)

if TYPE_CHECKING:
    from hub.api.types import PageInfo

for _enum in (Direction, TaxRefundStatus, LoanStatus):
    strawberry.enum(_enum)

_PageInfo = Annotated["PageInfo", strawberry.lazy("hub.api.types")]

LINEAGE_SOURCE = "The connector that sent the record (lineage)."
LINEAGE_BATCH = "The signed batch the record came in (lineage)."

_Type = TypeVar("_Type")


def node_of(cls: type[_Type], row: object, **given: Any) -> _Type:
    """The GraphQL type `cls` with each of its fields read off the typed row `row` by the same
    name, but those `given`."""
    names = [f.python_name for f in get_object_definition(cls, strict=True).fields]
    return cls(**{name: getattr(row, name) for name in names if name not in given}, **given)


# --- filters -------------------------------------------------------------------------------------

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_MODE = re.compile(r"[0-9]{4}")
_HS_PREFIX = re.compile(r"[0-9]{1,10}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")


def _matching(value: str | None, pattern: re.Pattern[str], argument: str, what: str) -> str | None:
    if value is not None and not pattern.fullmatch(value):
        raise bad_user_input(f"{argument} must be {what}, got {shown(value)!r}", argument=argument)
    return value


def _period(
    low: dt.date | None, high: dt.date | None, low_name: str, high_name: str
) -> dict[str, dt.date | None]:
    checked_day(low, f"filter.{low_name}")
    checked_day(high, f"filter.{high_name}")
    if low is not None and high is not None and low > high:
        raise bad_user_input(
            f"filter.{low_name} {low.isoformat()} is after filter.{high_name} {high.isoformat()}",
            argument=f"filter.{low_name}",
        )
    return {_snake(low_name): low, _snake(high_name): high}


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


@strawberry.input(description="Declarations to list; every field left out matches all.")
class DeclarationFilter:
    declared_from: dt.date | None = strawberry.field(default=None, description="First day.")
    declared_to: dt.date | None = strawberry.field(default=None, description="Last day.")
    mode: str | None = strawberry.field(
        default=None, description="Customs supervision mode code: 9610, 9710, 9810, 1210."
    )
    direction: Direction | None = None
    destination: str | None = strawberry.field(
        default=None, description="ISO 3166 alpha-2 country of destination (origin of imports)."
    )
    hs_code_prefix: str | None = strawberry.field(
        default=None, description="Leading digits of the HS code (chapter 2, heading 4, ...)."
    )

    def params(self) -> dict[str, Any]:
        return {
            **_period(self.declared_from, self.declared_to, "declaredFrom", "declaredTo"),
            "mode": _matching(self.mode, _MODE, "filter.mode", "a 4-digit customs mode code"),
            "direction": self.direction.value if self.direction else None,
            "destination": _matching(
                self.destination, _COUNTRY, "filter.destination", "a 2-letter country code"
            ),
            "hs_code_prefix": _matching(
                self.hs_code_prefix, _HS_PREFIX, "filter.hsCodePrefix", "1 to 10 digits"
            ),
        }


@strawberry.input(description="Returns to list; every field left out matches all.")
class ReturnFilter:
    returned_from: dt.date | None = None
    returned_to: dt.date | None = None
    declaration_id: str | None = strawberry.field(
        default=None, description="Only the returns of this export declaration."
    )

    def params(self) -> dict[str, Any]:
        return {
            **_period(self.returned_from, self.returned_to, "returnedFrom", "returnedTo"),
            "declaration_id": _matching(
                self.declaration_id, _ID, "filter.declarationId", "a record id"
            ),
        }


@strawberry.enum(description="What export proceeds settle.")
class Settles(StrEnum):
    DECLARATION = "DECLARATION"
    ORDER = "ORDER"
    ADVANCE = "ADVANCE"


@strawberry.input(description="Export receipts to list; every field left out matches all.")
class ExportReceiptFilter:
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code.")
    payer_country: str | None = None
    settles: Settles | None = strawberry.field(
        default=None,
        description="DECLARATION: names a declaration; ORDER: names an order; ADVANCE: names "
        "neither (received before the goods were declared).",
    )

    def params(self) -> dict[str, Any]:
        return {
            **_period(self.received_from, self.received_to, "receivedFrom", "receivedTo"),
            "currency": _matching(
                self.currency, _CURRENCY, "filter.currency", "a 3-letter currency code"
            ),
            "payer_country": _matching(
                self.payer_country, _COUNTRY, "filter.payerCountry", "a 2-letter country code"
            ),
            "settles": self.settles.value if self.settles else None,
        }


@strawberry.input(description="Tax refunds to list; every field left out matches all.")
class TaxRefundFilter:
    claimed_from: dt.date | None = None
    claimed_to: dt.date | None = None
    status: TaxRefundStatus | None = None

    def params(self) -> dict[str, Any]:
        return {
            **_period(self.claimed_from, self.claimed_to, "claimedFrom", "claimedTo"),
            "status": self.status.value if self.status else None,
        }


@strawberry.input(description="Overseas warehouses to list; every field left out matches all.")
class OverseasWarehouseFilter:
    country: str | None = None
    current: bool | None = strawberry.field(
        default=None,
        description="true: operated today; false: no longer operated; left out: both.",
    )

    def params(self) -> dict[str, Any]:
        return {
            "country": _matching(
                self.country, _COUNTRY, "filter.country", "a 2-letter country code"
            ),
            "current": self.current,
        }


@strawberry.input(description="Loans to list; every field left out matches all.")
class LoanFilter:
    status: LoanStatus | None = None
    granted_from: dt.date | None = None
    granted_to: dt.date | None = None

    def params(self) -> dict[str, Any]:
        return {
            **_period(self.granted_from, self.granted_to, "grantedFrom", "grantedTo"),
            "status": self.status.value if self.status else None,
        }


# --- nodes -----------------------------------------------------------------------------------


@strawberry.type(description="A customs declaration (customs.declaration@1).")
class Declaration:
    id: str
    mode: str = strawberry.field(description="Customs supervision mode code, e.g. 9610.")
    direction: Direction
    declared_on: dt.date
    value_cny: Decimal
    destination: str
    hs_code: str
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(description="Goods of an export declaration that came back (customs.return@1).")
class Return:
    id: str
    declaration_id: str
    returned_on: dt.date
    value_cny: Decimal
    reason: str
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(
    description="Export proceeds received from abroad, as reported to SAFE (fx.export_receipt@1)."
)
class ExportReceipt:
    id: str
    received_on: dt.date
    amount: Decimal = strawberry.field(description="In `currency`.")
    currency: str
    amount_cny: Decimal
    payer_country: str
    bank: str = strawberry.field(description="The receiving bank's name as sent (a label).")
    bank_uscc: str | None = strawberry.field(
        description="The receiving bank's USCC (its credit: providerProfile); null if not sent."
    )
    declaration_id: str | None = strawberry.field(description="The declaration it settles.")
    order_id: str | None = strawberry.field(description="The order it settles.")
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(description="An export tax refund claim and its outcome (tax.refund@1).")
class TaxRefund:
    id: str
    claimed_on: dt.date
    amount_cny: Decimal
    status: TaxRefundStatus
    paid_on: dt.date | None
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(
    description="A warehouse abroad the enterprise operates, with its stock "
    "(commerce.overseas_warehouse@1)."
)
class OverseasWarehouse:
    id: str
    name: str
    country: str
    city: str
    stock_value_cny: Decimal
    stock_as_of: dt.date
    since: dt.date | None = strawberry.field(description="First day operated.")
    until: dt.date | None = strawberry.field(description="Last day operated; null if still.")
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(description="A loan to the enterprise and its repayment status (bank.loan@1).")
class Loan:
    id: str
    lender: str
    amount_cny: Decimal
    granted_on: dt.date
    due_on: dt.date
    status: LoanStatus
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


# --- totals ----------------------------------------------------------------------------------


def frozen(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A statement's parameters as part of a loader's key (every value hashable: text,
    dates, flags, null)."""
    return tuple(sorted(params.items()))


@dataclass(frozen=True)
class Totals:
    """The totals of one connection of one enterprise, read on the first total selected by
    one statement for every enterprise of the request asking the same connection and filter
    (the request's loader keeps the answer for the other totals)."""

    kind: RecordKind
    uscc: str
    filters: dict[str, Any]

    async def row(self, info: Info) -> RecordTotals:
        services = info.context.services
        kind, filters = self.kind, self.filters

        async def read(usccs: list[str]) -> dict[str, RecordTotals]:
            return await record_totals(services.driver, services.database, kind, usccs, filters)

        loader = info.context.loaders.batched(
            ("records.totals", kind, frozen(filters)), read, RecordTotals
        )
        return await loader.load(self.uscc)

    async def count(self, info: Info) -> int:
        return (await self.row(info)).total_count


@strawberry.type(description="Records with one value of a status, summed.")
class StatusTotal:
    status: str
    count: int
    amount_cny: Decimal


@strawberry.type(description="Export proceeds in one currency, summed.")
class CurrencyTotal:
    currency: str
    count: int
    amount: Decimal = strawberry.field(description="In the currency.")
    amount_cny: Decimal


async def _by_status(totals: Totals, info: Info) -> list[StatusTotal]:
    return [_status_total(g) for g in (await totals.row(info)).groups]


def _status_total(group: TotalGroup) -> StatusTotal:
    return StatusTotal(status=group.key, count=group.count, amount_cny=group.amount_cny)


# --- connections -----------------------------------------------------------------------------


@strawberry.type
class DeclarationEdge:
    cursor: str
    node: Declaration


@strawberry.type(description="Declarations, newest first.")
class DeclarationConnection:
    edges: list[DeclarationEdge]
    page_info: _PageInfo
    totals: strawberry.Private[Totals]

    @strawberry.field(description="Declarations matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await self.totals.count(info)

    @strawberry.field(description="Their declared value, over all pages.")
    async def total_value_cny(self, info: Info) -> Decimal:
        return (await self.totals.row(info)).total_value_cny


@strawberry.type
class ReturnEdge:
    cursor: str
    node: Return


@strawberry.type(description="Returns, newest first.")
class ReturnConnection:
    edges: list[ReturnEdge]
    page_info: _PageInfo
    totals: strawberry.Private[Totals]

    @strawberry.field(description="Returns matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await self.totals.count(info)

    @strawberry.field(description="The value of the goods returned, over all pages.")
    async def total_value_cny(self, info: Info) -> Decimal:
        return (await self.totals.row(info)).total_value_cny


@strawberry.type
class ExportReceiptEdge:
    cursor: str
    node: ExportReceipt


@strawberry.type(description="Export proceeds received from abroad, newest first.")
class ExportReceiptConnection:
    edges: list[ExportReceiptEdge]
    page_info: _PageInfo
    totals: strawberry.Private[Totals]

    @strawberry.field(description="Receipts matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await self.totals.count(info)

    @strawberry.field(description="Their yuan equivalent, over all pages.")
    async def total_amount_cny(self, info: Info) -> Decimal:
        return (await self.totals.row(info)).total_amount_cny

    @strawberry.field(description="Their totals by currency, over all pages.")
    async def by_currency(self, info: Info) -> list[CurrencyTotal]:
        return [
            CurrencyTotal(currency=g.key, count=g.count, amount=g.amount, amount_cny=g.amount_cny)
            for g in (await self.totals.row(info)).groups
        ]


@strawberry.type
class TaxRefundEdge:
    cursor: str
    node: TaxRefund


@strawberry.type(description="Export tax refund claims, newest first.")
class TaxRefundConnection:
    edges: list[TaxRefundEdge]
    page_info: _PageInfo
    totals: strawberry.Private[Totals]

    @strawberry.field(description="Claims matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await self.totals.count(info)

    @strawberry.field(description="The amount claimed, over all pages.")
    async def total_amount_cny(self, info: Info) -> Decimal:
        return (await self.totals.row(info)).total_amount_cny

    @strawberry.field(description="Claims and amounts by status, over all pages.")
    async def by_status(self, info: Info) -> list[StatusTotal]:
        return await _by_status(self.totals, info)


@strawberry.type
class OverseasWarehouseEdge:
    cursor: str
    node: OverseasWarehouse


@strawberry.type(description="Overseas warehouses, by id.")
class OverseasWarehouseConnection:
    edges: list[OverseasWarehouseEdge]
    page_info: _PageInfo
    totals: strawberry.Private[Totals]

    @strawberry.field(description="Warehouses matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await self.totals.count(info)

    @strawberry.field(description="Their stock value as last reported, over all pages.")
    async def total_stock_cny(self, info: Info) -> Decimal:
        return (await self.totals.row(info)).total_stock_cny


@strawberry.type
class LoanEdge:
    cursor: str
    node: Loan


@strawberry.type(description="Loans, newest first.")
class LoanConnection:
    edges: list[LoanEdge]
    page_info: _PageInfo
    totals: strawberry.Private[Totals]

    @strawberry.field(description="Loans matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        return await self.totals.count(info)

    @strawberry.field(description="The amount lent, over all pages.")
    async def total_amount_cny(self, info: Info) -> Decimal:
        return (await self.totals.row(info)).total_amount_cny

    @strawberry.field(description="Loans and amounts by status, over all pages.")
    async def by_status(self, info: Info) -> list[StatusTotal]:
        return await _by_status(self.totals, info)


# --- paging ----------------------------------------------------------------------------------


def _cursor(kind: RecordKind, uscc: str, digest: str, key: Key) -> str:
    text = key.id if key.on is None else f"{key.on.isoformat()}|{key.id}"
    return encode_bound_cursor(text, kind.value, uscc, digest)


def _after(kind: RecordKind, cursor: str | None, uscc: str, digest: str, dated: bool) -> Key | None:
    """Where the page starts: after the record of a cursor of this connection of this
    enterprise under this filter (one from elsewhere would skip records silently)."""
    if cursor is None:
        return None
    text = decode_bound_cursor(cursor, kind.value, uscc, digest)
    if not dated:
        return Key(on=None, id=text)
    on, _, key = text.partition("|")
    try:
        return Key(on=dt.date.fromisoformat(on), id=key)
    except ValueError:
        raise bad_cursor(cursor) from None


@dataclass(frozen=True)
class Page:
    nodes: list[tuple[str, SharedRecord]]
    """Each record's cursor and row."""
    page_info: PageInfo
    totals: Totals


async def _page(
    info: Info,
    kind: RecordKind,
    uscc: str,
    filters: dict[str, Any],
    first: int | None,
    after: str | None,
    dated: bool = True,
    implied: Mapping[str, Any] | None = None,
) -> Page:
    """A page of `uscc`'s records of `kind` matching the caller's `filters` (and the
    parameters the request `implied`: today, the caller's own lender, which the cursor is not
    bound to)."""
    from hub.api.types import PageInfo  # the types module imports this one

    context = info.context
    services = context.services
    limit = bounded(first, services.settings.limits.of(kind.value))
    digest = filter_digest(filters)
    start = _after(kind, after, uscc, digest, dated)
    params = {**filters, **(implied or {})}

    async def read(usccs: list[str]) -> dict[str, list[SharedRecord]]:
        return await record_pages(
            services.driver, services.database, kind, usccs, params, start, limit + 1
        )

    loader = context.loaders.batched(
        ("records.page", kind, frozen(params), start, limit + 1), read, lambda: []
    )
    rows = await loader.load(uscc)
    shown_rows = rows[:limit]
    nodes = [(_cursor(kind, uscc, digest, row.key), row) for row in shown_rows]
    context.loaders.touch(info.path, [uscc])
    return Page(
        nodes=nodes,
        page_info=PageInfo.of([c for c, _ in nodes], len(rows) > limit, after),
        totals=Totals(kind, uscc, params),
    )


def _own_lender(info: Info) -> str | None:
    """The lender a caller's loans are limited to: a bank's or insurer's own institution
    (consent-limited callers); None for a caller who reads every lender's."""
    principal = info.context.principal
    catalog = info.context.services.rules.catalog
    if enterprise_visibility(catalog, principal).mode is VisibilityMode.CONSENTED:
        return principal.institution or ""
    return None


# --- the Enterprise fields (resolvers; `hub.api.types.Enterprise` declares them) -------------


async def enterprise_declarations(
    root: Any,
    info: Info,
    filter: DeclarationFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> DeclarationConnection | None:
    filters = (filter or DeclarationFilter()).params()
    page = await _page(info, RecordKind.DECLARATIONS, str(root.uscc), filters, first, after)
    return DeclarationConnection(
        edges=[DeclarationEdge(cursor=c, node=node_of(Declaration, n)) for c, n in page.nodes],
        page_info=page.page_info,
        totals=page.totals,
    )


async def enterprise_returns(
    root: Any,
    info: Info,
    filter: ReturnFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> ReturnConnection | None:
    filters = (filter or ReturnFilter()).params()
    page = await _page(info, RecordKind.RETURNS, str(root.uscc), filters, first, after)
    return ReturnConnection(
        edges=[ReturnEdge(cursor=c, node=node_of(Return, n)) for c, n in page.nodes],
        page_info=page.page_info,
        totals=page.totals,
    )


async def enterprise_export_receipts(
    root: Any,
    info: Info,
    filter: ExportReceiptFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> ExportReceiptConnection | None:
    filters = (filter or ExportReceiptFilter()).params()
    page = await _page(info, RecordKind.EXPORT_RECEIPTS, str(root.uscc), filters, first, after)
    return ExportReceiptConnection(
        edges=[ExportReceiptEdge(cursor=c, node=node_of(ExportReceipt, n)) for c, n in page.nodes],
        page_info=page.page_info,
        totals=page.totals,
    )


async def enterprise_tax_refunds(
    root: Any,
    info: Info,
    filter: TaxRefundFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> TaxRefundConnection | None:
    filters = (filter or TaxRefundFilter()).params()
    page = await _page(info, RecordKind.TAX_REFUNDS, str(root.uscc), filters, first, after)
    return TaxRefundConnection(
        edges=[TaxRefundEdge(cursor=c, node=node_of(TaxRefund, n)) for c, n in page.nodes],
        page_info=page.page_info,
        totals=page.totals,
    )


async def enterprise_overseas_warehouses(
    root: Any,
    info: Info,
    filter: OverseasWarehouseFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> OverseasWarehouseConnection | None:
    filters = (filter or OverseasWarehouseFilter()).params()
    page = await _page(
        info,
        RecordKind.OVERSEAS_WAREHOUSES,
        str(root.uscc),
        filters,
        first,
        after,
        dated=False,
        implied={"today": info.context.now.date()},
    )
    return OverseasWarehouseConnection(
        edges=[
            OverseasWarehouseEdge(cursor=c, node=node_of(OverseasWarehouse, n))
            for c, n in page.nodes
        ],
        page_info=page.page_info,
        totals=page.totals,
    )


async def enterprise_loans(
    root: Any,
    info: Info,
    filter: LoanFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> LoanConnection | None:
    filters = (filter or LoanFilter()).params()
    page = await _page(
        info,
        RecordKind.LOANS,
        str(root.uscc),
        filters,
        first,
        after,
        implied={"lender": _own_lender(info)},
    )
    return LoanConnection(
        edges=[LoanEdge(cursor=c, node=node_of(Loan, n)) for c, n in page.nodes],
        page_info=page.page_info,
        totals=page.totals,
    )
