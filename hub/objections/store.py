"""Objections: an enterprise disputes one of its penalties, list entries or classifications.

Filing marks the record PENDING (profiles show it, with the date) and keeps the objection as
a node, as the state machine `graph_schema.objections` allows; the record's department answers
with an `objection.resolution@1` record (see `connectors.cypher.UPDATE_OBJECTION_RESOLUTIONS`),
and the credit engine re-rates the enterprise on what the answer left. The rating does not
change while an objection is pending: the record stands until its department says otherwise.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, RoutingControl
from neo4j.exceptions import ConstraintError
from pydantic import Field

from graph_schema.model import ObjectionStatus
from graph_schema.objections import OPEN, FilingRefusal, filing_refusal
from graph_schema.read_model import GraphDate, GraphDateTime, ReadModel
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


class Objection(ReadModel):
    """An objection as stored (`cypher._FIELDS`; as just filed, `cypher.FILE`)."""

    id: str
    record_id: str
    record_kind: str = Field(alias="recordLabel")
    """`Penalty`, `ListEntry` or `Classification`."""
    record_list: str | None = None
    """The list of a `ListEntry` record (None for the other kinds): who may see it depends on it."""
    department: str
    uscc: str
    reason: str
    filed_at: GraphDateTime
    status: ObjectionStatus
    resolved_on: GraphDate | None = None
    resolution: str | None = None


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
        status = ObjectionStatus(row["status"]) if row["status"] is not None else None
        refusal = filing_refusal(status, withdrawn=row["withdrawnOn"] is not None)
        if refusal is FilingRefusal.WITHDRAWN:
            raise ObjectionError(
                f"{record_id!r} was withdrawn on {native(row['withdrawnOn'])}; "
                "nothing to object to",
                "recordId",
            )
        if refusal is FilingRefusal.ALREADY_OPEN:
            raise _already(record_id, native(row["filedAt"]))
        result = await tx.run(
            cypher.FILE,
            uscc=uscc,
            record_id=record_id,
            label=row["label"],
            status=OPEN.value,
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
            return Objection.model_validate(await session.execute_write(work))
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
    return [Objection.model_validate(record["objection"]) for record in records]


class QueuedCount(ReadModel):
    """How many objections of a queue concern records of one kind (and list)."""

    record_kind: str = Field(alias="recordLabel")
    record_list: str | None = None
    n: int


async def objection_queue(
    driver: AsyncDriver,
    database: str,
    *,
    status: ObjectionStatus,
    department: str | None,
    limit: int,
    after: tuple[dt.datetime, str] | None = None,
) -> tuple[list[QueuedCount], list[Objection]]:
    """Objections in `status` (a department's queue: PENDING), oldest first, and how many the
    filter keeps over all pages, by the kind and list of their record."""
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
    (record,) = records
    return (
        [QueuedCount.model_validate(g) for g in record["groups"]],
        [Objection.model_validate(o) for o in record["page"]],
    )
