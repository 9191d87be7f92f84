"""The GraphQL object types of the enterprise API and how each is built from a graph row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import strawberry
from strawberry import federation

from auth.policy import list_visibility
from graph_schema.model import (
    ClassificationScheme,
    Department,
    EnterpriseStatus,
    ListKind,
    ObjectionStatus,
    Severity,
)
from hub.api import documents, records
from hub.api.context import Context, Info
from hub.repairs.sharing import still_shared
from hub.repository import Row

# The graph model's enums are the API's enums: registering them keeps the two from drifting.
for _enum in (
    EnterpriseStatus,
    Severity,
    ListKind,
    Department,
    ClassificationScheme,
    ObjectionStatus,
):
    strawberry.enum(_enum)


@strawberry.type(description="A natural person; the ID number is kept only as a keyed hash.")
class Person:
    person_key: str | None = strawberry.field(
        description="HMAC of the ID number: stable, not reversible."
    )
    name: str
    id_masked: str | None = strawberry.field(description="Region and last four characters only.")

    @classmethod
    def from_row(cls, row: Row) -> Person:
        return cls(person_key=row["personKey"], name=row["name"], id_masked=row["idMasked"])


@strawberry.type
class LegalRepresentative:
    person: Person
    since: dt.date | None
    until: dt.date | None


@strawberry.type
class Officer:
    person: Person
    role: str
    since: dt.date | None
    until: dt.date | None


@strawberry.type
class Shareholder:
    person: Person | None = strawberry.field(description="Set when the holder is a person.")
    ratio: float = strawberry.field(description="Share of the capital, 0 to 1.")
    since: dt.date | None
    until: dt.date | None
    holder_uscc: strawberry.Private[str | None]

    @strawberry.field(description="Set when the holder is an enterprise.")
    async def enterprise(
        self, info: Info
    ) -> Annotated[Enterprise, strawberry.lazy("hub.api.types")] | None:
        if self.holder_uscc is None:
            return None
        row = await info.context.loaders.enterprise.load(self.holder_uscc)
        if row is None:
            return None
        info.context.loaders.touch(info.path, [row["uscc"]])
        return Enterprise.from_row(row)


@strawberry.type
class Holding:
    enterprise: Annotated[Enterprise, strawberry.lazy("hub.api.types")]
    ratio: float
    since: dt.date | None
    until: dt.date | None


@strawberry.type
class RegisteredAddress:
    text: str
    since: dt.date | None
    until: dt.date | None


@strawberry.type(description="A filing made once and shared with departments.")
class Filing:
    id: str
    kind: str
    filed_on: dt.date
    shared_with: list[Department]
    source: str
    filed_with: Department | None = strawberry.field(
        description="The department it was filed with; null if the filing did not say."
    )
    document_no: str | None = strawberry.field(description="The number that department gave it.")
    title: str | None = strawberry.field(description="What was filed, in the filer's words.")
    batch: str | None = strawberry.field(description=records.LINEAGE_BATCH)


@strawberry.type
class Disputable:
    """What an objection leaves on a record (`hub.objections`), the same on penalties, list
    entries and classifications."""

    withdrawn_on: dt.date | None = strawberry.field(
        description="Withdrawn by its department after an objection: it never counted."
    )
    objection_status: ObjectionStatus | None = strawberry.field(
        description="The latest objection to it: PENDING, or its department's answer."
    )
    objection_filed_at: dt.datetime | None
    objection_resolved_on: dt.date | None


@strawberry.type
class Penalty(Disputable):
    id: str
    department: Department
    case_no: str
    severity: Severity
    amount_cny: float
    decided_on: dt.date
    public_until: dt.date | None
    repaired_on: dt.date | None
    source: str
    batch: str | None = strawberry.field(description=records.LINEAGE_BATCH)


@strawberry.type
class ListEntry(Disputable):
    id: str
    list: ListKind
    department: Department
    listed_on: dt.date
    expires_on: dt.date | None
    removed_on: dt.date | None
    reason: str
    basis: str
    source: str | None
    batch: str | None = strawberry.field(description=records.LINEAGE_BATCH)


@strawberry.type
class Classification(Disputable):
    id: str
    department: Department
    scheme: ClassificationScheme
    value: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    batch: str | None = strawberry.field(description=records.LINEAGE_BATCH)


def _fact(cls: Any, row: Row) -> Any:
    """Build a fact type from its graph properties (camelCase) by the type's own field names."""
    fields = cls.__strawberry_definition__.fields
    values = {f.python_name: row.get(_camel(f.python_name)) for f in fields}
    return cls(**values)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@federation.type(keys=["uscc"], description="An enterprise, identified by its USCC.")
