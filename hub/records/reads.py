"""Reads the shared records of enterprises a keyset page at a time, and their totals.

One statement reads the pages of every enterprise asked, and one their totals
(`hub.records.cypher`); the caller says which connection (`RecordKind`), the enterprises, the
filter's parameters (every one a connection's statements read, null when not set) and where
the pages start. A page's records are read into the kind's row type (`DeclarationRow`, ...),
the totals into `RecordTotals`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final

from neo4j import AsyncDriver
from pydantic import BeforeValidator

from graph_schema.model import Direction, LoanStatus, TaxRefundStatus
from graph_schema.read_model import EmptyIfNull, GraphDate, GraphMoney, ReadModel, read_records
from hub.records import cypher


class RecordKind(StrEnum):
    """The shared records an enterprise connection pages through."""

    DECLARATIONS = "declarations"
    RETURNS = "returns"
    EXPORT_RECEIPTS = "export_receipts"
    TAX_REFUNDS = "tax_refunds"
    OVERSEAS_WAREHOUSES = "overseas_warehouses"
    LOANS = "loans"


@dataclass(frozen=True)
class Key:
    """Where a page starts: after the record of this (date, id); `on` is None for a
    connection ordered by id alone."""

    on: dt.date | None
    id: str


class Lineage(ReadModel):
    """Which connector sent a record (`source`) in which batch (`batch`)."""

    source: str | None = None
    batch: str | None = None


class SharedRecord(Lineage):
    """A record a connection pages through, by its keyset key."""

    id: str

    @property
    def on(self) -> dt.date | None:
        """The date pages are ordered by (newest first, then id); None: by id alone."""
        return None

    @property
    def key(self) -> Key:
        return Key(on=self.on, id=self.id)


class DeclarationRow(SharedRecord):
    """A customs declaration as `customs.declaration@1` wrote it."""

    mode: str
    direction: Direction
    declared_on: GraphDate
    value_cny: GraphMoney
    destination: str
    hs_code: str

    @property
    def on(self) -> dt.date:
        return self.declared_on


class ReturnRow(SharedRecord):
    """Goods of an export declaration that came back, as `customs.return@1` wrote them."""

    declaration_id: str
    returned_on: GraphDate
    value_cny: GraphMoney
    reason: str

    @property
    def on(self) -> dt.date:
        return self.returned_on


class ExportReceiptRow(SharedRecord):
    """Export proceeds received from abroad, as `fx.export_receipt@1` wrote them."""

    received_on: GraphDate
    amount: GraphMoney
    currency: str
    amount_cny: GraphMoney
    payer_country: str
    bank: str
    bank_uscc: str | None = None
    declaration_id: str | None = None
    order_id: str | None = None

    @property
    def on(self) -> dt.date:
        return self.received_on


class TaxRefundRow(SharedRecord):
    """An export tax refund claim as `tax.refund@1` wrote it."""

    claimed_on: GraphDate
    amount_cny: GraphMoney
    status: TaxRefundStatus
    paid_on: GraphDate | None = None

    @property
    def on(self) -> dt.date:
        return self.claimed_on


class OverseasWarehouseRow(SharedRecord):
    """A warehouse abroad as `commerce.overseas_warehouse@1` wrote it, with the days the
    enterprise's tie to it began and ended (null: not sent, not ended)."""

    name: str
    country: str
    city: str
    stock_value_cny: GraphMoney
    stock_as_of: GraphDate
    since: GraphDate | None = None
    until: GraphDate | None = None


class LoanRow(SharedRecord):
    """A loan as `bank.loan@1` wrote it."""

    lender: str
    amount_cny: GraphMoney
    granted_on: GraphDate
    due_on: GraphDate
    status: LoanStatus

    @property
    def on(self) -> dt.date:
        return self.granted_on


def _zero_if_null(value: Any) -> Any:
    return 0 if value is None else value


Count = Annotated[int, BeforeValidator(_zero_if_null)]


class TotalGroup(ReadModel):
    """The records of one status or currency (`key`), summed; `amount` in the currency, for
    currency groups only."""

    key: str
    count: Count
    amount_cny: GraphMoney
    amount: GraphMoney = Decimal(0)


class RecordTotals(ReadModel):
    """The totals of one connection over every record its filter matches: the count and the
    sums its statement computes (the others zero), and for some the groups."""

    total_count: Count = 0
    total_value_cny: GraphMoney = Decimal(0)
    total_amount_cny: GraphMoney = Decimal(0)
    total_stock_cny: GraphMoney = Decimal(0)
    groups: EmptyIfNull[TotalGroup] = ()


@dataclass(frozen=True)
class RecordQueries:
    page: str
    totals: str
    row: type[SharedRecord]
    """What a page's records are read into."""


QUERIES: Final[Mapping[RecordKind, RecordQueries]] = {
    RecordKind.DECLARATIONS: RecordQueries(
        cypher.DECLARATIONS_PAGE, cypher.DECLARATIONS_TOTALS, DeclarationRow
    ),
    RecordKind.RETURNS: RecordQueries(cypher.RETURNS_PAGE, cypher.RETURNS_TOTALS, ReturnRow),
    RecordKind.EXPORT_RECEIPTS: RecordQueries(
        cypher.EXPORT_RECEIPTS_PAGE, cypher.EXPORT_RECEIPTS_TOTALS, ExportReceiptRow
    ),
    RecordKind.TAX_REFUNDS: RecordQueries(
        cypher.TAX_REFUNDS_PAGE, cypher.TAX_REFUNDS_TOTALS, TaxRefundRow
    ),
    RecordKind.OVERSEAS_WAREHOUSES: RecordQueries(
        cypher.OVERSEAS_WAREHOUSES_PAGE, cypher.OVERSEAS_WAREHOUSES_TOTALS, OverseasWarehouseRow
    ),
    RecordKind.LOANS: RecordQueries(cypher.LOANS_PAGE, cypher.LOANS_TOTALS, LoanRow),
}


async def record_pages(
    driver: AsyncDriver,
    database: str,
    kind: RecordKind,
    usccs: Sequence[str],
    filters: Mapping[str, Any],
    after: Key | None,
    limit: int,
) -> dict[str, list[SharedRecord]]:
    """For each enterprise of `usccs` found, up to `limit` of its records matching `filters`,
    after `after`, each read into the kind's row type; one query for all of them."""
    params = {
        **filters,
        "usccs": list(usccs),
        "after_on": after.on if after is not None else None,
        "after_id": after.id if after is not None else None,
        "limit": limit,
    }
    queries = QUERIES[kind]
    records = await read_records(driver, database, queries.page, params)
    return {
        record["uscc"]: [queries.row.model_validate(node) for node in record["nodes"]]
        for record in records
    }


async def record_totals(
    driver: AsyncDriver,
    database: str,
    kind: RecordKind,
    usccs: Sequence[str],
    filters: Mapping[str, Any],
) -> dict[str, RecordTotals]:
    """For each enterprise of `usccs` found, the totals of every record of it matching
    `filters`; one query for all of them."""
    records = await read_records(
        driver, database, QUERIES[kind].totals, {**filters, "usccs": list(usccs)}
    )
    return {record["uscc"]: RecordTotals.model_validate(record["totals"]) for record in records}
