"""Reads of an enterprise's orders with their three documents and match, as plain data.

An order is read with its customs inventory list, payment and waybill as of a day, and the
reason they do not match it, as the rating and the risk scan judge it (`hub.documents.cypher`);
`matched` follows from the reason exactly as `hub.credit.facts.OrderCheck` says. Totals group
the orders the filter selects by that reason; `unmatched_by_reason` words them as the rating's
ORDER_MATCH factor and the DOCUMENT_MISMATCH alert do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from neo4j import AsyncDriver

from graph_schema.read_model import GraphDate, GraphMoney, ReadModel, read_records
from hub.credit.facts import unmatched_by_reason
from hub.documents import cypher
from hub.records.reads import Lineage
from hub.repository import VisibilityFilter


class InventoryListRow(Lineage):
    """A customs inventory list (CEB603 export, CEB621 import) as `customs.inventory@1` wrote it."""

    id: str
    direction: str
    trade_mode: str
    declared_on: GraphDate
    ebp_code: str
    ebc_code: str
    logistics_code: str
    logistics_no: str
    goods_cny: GraphMoney
    freight_cny: GraphMoney
    buyer_name: str | None = None
    buyer_phone: str | None = None
    consignee_address: str | None = None


class PaymentRow(Lineage):
    """A payment (CEB411) or receipt (CEB403) as `trade.payment@1` wrote it."""

    id: str
    paid_on: GraphDate
    amount_cny: GraphMoney
    payer_name: str | None = None
    pay_code: str | None = None
    ebp_code: str | None = None
    ebc_code: str | None = None
    pay_firm_uscc: str | None = None


class WaybillRow(Lineage):
    """A waybill (CEB505 export, CEB511 import) as `logistics.waybill@1` wrote it."""

    id: str
    shipped_on: GraphDate
    carrier: str
    logistics_code: str | None = None
    carrier_uscc: str | None = None
    consignee_name: str | None = None
    consignee_phone: str | None = None
    consignee_address: str | None = None


class OrderRow(Lineage):
    """An order (CEB303 export, CEB311 import) with its three documents as of the day read
    (null: none dated by then) and why they do not match its inventory list (null: they do)."""

    id: str
    ordered_on: GraphDate
    direction: str
    ebp_code: str | None = None
    ebc_code: str | None = None
    goods_cny: GraphMoney
    freight_cny: GraphMoney
    tax_cny: GraphMoney
    discount_cny: GraphMoney
    buyer_name: str | None = None
    consignee_name: str | None = None
    consignee_phone: str | None = None
    consignee_address: str | None = None
    inventory_list: InventoryListRow | None = None
    payment: PaymentRow | None = None
    waybill: WaybillRow | None = None
    reason: str | None = None

    @property
    def matched(self) -> bool:
        """Whether the three documents match the list: when no reason says otherwise."""
        return self.reason is None


@dataclass(frozen=True)
class OrderFilter:
    """Which orders of an enterprise to read (None: any). `counterpart` is matched in lower
    case against the consignee's and the buyer's name; `matched` keeps the orders whose
    documents match (True) or do not (False)."""

    ordered_from: dt.date | None = None
    ordered_to: dt.date | None = None
    direction: str | None = None
    platform: str | None = None
    counterpart: str | None = None
    matched: bool | None = None

    def params(self) -> dict[str, Any]:
        return {
            "from": self.ordered_from,
            "to": self.ordered_to,
            "direction": self.direction,
            "platform": self.platform,
            "counterpart": self.counterpart.lower() if self.counterpart else None,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class OrderKey:
    """Where an order stands in the connection's order (newest first): its date and id."""

    ordered_on: dt.date
    id: str


@dataclass(frozen=True)
class OrderTotals:
    """The orders a filter selects over all pages: how many and their goods value, how many
    of them match and their goods value, and the unmatched by reason ("2 amount, 1 payee")."""

    count: int
    goods_cny: Decimal
    matched: int
    matched_goods_cny: Decimal
    unmatched_by_reason: str


class _ReasonGroup(ReadModel):
    reason: str | None = None
    orders: int
    goods_cny: GraphMoney


async def order_pages(
    driver: AsyncDriver,
    database: str,
    usccs: Sequence[str],
    where: OrderFilter,
    after: OrderKey | None,
    limit: int,
    today: dt.date,
    visibility: VisibilityFilter,
) -> dict[str, list[OrderRow]]:
    """For each enterprise of `usccs` found and visible, up to `limit` of its orders the filter
    selects, newest first, after `after`. One query for all of them, the documents included."""
    query = cypher.order_page_by_match if where.matched is not None else cypher.order_page
    records = await read_records(
        driver,
        database,
        query(visibility.predicate),
        {
            **visibility.params,
            **where.params(),
            "usccs": list(usccs),
            "today": today,
            "after_on": after.ordered_on if after else None,
            "after_id": after.id if after else None,
            "limit": limit,
        },
    )
    return {r["uscc"]: [OrderRow.model_validate(order) for order in r["orders"]] for r in records}


async def order_totals(
    driver: AsyncDriver,
    database: str,
    usccs: Sequence[str],
    where: OrderFilter,
    today: dt.date,
    visibility: VisibilityFilter,
) -> dict[str, OrderTotals]:
    """For each enterprise of `usccs` found and visible, the totals of its orders the filter
    selects, documents judged as of `today`. One query for all of them."""
    records = await read_records(
        driver,
        database,
        cypher.order_totals(visibility.predicate),
        {**visibility.params, **where.params(), "usccs": list(usccs), "today": today},
    )
    return {
        r["uscc"]: _totals_of([_ReasonGroup.model_validate(g) for g in r["groups"]])
        for r in records
    }


def _totals_of(groups: Sequence[_ReasonGroup]) -> OrderTotals:
    """The totals of the orders of these reason groups."""
    matched = [g for g in groups if g.reason is None]
    return OrderTotals(
        count=sum(g.orders for g in groups),
        goods_cny=sum((g.goods_cny for g in groups), Decimal("0.00")),
        matched=sum(g.orders for g in matched),
        matched_goods_cny=sum((g.goods_cny for g in matched), Decimal("0.00")),
        unmatched_by_reason=unmatched_by_reason(
            reason for g in groups if g.reason is not None for reason in [g.reason] * g.orders
        ),
    )


NO_ORDERS: Final = _totals_of(())
"""The totals of an enterprise the totals statement did not find (no order)."""


__all__ = [
    "NO_ORDERS",
    "InventoryListRow",
    "Lineage",
    "OrderFilter",
    "OrderKey",
    "OrderRow",
    "OrderTotals",
    "PaymentRow",
    "WaybillRow",
    "order_pages",
    "order_totals",
]