class Enterprise:
    uscc: strawberry.ID
    name: str
    name_en: str | None = strawberry.field(
        description="An English name beside the registered (Chinese) `name`; null if none was sent."
    )
    zone: str
    industry_belt: str | None
    registered_on: dt.date
    status: EnterpriseStatus

    @classmethod
    def from_row(cls, row: Row) -> Enterprise:
        return cls(
            uscc=strawberry.ID(row["uscc"]),
            name=row["name"],
            name_en=row.get("nameEn"),
            zone=row["zone"],
            industry_belt=row.get("industryBelt"),
            registered_on=row["registeredOn"],
            status=EnterpriseStatus(row["status"]),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, uscc: strawberry.ID) -> Enterprise | None:
        row = await info.context.loaders.enterprise.load(str(uscc))
        if row is None:
            return None
        info.context.loaders.touch(info.path, [row["uscc"]])
        return cls.from_row(row)

    preloaded: strawberry.Private[dict[str, Callable[[], Any]]] = dataclasses.field(
        default_factory=dict
    )
    """Relation fields whose rows were read with the enterprise (`with_relations`), by GraphQL
    field name: each shapes its value when asked, so a row that cannot be shaped fails its own
    field, as it would through a loader, not the whole answer."""

    @classmethod
    def with_relations(
        cls, context: Context, row: Row, related: dict[str, list[Row]]
    ) -> Enterprise:
        """The enterprise of `row` with the relation fields whose rows `related` holds (by
        relation name) ready to be shaped as their resolvers would shape them."""
        enterprise = cls.from_row(row)
        enterprise.preloaded = {
            name: partial(shape, context, enterprise.uscc, related[relation])
            for name, (relation, shape) in RELATION_SHAPES.items()
            if relation in related
        }
        return enterprise

    async def _related(self, info: Info, name: str) -> Any:
        if name in self.preloaded:
            return self.preloaded[name]()
        relation, shape = RELATION_SHAPES[name]
        rows = await info.context.loaders.relation(relation)(self.uscc)
        return shape(info.context, self.uscc, rows)

    @strawberry.field(description="The current legal representative.")
    async def legal_representative(self, info: Info) -> LegalRepresentative | None:
        return await self._related(info, "legalRepresentative")  # type: ignore[no-any-return]

    @strawberry.field
    async def officers(self, info: Info) -> list[Officer]:
        return await self._related(info, "officers")  # type: ignore[no-any-return]

    @strawberry.field(description="Who holds shares in this enterprise.")
    async def shareholders(self, info: Info) -> list[Shareholder]:
        return await self._related(info, "shareholders")  # type: ignore[no-any-return]

    @strawberry.field(description="Enterprises this enterprise holds shares in.")
    async def holdings(self, info: Info) -> list[Holding]:
        rows = await info.context.loaders.relation("holdings")(self.uscc)
        targets = await info.context.loaders.enterprise.load_many([r["target"] for r in rows])
        info.context.loaders.touch(info.path, [t["uscc"] for t in targets if t is not None])
        return [
            Holding(
                enterprise=Enterprise.from_row(target),
                ratio=r["rel"]["ratio"],
                since=r["rel"].get("since"),
                until=r["rel"].get("until"),
            )
            for r, target in zip(rows, targets, strict=True)
            if target is not None
        ]

    @strawberry.field
    async def addresses(self, info: Info) -> list[RegisteredAddress]:
        return await self._related(info, "addresses")  # type: ignore[no-any-return]

    @strawberry.field
    async def filings(self, info: Info) -> list[Filing] | None:
        return await self._related(info, "filings")  # type: ignore[no-any-return]

    @strawberry.field
    async def penalties(self, info: Info) -> list[Penalty] | None:
        return await self._related(info, "penalties")  # type: ignore[no-any-return]

    @strawberry.field
    async def list_entries(self, info: Info) -> list[ListEntry] | None:
        return await self._related(info, "listEntries")  # type: ignore[no-any-return]

    @strawberry.field
    async def classifications(self, info: Info) -> list[Classification] | None:
        return await self._related(info, "classifications")  # type: ignore[no-any-return]

    # the shared records (hub.api.records): catalog rules name each one's scope and consent
    declarations = strawberry.field(
        resolver=records.enterprise_declarations,
        description="Customs declarations, newest first (customs:read).",
    )
    returns = strawberry.field(
        resolver=records.enterprise_returns,
        description="Goods of export declarations that came back, newest first (customs:read).",
    )
    export_receipts = strawberry.field(
        resolver=records.enterprise_export_receipts,
        description="Export proceeds received from abroad, newest first (fx:read).",
    )
    tax_refunds = strawberry.field(
        resolver=records.enterprise_tax_refunds,
        description="Export tax refund claims, newest first (tax:read).",
    )
    overseas_warehouses = strawberry.field(
        resolver=records.enterprise_overseas_warehouses,
        description="Warehouses abroad it operates (logistics:read, commerce:read).",
    )
    loans = strawberry.field(
        resolver=records.enterprise_loans,
        description="Loans to it, newest first; a bank or insurer sees only its own.",
    )
    orders = strawberry.field(
        resolver=documents.enterprise_orders,
        description="Retail orders, newest first, each with its inventory list, payment, "
        "waybill and match (hub.api.documents).",
    )


