"""Disposal steps written to the graph: each step is decided by `hub.risk.disposal` on the
alert's steps read under its write lock, and appended in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from graph_schema.sessions import open_session
from hub.risk import cypher
from hub.risk.disposal import Disposal, DisposalRefused, DisposalStep
from hub.risk.reads import StoredAlert

Decide = Callable[[Disposal], DisposalStep]
"""A transition of `hub.risk.disposal` with its inputs bound: the step to append, or refused."""


async def dispose(driver: AsyncDriver, database: str, alert_id: str, decide: Decide) -> StoredAlert:
    """Append the step `decide` makes of the alert's disposal, and return the alert as it
    now stands; DisposalRefused when there is no such alert or the step is refused."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        locked = await (await tx.run(cypher.LOCK_ALERT, id=alert_id)).single()
        if locked is None:
            raise DisposalRefused(f"there is no risk alert {alert_id!r}", "id")
        found = await (await tx.run(cypher.ALERT_WITH_STEPS, id=alert_id)).single(strict=True)
        alert = StoredAlert.model_validate(found["a"])
        disposal = alert.disposal()
        step = decide(disposal)
        after = disposal.after(step)
        await tx.run(
            cypher.APPEND_STEP,
            id=alert_id,
            step={
                "seq": len(disposal.steps) + 1,
                "action": step.action.value,
                "by": step.by,
                "at": step.at,
                "note": step.note,
                "assignee": step.assignee,
                "result": step.result.value if step.result else None,
            },
            status=after.status.value,
            assignee=after.assignee,
            result=after.result.value if after.result else None,
        )
        written = await (await tx.run(cypher.ALERT_WITH_STEPS, id=alert_id)).single(strict=True)
        data: dict[str, Any] = written["a"]
        return data

    async with open_session(driver, database) as session:
        return StoredAlert.model_validate(await session.execute_write(work))
