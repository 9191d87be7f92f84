"""`Enterprise.orders`: an enterprise's retail orders, each with its three documents (customs
inventory list, payment, waybill) and whether they match it, a keyset page at a time.

Who reads what is the catalog's (auth/catalog.json): the order under any of the departments'
scopes (`customs:read`, `fx:read`, `payments:read`, `logistics:read`) or, for a bank or an
insurer, `financing:read` under a consent covering it; the inventory list under
`customs:read`, the payment under `fx:read` or `payments:read`, the waybill under
`logistics:read`, the match under `customs:read` or `risk:read` (and `financing:read`, as the
financing profile's match rate); the names of buyers and consignees under a department's
scope, their phones and addresses under `pii:read`. A filter on what the caller may not read
(`counterpart` on the names, `matchStatus` on the match) is refused as the field would be.
The page and the totals are each one query (`hub.documents.reads`) for every enterprise of
the request asking the same page (or totals) of the same filter, through a request loader
(`Loaders.batched`): a page of enterprises is one query, not one per enterprise. A cursor is
bound to its enterprise and filter; one from elsewhere is refused, not followed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from graph_schema.model import Direction
from hub.api.access import denial
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_day
from hub.api.pagination import (
    bad_cursor,
    bounded,
    decode_bound_cursor,
    encode_bound_cursor,
    filter_digest,
)
from hub.api.records import LINEAGE_BATCH, LINEAGE_SOURCE, node_of  # and registers Direction
from hub.documents import reads
from hub.documents.reads import NO_ORDERS, Lineage, OrderKey, OrderRow, OrderTotals

if TYPE_CHECKING:
    from hub.api.types import PageInfo

CURSOR_KIND = "order"
MAX_TEXT_FILTER = 100
"""The longest `platform` or `counterpart` a filter takes: a code or a name, not a document."""


@strawberry.enum(description="Whether an order's three documents match its inventory list.")
class MatchStatus(Enum):
    MATCHED = "MATCHED"
    UNMATCHED = "UNMATCHED"


@strawberry.input(description="Which orders to list; every field left out matches any.")
class OrderFilter:
    ordered_from: dt.date | None = strawberry.field(
        default=None, description="Ordered on this day or after."
    )
    ordered_to: dt.date | None = strawberry.field(
        default=None, description="Ordered on this day or before."
    )
    direction: Direction | None = None
    match_status: MatchStatus | None = strawberry.field(
        default=None, description="Needs what `Order.match` needs."
    )
    platform: str | None = strawberry.field(
        default=None, description="The platform's code (ebpCode), exactly."
    )
    counterpart: str | None = strawberry.field(
        default=None,
        description="Contained in the consignee's or the buyer's name, in any case; needs "
        "what `Order.consigneeName` needs.",
    )


@strawberry.type(
    description="The customs inventory list of an order (CEB603 export, CEB621 import), "
    "which its three documents are checked against."
)
class InventoryList:
    id: str
    direction: Direction
    trade_mode: str
    declared_on: dt.date
    ebp_code: str
    ebc_code: str
    logistics_code: str
    logistics_no: str
    goods_cny: Decimal
    freight_cny: Decimal
    buyer_name: str | None = strawberry.field(description="The buyer (订购人); imports only.")
    buyer_phone: str | None = strawberry.field(description="Personal data: pii:read.")
    consignee_address: str | None = strawberry.field(description="Personal data: pii:read.")
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(
    description="The payment of an import order (CEB411) or the receipt of an export one (CEB403)."
)
class Payment:
    id: str
    paid_on: dt.date
    amount_cny: Decimal
    payer_name: str | None = strawberry.field(description="Who paid; imports only.")
    pay_code: str | None = strawberry.field(description="The payment firm's code.")
    ebp_code: str | None
    ebc_code: str | None = strawberry.field(description="The enterprise paid; receipts only.")
    pay_firm_uscc: str | None = strawberry.field(
        description="The payment firm's USCC (its credit: providerProfile); null if not sent."
    )
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(description="The waybill of an order (CEB505 export, CEB511 import).")
class Waybill:
    id: str
    shipped_on: dt.date
    carrier: str = strawberry.field(description="The carrier's name as sent (a label).")
    logistics_code: str | None
    carrier_uscc: str | None = strawberry.field(
        description="The carrier's USCC (its credit: providerProfile); null if not sent."
    )
    consignee_name: str | None
    consignee_phone: str | None = strawberry.field(description="Personal data: pii:read.")
    consignee_address: str | None = strawberry.field(description="Personal data: pii:read.")
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)


@strawberry.type(
    description="Whether the three documents match the inventory list, by the rule the "
    "rating's ORDER_MATCH factor and the DOCUMENT_MISMATCH alert use (GACC Announcement 2018 "
    "No. 194)."
)
class DocumentMatch:
    status: MatchStatus
    reasons: list[str] = strawberry.field(
        description="Why they do not match: the first reason that applies of 'no inventory "
        "list', 'no payment', 'no waybill', 'amount', 'consignee', 'payer', 'payee', 'codes' "
        "(empty when they match)."
    )


@strawberry.type(
    description="A retail order (CEB303 export, CEB311 import) with its three documents as "
    "of today: each null until one is dated."
)
class Order:
    id: str
    ordered_on: dt.date
    direction: Direction
    ebp_code: str | None = strawberry.field(description="The platform's code.")
    ebc_code: str | None = strawberry.field(description="The e-commerce enterprise's code.")
    goods_cny: Decimal
    freight_cny: Decimal
    tax_cny: Decimal
    discount_cny: Decimal
    buyer_name: str | None = strawberry.field(description="The buyer (订购人); imports only.")
    consignee_name: str | None
    consignee_phone: str | None = strawberry.field(description="Personal data: pii:read.")
    consignee_address: str | None = strawberry.field(description="Personal data: pii:read.")
    source: str | None = strawberry.field(description=LINEAGE_SOURCE)
    batch: str | None = strawberry.field(description=LINEAGE_BATCH)
    inventory_list: InventoryList | None
    payment: Payment | None
    waybill: Waybill | None
    # nullable: a caller may read the order but not the judgement (SAFE, logistics)
    match: DocumentMatch | None


def order_of(row: OrderRow) -> Order:
    """The order of a read row, its documents and their match included."""
    return node_of(
        Order,
        row,
        inventory_list=_document(InventoryList, row.inventory_list),
        payment=_document(Payment, row.payment),
        waybill=_document(Waybill, row.waybill),
        match=DocumentMatch(
            status=MatchStatus.MATCHED if row.matched else MatchStatus.UNMATCHED,
            reasons=[] if row.reason is None else [row.reason],
        ),
    )


_Document = TypeVar("_Document", InventoryList, Payment, Waybill)


def _document(cls: type[_Document], row: Lineage | None) -> _Document | None:
    return None if row is None else node_of(cls, row)


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type(description="The orders of one match status, over all pages.")
class MatchStatusTotal:
    status: MatchStatus
    count: int
    goods_cny: Decimal


@strawberry.type(description="Orders, newest first.")
class OrderConnection:
    edges: list[OrderEdge]
    page_info: Annotated[PageInfo, strawberry.lazy("hub.api.types")]
    totals: strawberry.Private[Callable[[], Awaitable[OrderTotals]]]

    @strawberry.field(description="Orders the filter selects, over all pages.")
    async def total_count(self) -> int:
        return (await self.totals()).count

    @strawberry.field(description="Their goods value, over all pages.")
    async def total_goods_cny(self) -> Decimal:
        return (await self.totals()).goods_cny

    @strawberry.field(
        description="How many match and how many do not, over all pages (with a matchStatus "
        "filter, the other status counts none). Read as Order.match is: null for a caller who "
        "may not read the match."
    )
    async def by_match_status(self) -> list[MatchStatusTotal] | None:
        totals = await self.totals()
        return [
            MatchStatusTotal(
                status=MatchStatus.MATCHED, count=totals.matched, goods_cny=totals.matched_goods_cny
            ),
            MatchStatusTotal(
                status=MatchStatus.UNMATCHED,
                count=totals.count - totals.matched,
                goods_cny=totals.goods_cny - totals.matched_goods_cny,
            ),
        ]

    @strawberry.field(
        description="The unmatched by reason, most first, as the rating's ORDER_MATCH factor "
        "and the DOCUMENT_MISMATCH alert word them: '2 amount, 1 payee' (empty: none). Read as "
        "Order.match is."
    )
    async def unmatched_by_reason(self) -> str | None:
        return (await self.totals()).unmatched_by_reason


def order_filter(info: Info, given: OrderFilter | None) -> reads.OrderFilter:
    """The reader's filter for `given`: dates in range and in order, text bounded, and a
    filter on the names or the match only for a caller who may read them."""
    given = given or OrderFilter()
    ordered_from = checked_day(given.ordered_from, "filter.orderedFrom")
    ordered_to = checked_day(given.ordered_to, "filter.orderedTo")
    if ordered_from and ordered_to and ordered_from > ordered_to:
        raise bad_user_input(
            f"filter.orderedFrom {ordered_from.isoformat()} is after filter.orderedTo "
            f"{ordered_to.isoformat()}",
            argument="filter.orderedFrom",
        )
    texts = {"platform": given.platform, "counterpart": given.counterpart}
    for name, text in texts.items():
        if text is not None and len(text) > MAX_TEXT_FILTER:
            raise bad_user_input(
                f"filter.{name} is longer than {MAX_TEXT_FILTER} characters",
                argument=f"filter.{name}",
            )
    counterpart = (given.counterpart or "").strip() or None
    guarded = (("consigneeName", counterpart), ("match", given.match_status))
    for field, value in guarded:
        decision = info.context.decide("Order", field)
        if value is not None and not decision.allowed:
            raise denial(decision, "Order", field)
    return reads.OrderFilter(
        ordered_from=ordered_from,
        ordered_to=ordered_to,
        direction=given.direction.value if given.direction else None,
        platform=(given.platform or "").strip() or None,
        counterpart=counterpart,
        matched=None if given.match_status is None else given.match_status is MatchStatus.MATCHED,
    )


def order_cursor(key: OrderKey, uscc: str, digest: str) -> str:
    return encode_bound_cursor(f"{key.ordered_on.isoformat()}|{key.id}", CURSOR_KIND, uscc, digest)


def order_key(cursor: str, uscc: str, digest: str) -> OrderKey:
    """The key of a cursor `order_cursor` issued for `uscc`'s orders under the filter of
    `digest`; otherwise an error naming `after` (one from elsewhere would skip orders)."""
    on, _, id = decode_bound_cursor(cursor, CURSOR_KIND, uscc, digest).partition("|")
    try:
        return OrderKey(ordered_on=dt.date.fromisoformat(on), id=id)
    except ValueError:
        raise bad_cursor(cursor) from None


async def enterprise_orders(
    root: Any,
    info: Info,
    filter: OrderFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> OrderConnection | None:
    """The resolver of `Enterprise.orders`: a page of the enterprise's orders, newest first."""
    from hub.api.types import PageInfo  # types.py imports this module for the field

    services, loaders = info.context.services, info.context.loaders
    limit = bounded(first, services.settings.limits.orders)
    where = order_filter(info, filter)
    digest = filter_digest(where.params())
    uscc, today = str(root.uscc), info.context.now.date()
    key = order_key(after, uscc, digest) if after is not None else None
    visibility = loaders.visibility

    async def read_pages(usccs: list[str]) -> dict[str, list[OrderRow]]:
        return await reads.order_pages(
            services.driver, services.database, usccs, where, key, limit + 1, today, visibility
        )

    pages = loaders.batched(("orders.page", where, key, limit + 1, today), read_pages, lambda: [])
    rows = await pages.load(uscc)
    page = rows[:limit]
    loaders.touch(info.path, [uscc])
    edges = [
        OrderEdge(cursor=order_cursor(OrderKey(r.ordered_on, r.id), uscc, digest), node=order_of(r))
        for r in page
    ]

    async def read_totals(usccs: list[str]) -> dict[str, OrderTotals]:
        return await reads.order_totals(
            services.driver, services.database, usccs, where, today, visibility
        )

    def totals() -> Awaitable[OrderTotals]:
        # the request's loader reads them once, with every enterprise asking the same filter
        loader = loaders.batched(("orders.totals", where, today), read_totals, lambda: NO_ORDERS)
        return loader.load(uscc)

    return OrderConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > limit, after),
        totals=totals,
    )


__all__ = [
    "DocumentMatch",
    "InventoryList",
    "MatchStatus",
    "MatchStatusTotal",
    "Order",
    "OrderConnection",
    "OrderEdge",
    "OrderFilter",
    "Payment",
    "Waybill",
    "enterprise_orders",
]
