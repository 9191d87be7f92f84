"""Repair applications: an enterprise applies for the credit repair of one of its penalties.

NDRC Order 36 (信用修复管理办法, from 2026-04-01; Order 58 of 2023 before it) lets the subject
of published dishonest information apply for its repair once the minimum publicity has passed,
with proof that the act was corrected and a credit commitment; the department that decided
the penalty grants or refuses. Filing creates a PENDING application node (one pending per
penalty); the department answers with a signed `repair.decision@1` record
(`connectors.cypher.UPDATE_REPAIR_DECISIONS`), and a grant repairs the penalty as
`penalty.repair@1` does, after which the credit engine re-rates the enterprise and the penalty
is no longer shared with other departments (`hub.repairs.sharing`).

Refused here, with the reason: a penalty the enterprise does not have, one withdrawn after an
objection, a MINOR one (never published), one already repaired, one with an application
pending, and one whose minimum publicity has not passed (the message names the day it does).
The rules are `graph_schema.publicity`'s, under the regime in force on the decision date.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, RoutingControl
from neo4j.exceptions import ConstraintError
from pydantic import Field

from graph_schema.model import Severity
from graph_schema.publicity import PUBLICITY, RepairStatus
from graph_schema.read_model import GraphDate, GraphDateTime, ReadModel
from graph_schema.sessions import open_session
from hub.repairs import cypher
from hub.repository import native

CORRECTION_MIN, CORRECTION_MAX = 10, 4000
"""The proof of correction: a sentence at least (what was done, which documents show it)."""
COMMITMENT_MIN, COMMITMENT_MAX = 10, 2000
"""The credit commitment the enterprise makes public with its application."""


class RepairError(ValueError):
    """An application that cannot be filed; the message names the problem, `field` the input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class RepairApplication(ReadModel):
    """A repair application as stored (`cypher._FIELDS`; as just filed, `cypher.FILE`)."""

    id: str
    record_id: str
    record_kind: str = Field(alias="recordLabel")
    """`Penalty`: the only kind an enterprise applies for here."""
    department: str
    """The department that decided the penalty, which decides the application."""
    uscc: str
    correction: str
    commitment: str
    filed_at: GraphDateTime
    status: RepairStatus
    eligible_from: GraphDate
    regime: str
    """The publicity regime the penalty falls under (`graph_schema/publicity.json`)."""
    basis: str
    decided_on: GraphDate | None = None
    decision: str | None = None


_DIRECTION_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _text(value: str, name: str, shortest: int, longest: int) -> str:
    text = value.strip()
    # what a department reads must show what it stores: no hidden or reordering characters
    if any(
        (unicodedata.category(c) == "Cc" and c not in "\n\t") or c in _DIRECTION_OVERRIDES
        for c in text
    ):
        raise RepairError(
            f"{name} contains control or text-direction characters; send plain text", name
        )
    if not shortest <= len(text) <= longest:
        raise RepairError(
            f"{name} must be {shortest} to {longest} characters, got {len(text)}", name
        )
    return text


def _refusal(row: dict[str, Any], record_id: str, today: dt.date) -> RepairError | None:
    """Why the penalty `row` (`cypher.REPAIRABLE`) cannot be applied for on `today`."""
    if row["withdrawnOn"] is not None:
        return RepairError(
            f"penalty {record_id!r} was withdrawn on {native(row['withdrawnOn'])}; "
            "nothing to repair",
            "recordId",
        )
    if row["repairedOn"] is not None:
        return RepairError(
            f"penalty {record_id!r} was already repaired on {native(row['repairedOn'])}",
            "recordId",
        )
    if row["pendingSince"] is not None:
        since = native(row["pendingSince"]).date()
        return RepairError(
            f"a repair application for {record_id!r} is pending since {since}; wait for "
            f"{row['department']}'s decision",
            "recordId",
        )
    severity, decided_on = Severity(row["severity"]), native(row["decidedOn"])
    refused = PUBLICITY.repair_refusal(severity, decided_on, today)
    if refused is not None:  # not published, or its minimum publicity has not passed
        return RepairError(f"penalty {record_id!r}: {refused}", "recordId")
    recorded = native(row["publicUntil"]) if row["publicUntil"] is not None else None
    until = PUBLICITY.public_until(severity, decided_on, recorded)
    if until is not None and until <= today:
        return RepairError(
            f"penalty {record_id!r}: its publicity ended on {until}; it is no longer published, "
            "so there is nothing to repair",
            "recordId",
        )
    return None


async def apply_for_repair(
    driver: AsyncDriver,
    database: str,
    *,
    uscc: str,
    record_id: str,
    correction: str,
    commitment: str,
    client_id: str,
    now: dt.datetime,
) -> RepairApplication:
    """File the enterprise's application for the repair of its own penalty `record_id` as of
    `now`, or raise RepairError (see the module docstring)."""
    proof = _text(correction, "correction", CORRECTION_MIN, CORRECTION_MAX)
    promise = _text(commitment, "commitment", COMMITMENT_MIN, COMMITMENT_MAX)
    today = now.date()

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        result = await tx.run(
            cypher.REPAIRABLE,
            uscc=uscc,
            record_id=record_id,
            pending=RepairStatus.PENDING.value,
        )
        row = await result.single()
        if row is None:
            raise RepairError(f"the enterprise has no penalty {record_id!r}", "recordId")
        found = row.data()
        refused = _refusal(found, record_id, today)
        if refused is not None:
            raise refused
        decided_on = native(found["decidedOn"])
        severity = Severity(found["severity"])
        regime = PUBLICITY.regime_for(decided_on)
        result = await tx.run(
            cypher.FILE,
            uscc=uscc,
            record_id=record_id,
            id=str(uuid.uuid4()),
            correction=proof,
            commitment=promise,
            now=now,
            client=client_id,
            status=RepairStatus.PENDING.value,
            eligible_from=PUBLICITY.repairable_from(severity, decided_on),
            regime=regime.id,
            basis=f"{regime.basis(severity)}; {regime.repair_basis}",
        )
        written = await result.single(strict=True)
        application: dict[str, Any] = written["application"]
        return application

    async with open_session(driver, database) as session:
        try:
            return RepairApplication.model_validate(await session.execute_write(work))
        except ConstraintError:
            # filed by someone else between the check and the write
            raise RepairError(
                f"a repair application for {record_id!r} is already pending", "recordId"
            ) from None


async def repair_applications_of(
    driver: AsyncDriver, database: str, uscc: str
) -> list[RepairApplication]:
    """The enterprise's applications, newest first, pending and decided."""
    records, _, _ = await driver.execute_query(
        cypher.OF_ENTERPRISE, {"uscc": uscc}, routing_=RoutingControl.READ, database_=database
    )
    return [RepairApplication.model_validate(record["application"]) for record in records]


async def repair_queue(
    driver: AsyncDriver,
    database: str,
    *,
    status: RepairStatus,
    department: str | None,
    limit: int,
    after: tuple[dt.datetime, str] | None = None,
) -> tuple[int, list[RepairApplication]]:
    """Applications in `status` (a department's queue: PENDING), oldest first, and how many
    the filter keeps over all pages."""
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
    return int(record["total"]), [RepairApplication.model_validate(a) for a in record["page"]]
