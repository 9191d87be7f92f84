"""riskAlerts in the API (scope risk:read): stored alerts, filtered, ordered, a page at a time
with the count of all the filter keeps; and their disposal (scope risk:dispose): a regulator
assigns an alert, records what was verified and closes it with a result (`hub.risk.disposal`).
Each disposal mutation touches the alert's enterprises, so the audit trail records it."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from hub.api.context import Info
from hub.api.errors import bad_user_input
from hub.api.pagination import bad_cursor, bounded, decode_cursor, encode_cursor
from hub.api.types import PageInfo
from hub.risk.disposal import (
    Disposal,
    DisposalAction,
    DisposalRefused,
    DisposalResult,
    DisposalStatus,
    DisposalStep,
    assign,
    close,
    verify,
)
from hub.risk.dispose import Decide, dispose
from hub.risk.reads import AlertPosition, AlertQuery, StoredAlert, alert_page

strawberry.enum(
    DisposalStatus,
    description="Where an alert's disposal stands: OPEN (no step yet), ASSIGNED, VERIFIED, "
    "CLOSED (final).",
)
strawberry.enum(
    DisposalResult,
    description="How a closed alert ended: RISK_CONFIRMED, NO_RISK_FOUND, or REFERRED to the "
    "competent department.",
)
strawberry.enum(DisposalAction, description="What a disposal step did.")


@strawberry.enum(description="The order of riskAlerts.")
class RiskAlertOrder(Enum):
    DETECTED_ON_DESC = "DETECTED_ON_DESC"
    SEVERITY_DESC = "SEVERITY_DESC"


@strawberry.type(name="DisposalStep", description="One step of an alert's disposal.")
class DisposalStepType:
    action: DisposalAction
    by: str = strawberry.field(description="Who did it: the person's name, else the client.")
    at: dt.datetime
    note: str
    assignee: str | None = strawberry.field(description="On ASSIGNED: to whom.")
    result: DisposalResult | None = strawberry.field(description="On CLOSED: how it ended.")

    @classmethod
    def of(cls, step: DisposalStep) -> DisposalStepType:
        return cls(
            action=step.action,
            by=step.by,
            at=step.at,
            note=step.note,
            assignee=step.assignee,
            result=step.result,
        )


@strawberry.type(description="Where an alert's disposal stands, and its steps.")
class RiskDisposal:
    status: DisposalStatus
    assignee: str | None = strawberry.field(
        description="Who it is assigned to (an officer's name or username)."
    )
    result: DisposalResult | None = strawberry.field(description="Set when CLOSED.")
    steps: list[DisposalStepType] = strawberry.field(description="Oldest first.")

    @classmethod
    def of(cls, disposal: Disposal) -> RiskDisposal:
        return cls(
            status=disposal.status,
            assignee=disposal.assignee,
            result=disposal.result,
            steps=[DisposalStepType.of(s) for s in disposal.steps],
        )


@strawberry.type(description="A risk found on the graph, with its evidence.")
class RiskAlert:
    id: str
    kind: str = strawberry.field(
        description="CIRCULAR_PAYMENTS, SHARED_ADDRESS, SHARED_PHONE, SHARED_LEGAL_REPRESENTATIVE, "
        "DOCUMENT_MISMATCH, COVERED_REPRESENTATIVE, EXPORT_SPIKE, "
        "DECLARATION_AFTER_DEREGISTRATION, RECEIPTS_WITHOUT_EXPORTS, "
        "EXPORTS_WITHOUT_RECEIPTS or REFUNDS_OUT_OF_PROPORTION."
    )
    severity: str
    reason: str = strawberry.field(description="In plain words.")
    subjects: list[str] = strawberry.field(description="The enterprises (USCCs) it is about.")
    evidence: list[str] = strawberry.field(
        description="Payment, order or list-entry ids, or the shared address/phone/person key."
    )
    zones: list[str]
    basis: str
    detected_on: dt.date
    last_seen_on: dt.date
    cleared_on: dt.date | None = strawberry.field(description="When a scan no longer found it.")
    disposal: RiskDisposal = strawberry.field(
        description="Its disposal: assigned, verified, closed with a result."
    )

    @classmethod
    def of(cls, a: StoredAlert) -> RiskAlert:
        return cls(
            id=a.id,
            kind=a.kind,
            severity=a.severity,
            reason=a.reason,
            subjects=list(a.subjects),
            evidence=list(a.evidence),
            zones=list(a.zones),
            basis=a.basis,
            detected_on=a.detected_on,
            last_seen_on=a.last_seen_on,
            cleared_on=a.cleared_on,
            disposal=RiskDisposal.of(a.disposal()),
        )


@strawberry.type
class RiskAlertEdge:
    cursor: str
    node: RiskAlert


@strawberry.type
class RiskAlertConnection:
    edges: list[RiskAlertEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Alerts the filter keeps, over all pages.")


@strawberry.input
class RiskAlertFilter:
    kind: str | None = None
    zone: str | None = None
    since: dt.date | None = strawberry.field(default=None, description="Detected on or after.")
    include_cleared: bool = False
    disposal_status: DisposalStatus | None = None


def _cursor(order: RiskAlertOrder, alert: StoredAlert) -> str:
    return encode_cursor(f"{order.value}|{alert.rank}|{alert.detected_on}|{alert.id}", "alert")


def _position(cursor: str, order: RiskAlertOrder) -> AlertPosition:
    """The position a cursor of this order names; a cursor of another order is refused."""
    given, _, rest = decode_cursor(cursor, "alert").partition("|")
    rank, _, rest = rest.partition("|")
    day, _, alert_id = rest.partition("|")
    if given not in RiskAlertOrder.__members__ or not alert_id:
        raise bad_cursor(cursor)
    if given != order.value:
        raise bad_user_input(
            f"after is a cursor of a page in {given} order; pass an endCursor of a previous "
            f"page in {order.value} order",
            argument="after",
        )
    try:
        return AlertPosition(int(rank), dt.date.fromisoformat(day), alert_id)
    except ValueError:
        raise bad_cursor(cursor) from None


async def risk_alert_page(
    info: Info,
    filter: RiskAlertFilter | None,
    first: int | None,
    after: str | None,
    order: RiskAlertOrder = RiskAlertOrder.DETECTED_ON_DESC,
) -> RiskAlertConnection:
    where = filter or RiskAlertFilter()
    size = bounded(first, info.context.services.settings.limits.risk_alerts)
    services = info.context.services
    total, rows = await alert_page(
        services.driver,
        services.database,
        AlertQuery(
            limit=size + 1,
            after=_position(after, order) if after else None,
            kind=where.kind,
            zone=where.zone,
            since=where.since,
            include_cleared=where.include_cleared,
            disposal_status=where.disposal_status,
            by_severity=order is RiskAlertOrder.SEVERITY_DESC,
        ),
    )
    info.context.loaders.touch(info.path, (u for a in rows[:size] for u in a.subjects))
    edges = [RiskAlertEdge(cursor=_cursor(order, a), node=RiskAlert.of(a)) for a in rows[:size]]
    return RiskAlertConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
        total_count=total,
    )


@strawberry.type
class RiskQuery:
    @strawberry.field(
        description="Risk alerts found on the graph (stored by `hub risk scan` and after each "
        "batch), newest first (or by severity, then newest), without cleared ones unless "
        "asked; totalCount counts every alert the filter keeps."
    )
    async def risk_alerts(
        self,
        info: Info,
        filter: RiskAlertFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: RiskAlertOrder = RiskAlertOrder.DETECTED_ON_DESC,
    ) -> RiskAlertConnection:
        return await risk_alert_page(info, filter, first, after, order_by)


def _by(info: Info) -> str:
    """Who takes a step: a signed-in person as `<name> (<account id>)` (two officers may share
    a name), else the client id."""
    principal = info.context.principal
    account = getattr(principal, "person", None)
    if not isinstance(account, str) or not account:
        return str(principal.client_id)
    name = getattr(principal, "person_name", None)
    return f"{name} ({account})" if isinstance(name, str) and name else account


async def _dispose(info: Info, alert_id: str, decide: Decide) -> RiskAlert:
    services = info.context.services
    try:
        alert = await dispose(services.driver, services.database, alert_id, decide)
    except DisposalRefused as error:
        raise bad_user_input(str(error), argument=error.field) from None
    info.context.loaders.touch(info.path, alert.subjects)
    return RiskAlert.of(alert)


@strawberry.type
class RiskMutation:
    @strawberry.mutation(
        description="Assign a risk alert to an officer (by name or username), or reassign it: "
        "from OPEN, ASSIGNED or VERIFIED."
    )
    async def assign_risk_alert(
        self, info: Info, id: str, assignee: str, note: str = ""
    ) -> RiskAlert:
        by, at = _by(info), info.context.now
        return await _dispose(
            info, id, lambda d: assign(d, assignee=assignee, note=note, by=by, at=at)
        )

    @strawberry.mutation(
        description="Record what was verified about an assigned risk alert (the note says "
        "what): from ASSIGNED or VERIFIED."
    )
    async def record_risk_alert_verification(self, info: Info, id: str, note: str) -> RiskAlert:
        by, at = _by(info), info.context.now
        return await _dispose(info, id, lambda d: verify(d, note=note, by=by, at=at))

    @strawberry.mutation(
        description="Close an assigned or verified risk alert with its result and a note; "
        "closed is final."
    )
    async def close_risk_alert(
        self, info: Info, id: str, result: DisposalResult, note: str
    ) -> RiskAlert:
        by, at = _by(info), info.context.now
        return await _dispose(info, id, lambda d: close(d, result=result, note=note, by=by, at=at))
