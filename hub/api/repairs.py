"""Repair applications in the API: an enterprise applies for the repair of its own penalty
(scope objection:write, as for its objections) and follows its applications; the deciding
departments read their queue, audit reads every queue.

The decision is not given here: the penalty's department sends a `repair.decision@1` record
through its signed connector, like every other fact it keeps (`hub.repairs`).
"""

from __future__ import annotations

import datetime as dt

import strawberry
from graphql import GraphQLError

from graph_schema.model import Department
from graph_schema.publicity import RepairStatus
from hub.api.context import Info, own_uscc
from hub.api.errors import bad_user_input
from hub.api.pagination import (
    bounded,
    decode_time_cursor,
    encode_cursor,
    encode_time_cursor,
)
from hub.api.types import PageInfo
from hub.repairs import (
    RepairApplication,
    RepairError,
    apply_for_repair,
    department_of,
    keeps_history,
    repair_applications_of,
    repair_queue,
)

strawberry.enum(
    RepairStatus, description="Where a repair application stands: PENDING, GRANTED, REFUSED."
)

DOING = "applies for and follows the repair of its penalties"


@strawberry.type(
    name="RepairApplication",
    description="An enterprise's application for the credit repair of one of its penalties.",
)
class RepairApplicationType:
    id: str
    record_id: str = strawberry.field(description="The penalty to repair.")
    record_kind: str = strawberry.field(description="Penalty.")
    department: str = strawberry.field(description="The penalty's department, which decides.")
    uscc: str
    correction: str = strawberry.field(description="The enterprise's proof of correction.")
    commitment: str = strawberry.field(description="The enterprise's credit commitment.")
    filed_at: dt.datetime
    status: RepairStatus
    eligible_from: dt.date = strawberry.field(
        description="The first day the penalty could be repaired: its minimum publicity passed."
    )
    regime: str = strawberry.field(
        description="The publicity regime of the penalty's decision date (NDRC_ORDER_58, "
        "NDRC_ORDER_36)."
    )
    basis: str = strawberry.field(description="The rule and instrument the period comes from.")
    decided_on: dt.date | None
    decision: str | None = strawberry.field(description="The department's reason.")

    @classmethod
    def of(cls, a: RepairApplication) -> RepairApplicationType:
        return cls(
            id=a.id,
            record_id=a.record_id,
            record_kind=a.record_kind,
            department=a.department,
            uscc=a.uscc,
            correction=a.correction,
            commitment=a.commitment,
            filed_at=a.filed_at,
            status=a.status,
            eligible_from=a.eligible_from,
            regime=a.regime,
            basis=a.basis,
            decided_on=a.decided_on,
            decision=a.decision,
        )


@strawberry.type
class RepairApplicationEdge:
    cursor: str
    node: RepairApplicationType


@strawberry.type
class RepairApplicationConnection:
    edges: list[RepairApplicationEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="Applications the filter keeps (that the caller may read), over all pages."
    )


async def apply(
    info: Info, record_id: str, correction: str, commitment: str
) -> RepairApplicationType:
    services = info.context.services
    try:
        application = await apply_for_repair(
            services.driver,
            services.database,
            uscc=own_uscc(info, DOING),
            record_id=record_id,
            correction=correction,
            commitment=commitment,
            client_id=info.context.principal.client_id,
            now=info.context.now,
        )
    except RepairError as error:
        raise bad_user_input(str(error), argument=error.field) from None
    return _read(info, [application])[0]


async def mine(info: Info) -> list[RepairApplicationType]:
    services = info.context.services
    found = await repair_applications_of(services.driver, services.database, own_uscc(info, DOING))
    return _read(info, found)


def _read(info: Info, applications: list[RepairApplication]) -> list[RepairApplicationType]:
    """The applications as the answer carries them, their enterprises touched for the audit."""
    info.context.loaders.touch(info.path, (a.uscc for a in applications))
    return [RepairApplicationType.of(a) for a in applications]


def _queue_department(info: Info, department: Department | None) -> Department | None:
    """The department whose queue the caller reads: its own for a department's client (another
    is FORBIDDEN), any (or the one asked for) for audit."""
    principal = info.context.principal
    own = department_of(principal)
    if own is not None:
        if department is not None and department is not own:
            raise GraphQLError(
                f"a {own.value} client reads the repair applications for {own.value}'s "
                f"penalties, not {department.value}'s",
                extensions={"code": "FORBIDDEN"},
            )
        return own
    if keeps_history(principal):
        return department
    raise GraphQLError(
        "repair applications are read by the deciding departments, audit and the enterprise itself",
        extensions={"code": "FORBIDDEN"},
    )


async def queue(
    info: Info,
    status: RepairStatus,
    department: Department | None,
    first: int | None,
    after: str | None,
) -> RepairApplicationConnection:
    """A department's queue of its own penalties' applications; audit reads any; an
    enterprise sees only its own."""
    size = bounded(first, info.context.services.settings.limits.objection_queue)
    if info.context.principal.enterprise_uscc is not None:
        own = [a for a in await mine(info) if a.status == status]  # a handful at most
        cursors = [encode_cursor(a.id, "repair") for a in own]
        return RepairApplicationConnection(
            edges=[
                RepairApplicationEdge(cursor=c, node=a) for c, a in zip(cursors, own, strict=True)
            ],
            page_info=PageInfo.of(cursors, False, None),
            total_count=len(own),
        )
    deciding = _queue_department(info, department)
    position = decode_time_cursor(after, "repair") if after else None
    services = info.context.services
    total, rows = await repair_queue(
        services.driver,
        services.database,
        status=status,
        department=deciding.value if deciding else None,
        limit=size + 1,
        after=position,
    )
    page = rows[:size]
    cursors = [encode_time_cursor(a.filed_at, a.id, "repair") for a in page]
    nodes = _read(info, page)
    return RepairApplicationConnection(
        edges=[
            RepairApplicationEdge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)
        ],
        page_info=PageInfo.of(cursors, len(rows) > size, after),
        total_count=total,
    )


@strawberry.type
class RepairQuery:
    @strawberry.field(
        description="Your applications for the repair of your penalties, newest first."
    )
    async def my_repair_applications(self, info: Info) -> list[RepairApplicationType]:
        return await mine(info)

    @strawberry.field(
        description="Repair applications in `status` (default PENDING), oldest first: the "
        "deciding department's queue (its own penalties' applications), to answer with a "
        "repair.decision@1 record; audit reads every department's."
    )
    async def repair_applications(
        self,
        info: Info,
        status: RepairStatus = RepairStatus.PENDING,
        department: Department | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> RepairApplicationConnection | None:
        return await queue(info, status, department, first, after)


@strawberry.type
class RepairMutation:
    @strawberry.mutation(
        description="Apply for the credit repair of one of your published penalties once its "
        "minimum publicity has passed, with your proof of correction and credit commitment; "
        "its department grants or refuses."
    )
    async def apply_for_repair(
        self, info: Info, record_id: str, correction: str, commitment: str
    ) -> RepairApplicationType:
        return await apply(info, record_id, correction, commitment)
