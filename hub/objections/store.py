"""Objections: an enterprise disputes one of its penalties, list entries or classifications.

Filing marks the record PENDING (profiles show it, with the date) and keeps the objection as
a node; the record's department answers with an `objection.resolution@1` record (see
`connectors.cypher.UPDATE_OBJECTION_RESOLUTIONS`), and the credit engine re-rates the
enterprise on what the answer left. The rating does not change while an objection is pending:
the record stands until its department says otherwise.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, RoutingControl
from neo4j.exceptions import ConstraintError

from graph_schema.model import ObjectionStatus
from graph_schema.sessions import open_session
from hub.objections import cypher
from hub.repository import native

REASON_MIN, REASON_MAX = 10, 2000
"""An objection says why in a sentence at least, and at most a page."""


class ObjectionError(ValueError):
    """An objection that cannot be filed; the message names the problem and `field` the input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Objection:
    id: str
    record_id: str
    record_kind: str
    """`Penalty`, `ListEntry` or `Classification`."""
    record_list: str | None
    """The list of a `ListEntry` record (None for the other kinds): who may see it depends on it."""
    department: str
    uscc: str
    reason: str
    filed_at: dt.datetime
    status: ObjectionStatus
    resolved_on: dt.date | None
    resolution: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Objection:
        row = native(row)
        return cls(
            id=row["id"],
            record_id=row["recordId"],
            record_kind=row["recordLabel"],
            record_list=row.get("recordList"),
            department=row["department"],
            uscc=row["uscc"],
            reason=row["reason"],
            filed_at=row["filedAt"],
            status=ObjectionStatus(row["status"]),
            resolved_on=row.get("resolvedOn"),
            resolution=row.get("resolution"),
        )


def check_reason(reason: str) -> str:
    """The reason, trimmed, or an ObjectionError saying how long it must be."""
    text = reason.strip()
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise ObjectionError(
            f"reason must be {REASON_MIN} to {REASON_MAX} characters, got {len(text)}", "reason"
        )
    return text


async def file_objection(
    driver: AsyncDriver,
    database: str,
    *,
    uscc: str,
    record_id: str,
    reason: str,
    client_id: str,
    now: dt.datetime,
) -> Objection:
    """File the enterprise's objection to its own record `record_id`, or raise ObjectionError:
    a record it does not have (or another's: the same answer), one already under objection, or
    one already withdrawn."""
    text = check_reason(reason)

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        result = await tx.run(cypher.OBJECTABLE, uscc=uscc, record_id=record_id)
        found = [record.data() async for record in result]
        if not found:
            raise ObjectionError(
                f"the enterprise has no penalty, list entry or classification {record_id!r}",
                "recordId",
            )
        if len(found) > 1:
            kinds = ", ".join(sorted(row["label"] for row in found))
            raise ObjectionError(f"{record_id!r} names several records ({kinds})", "recordId")
        (row,) = found
        if row["withdrawnOn"] is not None:
            raise ObjectionError(
                f"{record_id!r} was withdrawn on {native(row['withdrawnOn'])}; "
                "nothing to object to",
                "recordId",
            )
        if row["status"] == ObjectionStatus.PENDING:
            raise _already(record_id, native(row["filedAt"]))
        result = await tx.run(
            cypher.FILE,
            uscc=uscc,
            record_id=record_id,
            label=row["label"],
            id=str(uuid.uuid4()),
            reason=text,
            now=now,
            client=client_id,
        )
        written = await result.single(strict=True)
        objection: dict[str, Any] = written["objection"]
        return objection

    async with open_session(driver, database) as session:
        try:
            return Objection.from_row(await session.execute_write(work))
        except ConstraintError:
            # filed by someone else between the check and the write
            raise _already(record_id, None) from None


def _already(record_id: str, since: dt.datetime | None) -> ObjectionError:
    when = f" since {since.date()}" if since else ""
    return ObjectionError(
        f"{record_id!r} is already under objection{when}; wait for the department's answer",
        "recordId",
    )


async def objections_of(driver: AsyncDriver, database: str, uscc: str) -> list[Objection]:
    """The enterprise's objections, newest first, pending and resolved."""
    records, _, _ = await driver.execute_query(
        cypher.OF_ENTERPRISE, {"uscc": uscc}, routing_=RoutingControl.READ, database_=database
    )
    return [Objection.from_row(r["objection"]) for r in records]


async def objection_queue(
    driver: AsyncDriver,
    database: str,
    *,
    status: ObjectionStatus,
    department: str | None,
    limit: int,
    after: tuple[dt.datetime, str] | None = None,
) -> list[Objection]:
    """Objections in `status` (a department's queue: PENDING), oldest first."""
    records, _, _ = await driver.execute_query(
        cypher.QUEUE,
        {
            "status": status.value,
            "department": department,
            "limit": limit,
            "after_at": after[0] if after else None,
            "after_id": after[1] if after else None,
        },
        routing_=RoutingControl.READ,
        database_=database,
    )
    return [Objection.from_row(r["objection"]) for r in records]
