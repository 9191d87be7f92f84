"""Reads of stored risk alerts with their disposal steps: a page at a time in the order asked,
with the count of every alert the filter keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver

from graph_schema.read_model import EmptyIfNull, GraphDate, GraphDateTime, ReadModel, read_records
from hub.risk import cypher
from hub.risk.disposal import (
    Disposal,
    DisposalAction,
    DisposalResult,
    DisposalStatus,
    DisposalStep,
)


class StoredStep(ReadModel):
    """A disposal step as stored."""

    seq: int
    action: DisposalAction
    by: str
    at: GraphDateTime
    note: str = ""
    assignee: str | None = None
    result: DisposalResult | None = None

    def step(self) -> DisposalStep:
        return DisposalStep(
            action=self.action,
            by=self.by,
            at=self.at,
            note=self.note,
            assignee=self.assignee,
            result=self.result,
        )


class StoredAlert(ReadModel):
    """A risk alert as the scan stored it, with its disposal steps (oldest first)."""

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
    rank: int = 0
    """The page's order rank (the severity's, when ordered by severity)."""
    steps: EmptyIfNull[StoredStep] = ()

    def disposal(self) -> Disposal:
        return Disposal.of(s.step() for s in self.steps)


@dataclass(frozen=True)
class AlertPosition:
    """Where a page ends in its order: the last row's rank, day detected and id."""

    rank: int
    detected_on: dt.date
    id: str

    @classmethod
    def of(cls, alert: StoredAlert) -> AlertPosition:
        return cls(alert.rank, alert.detected_on, alert.id)


@dataclass(frozen=True)
class AlertQuery:
    """A page of alerts: the filter, the order and the keyset."""

    limit: int
    after: AlertPosition | None = None
    kind: str | None = None
    zone: str | None = None
    since: dt.date | None = None
    include_cleared: bool = False
    disposal_status: DisposalStatus | None = None
    by_severity: bool = False

    def params(self) -> dict[str, Any]:
        after = self.after
        return {
            "limit": self.limit,
            "after_rank": after.rank if after else None,
            "after_on": after.detected_on if after else None,
            "after_id": after.id if after else None,
            "kind": self.kind,
            "zone": self.zone,
            "since": self.since,
            "include_cleared": self.include_cleared,
            "disposal_status": self.disposal_status.value if self.disposal_status else None,
            "by_severity": self.by_severity,
        }


async def alert_page(
    driver: AsyncDriver, database: str, query: AlertQuery
) -> tuple[int, list[StoredAlert]]:
    """How many alerts the query's filter keeps, and its page of them."""
    records = await read_records(driver, database, cypher.ALERT_PAGE, query.params())
    (record,) = records
    return int(record["total"]), [StoredAlert.model_validate(a) for a in record["page"]]
