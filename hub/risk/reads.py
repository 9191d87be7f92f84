"""Reads of stored risk alerts, a page at a time in id order."""

from __future__ import annotations

import datetime as dt

from neo4j import AsyncDriver

from graph_schema.read_model import EmptyIfNull, GraphDate, ReadModel, read_records
from hub.risk import cypher


class StoredAlert(ReadModel):
    """A risk alert as the scan stored it."""

    id: str
    kind: str
    severity: str
    reason: str
    subjects: EmptyIfNull[str] = ()
    evidence: EmptyIfNull[str] = ()
    zones: EmptyIfNull[str] = ()
    basis: str
    detected_on: GraphDate
    last_seen_on: GraphDate
    cleared_on: GraphDate | None = None


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
    records = await read_records(
        driver,
        database,
        cypher.ALERT_PAGE,
        {
            "limit": limit,
            "after": after,
            "kind": kind,
            "zone": zone,
            "since": since,
            "include_cleared": include_cleared,
        },
    )
    return [StoredAlert.model_validate(record["a"]) for record in records]