# --- the relation fields of Enterprise, shaped from their rows (`hub.cypher` relation queries) --
#
# One function per field, used by its resolver (rows from a loader) and by `with_relations`
# (rows read with the enterprise): either way the same answer.


def _legal_representative(context: Context, uscc: str, rows: list[Row]) -> Any:
    current = [r for r in rows if r["rel"].get("until") is None]
    if not current:
        return None
    row = current[0]
    return LegalRepresentative(
        person=Person.from_row(row["person"]),
        since=row["rel"].get("since"),
        until=row["rel"].get("until"),
    )


def _officers(context: Context, uscc: str, rows: list[Row]) -> Any:
    return [
        Officer(
            person=Person.from_row(r["person"]),
            role=r["rel"]["role"],
            since=r["rel"].get("since"),
            until=r["rel"].get("until"),
        )
        for r in rows
    ]


def _shareholders(context: Context, uscc: str, rows: list[Row]) -> Any:
    return [
        Shareholder(
            person=Person.from_row(r["holder"]) if r["kind"] == "PERSON" else None,
            holder_uscc=r["holder"]["uscc"] if r["kind"] == "ENTERPRISE" else None,
            ratio=r["rel"]["ratio"],
            since=r["rel"].get("since"),
            until=r["rel"].get("until"),
        )
        for r in rows
    ]


def _addresses(context: Context, uscc: str, rows: list[Row]) -> Any:
    return [
        RegisteredAddress(
            text=r["address"]["text"], since=r["rel"].get("since"), until=r["rel"].get("until")
        )
        for r in rows
    ]


def _filings(context: Context, uscc: str, rows: list[Row]) -> Any:
    return [_fact(Filing, r["fact"]) for r in rows]


def _penalties(context: Context, uscc: str, rows: list[Row]) -> Any:
    # a repaired penalty is no longer shared with other departments (NDRC Order 36 art. 3)
    shown = partial(still_shared, context.principal, subject=uscc, today=context.now.date())
    return [
        _fact(Penalty, r["fact"])
        for r in rows
        if shown(department=r["fact"]["department"], repaired_on=r["fact"].get("repairedOn"))
    ]


def _list_entries(context: Context, uscc: str, rows: list[Row]) -> Any:
    lists = list_visibility(context.services.rules.catalog, context.principal)
    return [_fact(ListEntry, r["fact"]) for r in rows if lists.shows(r["fact"]["list"])]


def _classifications(context: Context, uscc: str, rows: list[Row]) -> Any:
    return [_fact(Classification, r["fact"]) for r in rows]


RelationShape = Callable[[Context, str, list[Row]], Any]

RELATION_SHAPES: dict[str, tuple[str, RelationShape]] = {
    "legalRepresentative": ("legal_representatives", _legal_representative),
    "officers": ("officers", _officers),
    "shareholders": ("shareholders", _shareholders),
    "addresses": ("addresses", _addresses),
    "filings": ("filings", _filings),
    "penalties": ("penalties", _penalties),
    "listEntries": ("list_entries", _list_entries),
    "classifications": ("classifications", _classifications),
}
"""GraphQL field of Enterprise -> the relation it reads and how its rows become its value.
(`holdings` is not here: it reads the targets through the visibility filter as well.)"""


# shareable: every Relay subgraph of a supergraph defines the same PageInfo
@federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
        """The page info of a keyset page: its edges' cursors, whether more follow, and the
        cursor it was asked after (a page asked after one has a page before it)."""
        return cls(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type
class EnterpriseEdge:
    cursor: str
    node: Enterprise
