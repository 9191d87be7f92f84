"""The credit services' reads: each runs one named query of `hub.lookups.cypher` with read
routing and returns its records read into a `ReadModel` (the registry row identity
verification compares stays a plain row), and the types the credit record's facts are read
into once `hub.lookups.record` has chosen them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from neo4j import AsyncDriver
from pydantic import BeforeValidator

from graph_schema.model import ClassificationScheme, Department, Direction, ListKind, Severity
from graph_schema.read_model import GraphDate, GraphMoney, ReadModel, read_records
from hub.lookups import cypher
from hub.repository import Row, VisibilityFilter, read_rows


async def identity_row(driver: AsyncDriver, database: str, uscc: str) -> Row | None:
    rows = await read_rows(driver, database, cypher.IDENTITY, {"uscc": uscc})
    return rows[0]["enterprise"] if rows else None


# --- the credit record's facts, as `hub.lookups.record` chose them ------------------------------


class ListEntryRow(ReadModel):
    """A list entry (`hub.cypher` LIST_ENTRIES) as the credit record shows it."""

    id: str
    list: ListKind
    department: Department
    listed_on: GraphDate
    expires_on: GraphDate | None = None
    reason: str
    basis: str


class PenaltyRow(ReadModel):
    """A penalty (`hub.cypher` PENALTIES) as the credit record shows it."""

    id: str
    department: Department
    case_no: str
    severity: Severity
    amount_cny: float
    decided_on: GraphDate
    repaired_on: GraphDate | None = None


class ClassificationRow(ReadModel):
    """A department's classification (`hub.cypher` CLASSIFICATIONS)."""

    department: Department
    scheme: ClassificationScheme
    value: str
    effective_from: GraphDate
    effective_to: GraphDate | None = None


# --- declared lines, shipments, trade declarations ---------------------------------------------


def _none_if_empty(value: Any) -> Any:
    return value or None


class DeclaredLine(ReadModel):
    """Declarations under one declared HS code: how many, their value, and whose."""

    hs_code: str
    declarations: int
    value_cny: GraphMoney
    usccs: frozenset[str]


async def declared_lines(
    driver: AsyncDriver,
    database: str,
    code: str,
    visibility: VisibilityFilter,
    uscc: str | None,
) -> list[DeclaredLine]:
    """Declarations whose HS code starts with `code`, per declared code, of the enterprises the
    caller sees (of `uscc` alone when given)."""
    query = cypher.DECLARED_LINES_ZONE if uscc is None else cypher.DECLARED_LINES_OF
    params: dict[str, Any] = {"code": code, "uscc": uscc, **visibility.params}
    query = cypher.visible(query, visibility.predicate)
    records = await read_records(driver, database, query, params)
    return [DeclaredLine.model_validate(record.data()) for record in records]


@dataclass(frozen=True)
class ShipmentQuery:
    carrier: str | None = None
    carrier_uscc: str | None = None
    shipped_from: dt.date | None = None
    shipped_to: dt.date | None = None
    direction: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "carrier_uscc": self.carrier_uscc,
            "shipped_from": self.shipped_from,
            "shipped_to": self.shipped_to,
            "direction": self.direction,
        }


class ShippedWaybill(ReadModel):
    """A waybill as a shipment shows it."""

    id: str
    shipped_on: GraphDate
    carrier: str
    carrier_uscc: str | None = None
    logistics_code: str | None = None


class ShipmentRow(ReadModel):
    """A waybill, the order it ships (its direction: null if not sent) and the seller."""

    waybill: ShippedWaybill
    order_id: str
    direction: Annotated[Direction | None, BeforeValidator(_none_if_empty)] = None
    uscc: str
    name: str


async def shipments_page(
    driver: AsyncDriver,
    database: str,
    where: ShipmentQuery,
    visibility: VisibilityFilter,
    after: str | None,
    limit: int,
) -> list[ShipmentRow]:
    query = cypher.visible(cypher.SHIPMENTS_PAGE, visibility.predicate)
    params = {**where.params(), **visibility.params, "after": after, "limit": limit}
    records = await read_records(driver, database, query, params)
    return [ShipmentRow.model_validate(record.data()) for record in records]


async def shipments_count(
    driver: AsyncDriver, database: str, where: ShipmentQuery, visibility: VisibilityFilter
) -> int:
    query = cypher.visible(cypher.SHIPMENTS_COUNT, visibility.predicate)
    rows = await read_rows(driver, database, query, {**where.params(), **visibility.params})
    return int(rows[0]["totalCount"]) if rows else 0


class TradeDeclarationLine(ReadModel):
    """A customs declaration as a trade query shows it (its value to the cent)."""

    id: str
    mode: str
    direction: Direction
    declared_on: GraphDate
    value_cny: GraphMoney
    destination: str
    hs_code: str | None = None


class TradeDeclarationRow(ReadModel):
    """A declaration and its declarant."""

    declaration: TradeDeclarationLine
    uscc: str
    name: str


class DeclarationTotals(ReadModel):
    """The declarations a filter matches over all pages: how many, and their value."""

    total_count: int = 0
    total_value_cny: GraphMoney = Decimal(0)


async def declarations_page(
    driver: AsyncDriver,
    database: str,
    where: dict[str, Any],
    visibility: VisibilityFilter,
    after: str | None,
    limit: int,
) -> list[TradeDeclarationRow]:
    """`where`: the declaration filter's parameters (declared_from, declared_to, mode,
    direction, destination, hs_code_prefix)."""
    query = cypher.visible(cypher.DECLARATIONS_PAGE, visibility.predicate)
    params = {**where, **visibility.params, "after": after, "limit": limit}
    records = await read_records(driver, database, query, params)
    return [TradeDeclarationRow.model_validate(record.data()) for record in records]


async def declarations_totals(
    driver: AsyncDriver, database: str, where: dict[str, Any], visibility: VisibilityFilter
) -> DeclarationTotals:
    query = cypher.visible(cypher.DECLARATIONS_TOTALS, visibility.predicate)
    records = await read_records(driver, database, query, {**where, **visibility.params})
    return DeclarationTotals.model_validate(records[0].data()) if records else DeclarationTotals()
