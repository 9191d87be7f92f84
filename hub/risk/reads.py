"""Reads of stored risk alerts, a page at a time in id order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from neo4j import AsyncDriver, RoutingControl

from hub.repository import native
from hub.risk import cypher


@dataclass(frozen=True)
class StoredAlert:
    id: str
    kind: str
    severity: str
    reason: str
    subjects: tuple[str, ...]
    evidence: tuple[str, ...]
    zones: tuple[str, ...]
    basis: str
    detected_on: dt.date
    last_seen_on: dt.date
    cleared_on: dt.date | None


async def alert_page(
    driver: AsyncDriver,
    database: str,
    *,
    limit: int,
    after: str | None,
    kind: str | None,
    zone: str | None,
    since: dt.date | None,
    include_cleared: bool,
) -> list[StoredAlert]:
    records, _, _ = await driver.execute_query(
        cypher.ALERT_PAGE,
        {
            "limit": limit,
            "after": after,
            "kind": kind,
            "zone": zone,
            "since": since,
            "include_cleared": include_cleared,
        },
        routing_=RoutingControl.READ,
        database_=database,
    )
    return [
        StoredAlert(
            id=a["id"],
            kind=a["kind"],
            severity=a["severity"],
            reason=a["reason"],
            subjects=tuple(a.get("subjects") or ()),
            evidence=tuple(a.get("evidence") or ()),
            zones=tuple(a.get("zones") or ()),
            basis=a["basis"],
            detected_on=a["detectedOn"],
            last_seen_on=a["lastSeenOn"],
            cleared_on=a.get("clearedOn"),
        )
        for a in (native(record["a"]) for record in records)
    ]
