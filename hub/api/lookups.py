"""The credit services of the single window (Zhengzhou plan 八.1) in the API: `verifyIdentity`,
`creditRecord`, `commodity`, and the transport and trade queries `shipments` and
`tradeDeclarations`. This module maps requests to `hub.lookups` and back; who may read what is
the catalog's (auth/catalog.json) and `auth.policy`'s, applied by the field policy and the
visibility filter every read goes through (docs/credit-services.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from auth.policy import list_visibility
from graph_schema.model import (
    ClassificationScheme,
    Department,
    Direction,
    EnterpriseStatus,
    ListKind,
    Severity,
)
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_day, checked_uscc, shown
from hub.api.pagination import bounded, decode_cursor, encode_cursor
from hub.api.records import DeclarationFilter, node_of
from hub.api.types import PageInfo
from hub.lookups import commodity as goods
from hub.lookups import identity, reads, record
from hub.repairs import RepairApplication, repair_applications_of

NAME_MAX = 200
"""The longest name `verifyIdentity` compares (registered names are far shorter)."""
CARRIER_MAX = 100

strawberry.enum(identity.StatusCertainty, description="How far the graph knows the status then.")
strawberry.enum(goods.PositiveListStatus, description="A code on the cross-border retail list.")
strawberry.enum(goods.Effect, description="What a goods-list entry says of the goods.")


# --- verifyIdentity --------------------------------------------------------------------------


@strawberry.type(
    description="Whether a USCC belongs to the name given and, only when it does, the "
    "registration's status on the date asked (registration facts the law publishes). A wrong "
    "name and an unknown code answer alike: matches false, everything else null."
)
class IdentityVerification:
    uscc: str = strawberry.field(description="The code as asked, normalised.")
    matches: bool = strawberry.field(description="The name matches the registered or English name.")
    name_matches: bool = strawberry.field(description="It matches the registered (Chinese) name.")
    english_name_matches: bool
    as_of: dt.date
    registered_on: dt.date | None
    registered: bool | None = strawberry.field(
        description="Registered by asOf and not yet revoked or deregistered then."
    )
    status: EnterpriseStatus | None = strawberry.field(
        description="The status on asOf; null when the graph does not hold it for that date."
    )
    status_since: dt.date | None = strawberry.field(
        description="The day the current status took effect, when the registry sent it."
    )
    status_certainty: identity.StatusCertainty | None

    @classmethod
    def of(cls, v: identity.Verification) -> IdentityVerification:
        return cls(
            uscc=v.uscc,
            matches=v.matches,
            name_matches=v.name_matches,
            english_name_matches=v.english_name_matches,
            as_of=v.as_of,
            registered_on=v.registered_on,
            registered=v.registered,
            status=v.status,
            status_since=v.status_since,
            status_certainty=v.certainty,
        )


async def verify_identity(
    info: Info, uscc: str, name: str, as_of: dt.date | None
) -> IdentityVerification:
    code = checked_uscc(uscc)
    if not name.strip() or len(name) > NAME_MAX:
        raise bad_user_input(f"name must be 1 to {NAME_MAX} characters", argument="name")
    day = checked_day(as_of, "asOf") or info.context.now.date()
    services = info.context.services
    row = await reads.identity_row(services.driver, services.database, code)
    verified = identity.verify(code, name, day, row)
    if verified.matches:
        info.context.loaders.touch(info.path, [code])
    return IdentityVerification.of(verified)


# --- creditRecord ------------------------------------------------------------------------------


@strawberry.type(description="A list entry in force, as published.")
class RecordListEntry:
    id: str
    list: ListKind
    department: Department
    listed_on: dt.date
    expires_on: dt.date | None
    reason: str
    basis: str


@strawberry.type(description="A penalty in its publicity period.")
class PublicPenalty:
    id: str
    department: Department
    case_no: str
    severity: Severity
    amount_cny: float
    decided_on: dt.date
    public_until: dt.date = strawberry.field(
        description="Last day of publicity is the day before: the recorded end, else the "
        "longest period of its severity (graph_schema/publicity.json)."
    )
    basis: str = strawberry.field(description="The publicity rule of its decision date.")


@strawberry.type(description="A department's classification in effect.")
class RecordClassification:
    department: Department
    scheme: ClassificationScheme
    value: str
    effective_from: dt.date
    effective_to: dt.date | None


@strawberry.type(description="A penalty repaired, and the application behind the repair.")
class RepairRecord:
    penalty_id: str
    department: Department
    case_no: str
    decided_on: dt.date
    repaired_on: dt.date
    application_id: str | None = strawberry.field(
        description="The granted application; null when the department repaired on its own record."
    )
    application_filed_at: dt.datetime | None
    decision: str | None


@strawberry.type(
    description="The credit record a credit service issues: entries in force, penalties in "
    "publicity, classifications in effect and repairs, each as the caller may see them."
)
class CreditRecord:
    uscc: strawberry.ID
    name: str
    status: EnterpriseStatus
    as_of: dt.date

    @strawberry.field(description="Entries in force of the lists the caller may see.")
    async def list_entries(self, info: Info) -> list[RecordListEntry] | None:
        rows = await info.context.loaders.relation("list_entries")(self.uscc)
        context = info.context
        lists = list_visibility(context.services.rules.catalog, context.principal)
        return [
            node_of(RecordListEntry, reads.ListEntryRow.model_validate(r))
            for r in record.entries_in_force([r["fact"] for r in rows], lists, self.as_of)
        ]

    @strawberry.field(description="Penalties in their publicity period, newest first.")
    async def penalties(self, info: Info) -> list[PublicPenalty] | None:
        rows = await info.context.loaders.relation("penalties")(self.uscc)
        found = record.penalties_in_publicity(
            [r["fact"] for r in rows], info.context.principal, self.uscc, self.as_of
        )
        return [
            node_of(
                PublicPenalty,
                reads.PenaltyRow.model_validate(p.row),
                public_until=p.public_until,
                basis=p.basis,
            )
            for p in found
        ]

    @strawberry.field(description="Each scheme's classification in effect.")
    async def classifications(self, info: Info) -> list[RecordClassification] | None:
        rows = await info.context.loaders.relation("classifications")(self.uscc)
        return [
            node_of(RecordClassification, reads.ClassificationRow.model_validate(r))
            for r in record.classifications_in_effect([r["fact"] for r in rows], self.as_of)
        ]

    @strawberry.field(
        description="Repaired penalties, for those who keep them (the enterprise, the deciding "
        "department, audit), newest repair first."
    )
    async def repairs(self, info: Info) -> list[RepairRecord] | None:
        rows = await info.context.loaders.relation("penalties")(self.uscc)
        services = info.context.services
        applications = await repair_applications_of(services.driver, services.database, self.uscc)
        found = record.repair_history(
            [r["fact"] for r in rows], applications, info.context.principal, self.uscc, self.as_of
        )
        return [_repair(reads.PenaltyRow.model_validate(r.penalty), r.application) for r in found]


def _repair(penalty: reads.PenaltyRow, application: RepairApplication | None) -> RepairRecord:
    return node_of(
        RepairRecord,
        penalty,
        penalty_id=penalty.id,
        application_id=application.id if application else None,
        application_filed_at=application.filed_at if application else None,
        decision=application.decision if application else None,
    )


async def credit_record(info: Info, uscc: str) -> CreditRecord | None:
    row = await info.context.loaders.enterprise.load(checked_uscc(uscc))
    if row is None:
        return None  # unknown or hidden: the same
    info.context.loaders.touch(info.path, [row["uscc"]])
    return CreditRecord(
        uscc=strawberry.ID(row["uscc"]),
        name=row["name"],
        status=EnterpriseStatus(row["status"]),
        as_of=info.context.now.date(),
    )


# --- commodity ---------------------------------------------------------------------------------


@strawberry.type(description="An HS chapter or heading and its title.")
class HsTitle:
    code: str
    title: str


@strawberry.type(description="Where a goods-list entry comes from.")
class GoodsListSource:
    id: str
    instrument: str
    issued_by: str
    effective_from: str
    number: str = strawberry.field(description="The instrument's number, or why it is not given.")
    confirmed_by: str


@strawberry.type(description="An entry of a goods list that bears on the code asked.")
class GoodsListEntry:
    list_id: str
    list_name: str
    list_name_en: str
    kind: str = strawberry.field(description="POSITIVE, PROHIBITION or RESTRICTION.")
    edition: str
    code: str
    effect: goods.Effect
    item: str
    mapping: str | None = strawberry.field(
        description="How an item the list names in words maps onto the code."
    )
    covers: bool = strawberry.field(
        description="The entry applies to the whole code asked; false: a narrower line under it."
    )
    source: GoodsListSource


@strawberry.type(description="Declarations under one declared HS code.")
class DeclaredLine:
    hs_code: str
    declarations: int
    value_cny: Decimal
    enterprises: int


@strawberry.type(description="Declarations under the code asked, in total and per declared code.")
class DeclaredLines:
    declarations: int
    value_cny: Decimal
    enterprises: int
    lines: list[DeclaredLine]


@strawberry.type(description="What an HS code names and what the goods lists say of it.")
class Commodity:
    hs_code: str
    chapter: HsTitle | None
    heading: HsTitle | None = strawberry.field(
        description="Null when the hub's nomenclature file does not hold the heading."
    )
    nomenclature: str
    cross_border_retail_import: goods.PositiveListStatus = strawberry.field(
        description="On the cross-border e-commerce retail import list, as far as the hub's "
        "partial copy tells (NOT_KNOWN: no line held)."
    )
    list_entries: list[GoodsListEntry]

    @strawberry.field(
        description="Declarations under this code across the enterprises the caller sees, or "
        "of one enterprise (`uscc`; null when it is unknown or hidden)."
    )
    async def declared_lines(self, info: Info, uscc: str | None = None) -> DeclaredLines | None:
        code = checked_uscc(uscc) if uscc is not None else None
        if code is not None and await info.context.loaders.enterprise.load(code) is None:
            return None
        services = info.context.services
        lines = await reads.declared_lines(
            services.driver, services.database, self.hs_code, info.context.loaders.visibility, code
        )
        if code is not None:
            info.context.loaders.touch(info.path, [code])
        everyone = frozenset().union(*(line.usccs for line in lines))
        return DeclaredLines(
            declarations=sum(line.declarations for line in lines),
            value_cny=sum((line.value_cny for line in lines), Decimal(0)),
            enterprises=len(everyone),
            lines=[
                DeclaredLine(
                    hs_code=line.hs_code,
                    declarations=line.declarations,
                    value_cny=line.value_cny,
                    enterprises=len(line.usccs),
                )
                for line in lines
            ],
        )


def _title(item: goods.Titled | None) -> HsTitle | None:
    return HsTitle(code=item.code, title=item.title) if item is not None else None


def _entry(match: goods.Match) -> GoodsListEntry:
    source = goods.GOODS_LISTS.source(match.entry.source)
    return GoodsListEntry(
        list_id=match.goods_list.id,
        list_name=match.goods_list.name,
        list_name_en=match.goods_list.name_en,
        kind=match.goods_list.kind,
        edition=match.goods_list.edition,
        code=match.entry.code,
        effect=match.entry.effect,
        item=match.entry.item,
        mapping=match.entry.mapping,
        covers=match.covers,
        source=GoodsListSource(
            id=source.id,
            instrument=source.instrument,
            issued_by=source.issued_by,
            effective_from=source.effective_from,
            number=source.number,
            confirmed_by=source.confirmed_by,
        ),
    )


def commodity(hs_code: str) -> Commodity:
    try:
        code = goods.checked_hs_code(hs_code)
    except goods.HsCodeError as problem:
        raise bad_user_input(
            f"hsCode {shown(hs_code)!r} {problem}", argument="hsCode", rule=problem.rule
        ) from None
    described = goods.describe(code)
    return Commodity(
        hs_code=code,
        chapter=_title(described.chapter),
        heading=_title(described.heading),
        nomenclature=goods.NOMENCLATURE.nomenclature,
        cross_border_retail_import=described.positive_list,
        list_entries=[_entry(m) for m in described.matches],
    )


# --- transport and trade queries ---------------------------------------------------------------


@strawberry.input(
    description="Waybills to list; every field left out matches all. Waybills carry no "
    "destination (see tradeDeclarations for destinations)."
)
class ShipmentFilter:
    carrier: str | None = strawberry.field(
        default=None, description="A substring of the carrier's name, in any case."
    )
    carrier_uscc: str | None = strawberry.field(
        default=None, description="The carrier's USCC, where the waybill names it."
    )
    shipped_from: dt.date | None = None
    shipped_to: dt.date | None = None
    direction: Direction | None = strawberry.field(
        default=None, description="The direction of the order shipped."
    )

    def to_query(self) -> reads.ShipmentQuery:
        checked_day(self.shipped_from, "filter.shippedFrom")
        checked_day(self.shipped_to, "filter.shippedTo")
        if self.shipped_from and self.shipped_to and self.shipped_from > self.shipped_to:
            raise bad_user_input(
                "filter.shippedFrom is after filter.shippedTo", argument="filter.shippedFrom"
            )
        carrier = self.carrier.strip() if self.carrier is not None else None
        if carrier is not None and not 1 <= len(carrier) <= CARRIER_MAX:
            raise bad_user_input(
                f"filter.carrier must be 1 to {CARRIER_MAX} characters", argument="filter.carrier"
            )
        carrier_uscc = (
            checked_uscc(self.carrier_uscc, "filter.carrierUscc")
            if self.carrier_uscc is not None
            else None
        )
        return reads.ShipmentQuery(
            carrier=carrier,
            carrier_uscc=carrier_uscc,
            shipped_from=self.shipped_from,
            shipped_to=self.shipped_to,
            direction=self.direction.value if self.direction else None,
        )


@strawberry.type(description="A waybill and the order it ships.")
class Shipment:
    id: str
    shipped_on: dt.date
    carrier: str
    carrier_uscc: str | None = strawberry.field(
        description="The carrier's USCC; null on waybills sent before it was recorded."
    )
    logistics_code: str | None
    order_id: str
    direction: Direction | None
    seller_uscc: str
    seller_name: str


@strawberry.type
class ShipmentEdge:
    cursor: str
    node: Shipment


@strawberry.type
class ShipmentConnection:
    edges: list[ShipmentEdge]
    page_info: PageInfo
    where: strawberry.Private[reads.ShipmentQuery]

    @strawberry.field(description="Waybills matching the filter, over all pages.")
    async def total_count(self, info: Info) -> int:
        services = info.context.services
        return await reads.shipments_count(
            services.driver, services.database, self.where, info.context.loaders.visibility
        )


@strawberry.type(description="A customs declaration and its declarant.")
class TradeDeclaration:
    id: str
    mode: str
    direction: Direction
    declared_on: dt.date
    value_cny: Decimal
    destination: str
    hs_code: str | None
    declarant_uscc: str
    declarant_name: str


@strawberry.type
class TradeDeclarationEdge:
    cursor: str
    node: TradeDeclaration


@strawberry.type
class TradeDeclarationConnection:
    edges: list[TradeDeclarationEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Declarations matching, over all pages.")
    total_value_cny: Decimal


async def shipments(
    info: Info, filter: ShipmentFilter | None, first: int | None, after: str | None
) -> ShipmentConnection:
    limit = bounded(first, info.context.services.settings.limits.shipments)
    where = (filter or ShipmentFilter()).to_query()
    after_id = decode_cursor(after, "shipment") if after is not None else None
    services = info.context.services
    rows = await reads.shipments_page(
        services.driver,
        services.database,
        where,
        info.context.loaders.visibility,
        after_id,
        limit + 1,
    )
    page = rows[:limit]
    info.context.loaders.touch(info.path, [r.uscc for r in page])
    edges = [
        ShipmentEdge(
            cursor=encode_cursor(r.waybill.id, "shipment"),
            node=node_of(
                Shipment,
                r.waybill,
                order_id=r.order_id,
                direction=r.direction,
                seller_uscc=r.uscc,
                seller_name=r.name,
            ),
        )
        for r in page
    ]
    return ShipmentConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > limit, after),
        where=where,
    )


async def trade_declarations(
    info: Info, filter: DeclarationFilter | None, first: int | None, after: str | None
) -> TradeDeclarationConnection:
    limit = bounded(first, info.context.services.settings.limits.trade_declarations)
    where = (filter or DeclarationFilter()).params()
    after_id = decode_cursor(after, "declaration") if after is not None else None
    services = info.context.services
    visibility = info.context.loaders.visibility
    rows = await reads.declarations_page(
        services.driver, services.database, where, visibility, after_id, limit + 1
    )
    totals = await reads.declarations_totals(services.driver, services.database, where, visibility)
    page = rows[:limit]
    info.context.loaders.touch(info.path, [r.uscc for r in page])
    edges = [
        TradeDeclarationEdge(
            cursor=encode_cursor(r.declaration.id, "declaration"),
            node=node_of(
                TradeDeclaration, r.declaration, declarant_uscc=r.uscc, declarant_name=r.name
            ),
        )
        for r in page
    ]
    return TradeDeclarationConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > limit, after),
        total_count=totals.total_count,
        total_value_cny=totals.total_value_cny,
    )


@strawberry.type
class LookupsQuery:
    @strawberry.field(
        description="Does this USCC belong to this registered (or English) name, compared "
        "after folding full-width forms, spaces and case; and, if it does, its registration "
        "status on `asOf` (default today). For a bank or platform onboarding a seller."
    )
    async def verify_identity(
        self, info: Info, uscc: str, name: str, as_of: dt.date | None = None
    ) -> IdentityVerification | None:
        return await verify_identity(info, uscc, name, as_of)

    @strawberry.field(
        description="The credit record of an enterprise as of today, as the caller may see "
        "it; null when the hub does not know it (or the caller may not see it)."
    )
    async def credit_record(self, info: Info, uscc: str) -> CreditRecord | None:
        return await credit_record(info, uscc)

    @strawberry.field(
        description="An HS code's chapter and heading, and what the goods lists say of it. "
        "`hsCode`: 6 to 10 digits of an HS chapter (01 to 97, not 77), a dot allowed only "
        "after the heading and the subheading (610910, 6109.10, 6109.10.00)."
    )
    def commodity(self, hs_code: str) -> Commodity | None:
        return commodity(hs_code)

    @strawberry.field(
        description="Waybills of the orders of the enterprises the caller sees, by id, a page "
        "at a time (Relay)."
    )
    async def shipments(
        self,
        info: Info,
        filter: ShipmentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ShipmentConnection | None:
        return await shipments(info, filter, first, after)

    @strawberry.field(
        description="Declarations of the enterprises the caller sees, by id, a page at a time "
        "(Relay), with the totals over all pages."
    )
    async def trade_declarations(
        self,
        info: Info,
        filter: DeclarationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> TradeDeclarationConnection | None:
        return await trade_declarations(info, filter, first, after)


__all__ = ["LookupsQuery"]
