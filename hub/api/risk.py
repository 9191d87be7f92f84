"""riskAlerts in the API (scope risk:read): stored alerts, filtered, a page at a time."""

from __future__ import annotations

import datetime as dt

import strawberry

from hub.api.context import Info
from hub.api.pagination import bounded, decode_cursor, encode_cursor
from hub.api.types import PageInfo
from hub.risk.reads import alert_page


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


@strawberry.type
class RiskAlertEdge:
    cursor: str
    node: RiskAlert


@strawberry.type
class RiskAlertConnection:
    edges: list[RiskAlertEdge]
    page_info: PageInfo


@strawberry.input
class RiskAlertFilter:
    kind: str | None = None
    zone: str | None = None
    since: dt.date | None = strawberry.field(default=None, description="Detected on or after.")
    include_cleared: bool = False


async def risk_alert_page(
    info: Info, filter: RiskAlertFilter | None, first: int | None, after: str | None
) -> RiskAlertConnection:
    where = filter or RiskAlertFilter()
    size = bounded(first, info.context.services.settings.limits.risk_alerts)
    services = info.context.services
    rows = await alert_page(
        services.driver,
        services.database,
        limit=size + 1,
        after=decode_cursor(after, "alert") if after else None,
        kind=where.kind,
        zone=where.zone,
        since=where.since,
        include_cleared=where.include_cleared,
    )
    info.context.loaders.touch(info.path, (u for a in rows[:size] for u in a.subjects))
    edges = [
        RiskAlertEdge(
            cursor=encode_cursor(a.id, "alert"),
            node=RiskAlert(
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
            ),
        )
        for a in rows[:size]
    ]
    return RiskAlertConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
    )


@strawberry.type
class RiskQuery:
    @strawberry.field(
        description="Risk alerts found on the graph (stored by `hub risk scan` and after each "
        "batch), in id order, without cleared ones unless asked."
    )
    async def risk_alerts(
        self,
        info: Info,
        filter: RiskAlertFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> RiskAlertConnection:
        return await risk_alert_page(info, filter, first, after)
