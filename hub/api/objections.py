"""Objections in the API: an enterprise files them against its own records (scope
objection:write) and follows them; departments read their queue of pending ones.

The answer is not given here: the record's department sends an `objection.resolution@1`
record through its signed connector, like every other fact it keeps.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from graphql import GraphQLError

from auth.catalog import VisibilityMode
from auth.policy import enterprise_visibility, list_visibility
from graph_schema.model import Department, ObjectionStatus
from hub.api.context import Info, own_uscc
from hub.api.errors import bad_user_input
from hub.api.pagination import (
    bounded,
    decode_time_cursor,
    encode_cursor,
    encode_time_cursor,
)
from hub.api.types import PageInfo
from hub.objections import (
    Objection,
    ObjectionError,
    file_objection,
    objection_queue,
    objections_of,
)


@strawberry.type(name="Objection", description="An enterprise's objection to one of its records.")
class ObjectionType:
    id: str
    record_id: str = strawberry.field(description="The penalty, list entry or classification.")
    record_kind: str = strawberry.field(description="Penalty, ListEntry or Classification.")
    department: str = strawberry.field(description="The record's department, which answers.")
    uscc: str
    reason: str
    filed_at: dt.datetime
    status: ObjectionStatus
    resolved_on: dt.date | None
    resolution: str | None = strawberry.field(description="The department's reason.")

    @classmethod
    def of(cls, o: Objection) -> ObjectionType:
        return cls(
            id=o.id,
            record_id=o.record_id,
            record_kind=o.record_kind,
            department=o.department,
            uscc=o.uscc,
            reason=o.reason,
            filed_at=o.filed_at,
            status=o.status,
            resolved_on=o.resolved_on,
            resolution=o.resolution,
        )


@strawberry.type
class ObjectionEdge:
    cursor: str
    node: ObjectionType


@strawberry.type
class ObjectionConnection:
    edges: list[ObjectionEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="Objections the filter keeps that the caller may see, over all pages."
    )


async def file(info: Info, record_id: str, reason: str) -> ObjectionType:
    services = info.context.services
    try:
        objection = await file_objection(
            services.driver,
            services.database,
            uscc=own_uscc(info, "files and follows its objections"),
            record_id=record_id,
            reason=reason,
            client_id=info.context.principal.client_id,
            now=info.context.now,
        )
    except ObjectionError as error:
        raise bad_user_input(str(error), argument=error.field) from None
    return ObjectionType.of(objection)


async def mine(info: Info) -> list[ObjectionType]:
    services = info.context.services
    found = await objections_of(
        services.driver,
        services.database,
        own_uscc(info, "files and follows its objections"),
    )
    return _read(info, found)


async def of_enterprise(info: Info, uscc: str) -> list[ObjectionType]:
    """For a profile the caller may already see: the objections to the records it may see."""
    services = info.context.services
    found = await objections_of(services.driver, services.database, uscc)
    return _read(info, [o for o in found if _record_visible(info, o)])


RECORD_FIELDS = {"Penalty": "penalties", "Classification": "classifications"}
"""The Enterprise field that carries each kind of record an objection may concern."""


def _record_visible(info: Info, objection: Objection) -> bool:
    """An objection names its record (id, kind, department), so it shows only where that
    record would: a list entry where its list is visible to the caller (never SAFE class C to
    a bank), a penalty or classification to a caller who may read those."""
    return _kind_visible(info, objection.record_kind, objection.record_list)


def _kind_visible(info: Info, record_kind: str, record_list: str | None) -> bool:
    """Whether the caller may see objections to records of this kind (and list)."""
    context = info.context
    if record_kind == "ListEntry":
        return (
            record_list is not None
            and context.decide("Enterprise", "listEntries").allowed
            and list_visibility(context.services.rules.catalog, context.principal).shows(
                record_list
            )
        )
    return context.decide("Enterprise", RECORD_FIELDS[record_kind]).allowed


def _read(info: Info, objections: list[Objection]) -> list[ObjectionType]:
    """The objections as the answer carries them, their enterprises touched for the audit."""
    info.context.loaders.touch(info.path, (o.uscc for o in objections))
    return [ObjectionType.of(o) for o in objections]


async def queue(
    info: Info,
    status: ObjectionStatus,
    department: Department | None,
    first: int | None,
    after: str | None,
) -> ObjectionConnection:
    """The departments' queue; an enterprise sees only its own, banks none."""
    mode = enterprise_visibility(info.context.services.rules.catalog, info.context.principal).mode
    size = bounded(first, info.context.services.settings.limits.objection_queue)
    if mode is VisibilityMode.SELF:
        own = [o for o in await mine(info) if o.status == status]  # a handful at most
        cursors = [encode_cursor(o.id, "objection") for o in own]
        return ObjectionConnection(
            edges=[ObjectionEdge(cursor=c, node=o) for c, o in zip(cursors, own, strict=True)],
            page_info=PageInfo.of(cursors, False, None),
            total_count=len(own),
        )
    if mode is not VisibilityMode.ALL:
        raise GraphQLError(
            "objections are read by the departments and by the enterprise itself",
            extensions={"code": "FORBIDDEN"},
        )
    position = decode_time_cursor(after, "objection") if after else None
    services = info.context.services
    groups, rows = await objection_queue(
        services.driver,
        services.database,
        status=status,
        department=department.value if department else None,
        limit=size + 1,
        after=position,
    )
    # a department sees the queue of the records it may see (a page may come out shorter;
    # the page's cursors still move past what it could not see)
    read = rows[:size]
    cursors = [encode_time_cursor(o.filed_at, o.id, "objection") for o in read]
    shown = [(c, o) for c, o in zip(cursors, read, strict=True) if _record_visible(info, o)]
    nodes = _read(info, [o for _, o in shown])
    return ObjectionConnection(
        edges=[
            ObjectionEdge(cursor=c, node=node) for (c, _), node in zip(shown, nodes, strict=True)
        ],
        page_info=PageInfo.of(cursors, len(rows) > size, after),
        total_count=sum(g.n for g in groups if _kind_visible(info, g.record_kind, g.record_list)),
    )


@strawberry.type
class ObjectionQuery:
    @strawberry.field(description="Your objections to your records, newest first.")
    async def my_objections(self, info: Info) -> list[ObjectionType]:
        return await mine(info)

    @strawberry.field(
        description="Objections in `status` (default PENDING), oldest first: a department's "
        "queue of records to answer with an objection.resolution@1 record."
    )
    async def objections(
        self,
        info: Info,
        status: ObjectionStatus = ObjectionStatus.PENDING,
        department: Department | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ObjectionConnection | None:
        return await queue(info, status, department, first, after)


@strawberry.type
class ObjectionMutation:
    @strawberry.mutation(
        description="Object to one of your penalties, list entries or classifications: it is "
        "shown as under objection until its department answers (upheld, corrected, removed)."
    )
    async def file_objection(self, info: Info, record_id: str, reason: str) -> ObjectionType:
        return await file(info, record_id, reason)
