"""A lease in the graph, so that one hub process among several does a named job.

`(:Lease {name, holder, until})`: `acquire` gives the lease to a holder while nobody else holds
it (no holder, or the holder's `until` has passed), `renew` extends it for its holder alone,
`release` frees it, and `held_in` fences another transaction's write with it. Each takes the
node's write lock before it reads it (a separate statement, as the audit chain's head and the
change feed's do), so two processes asking at once are served one after the other and never
both get it. Times are the hub clock's: a process that dies keeps the lease only until
`until`, then another takes it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass

from neo4j import AsyncDriver, AsyncManagedTransaction

from graph_schema.read_model import GraphDateTime, ReadModel
from graph_schema.sessions import open_session
from hub import cypher


class LeaseState(ReadModel):
    """Who holds a lease and until when (None, None: free)."""

    holder: str | None = None
    until: GraphDateTime | None = None


def held_by_another(state: LeaseState, holder: str, now: dt.datetime) -> bool:
    """Whether `state` keeps `holder` out at `now`: someone else holds it and has not expired."""
    return (
        state.holder is not None
        and state.holder != holder
        and state.until is not None
        and state.until > now
    )


def new_holder_id() -> str:
    """A holder id naming this process (host and pid), unique even if a pid is reused."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def _locked_state(tx: AsyncManagedTransaction, name: str) -> LeaseState:
    await (await tx.run(cypher.LEASE_LOCK, {"name": name})).consume()
    record = await (await tx.run(cypher.LEASE_READ_LOCKED, {"name": name})).single()
    if record is None:  # the MERGE above made it: never None
        raise RuntimeError(f"lease {name!r} vanished under its lock")
    return LeaseState.model_validate(record.data())


async def _set(
    tx: AsyncManagedTransaction, name: str, holder: str | None, until: dt.datetime | None
) -> None:
    params = {"name": name, "holder": holder, "until": until}
    await (await tx.run(cypher.LEASE_SET, params)).consume()


async def _unlock(tx: AsyncManagedTransaction, name: str) -> None:
    await (await tx.run(cypher.LEASE_UNLOCK, {"name": name})).consume()


@dataclass(frozen=True)
class Lease:
    """One named lease in one database, asked for by one holder."""

    driver: AsyncDriver
    database: str
    name: str
    holder: str

    async def acquire(self, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Take (or keep) the lease until `now + ttl`, unless another holds it; whether taken."""

        async def work(tx: AsyncManagedTransaction) -> bool:
            state = await _locked_state(tx, self.name)
            if held_by_another(state, self.holder, now):
                await _unlock(tx, self.name)
                return False
            await _set(tx, self.name, self.holder, now + ttl)
            return True

        async with open_session(self.driver, self.database) as session:
            return await session.execute_write(work)

    async def renew(self, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Extend the lease to `now + ttl` if this holder still holds it; whether it does."""

        async def work(tx: AsyncManagedTransaction) -> bool:
            state = await _locked_state(tx, self.name)
            if state.holder != self.holder:
                await _unlock(tx, self.name)
                return False
            await _set(tx, self.name, self.holder, now + ttl)
            return True

        async with open_session(self.driver, self.database) as session:
            return await session.execute_write(work)

    async def held_in(self, tx: AsyncManagedTransaction, now: dt.datetime) -> bool:
        """Whether this holder holds the lease at `now`, read under the lease's write lock in
        `tx`: nobody can take it until `tx` ends, so what `tx` writes next is fenced by it."""
        state = await _locked_state(tx, self.name)
        await _unlock(tx, self.name)  # the write lock itself stays until `tx` ends
        return state.holder == self.holder and state.until is not None and state.until > now

    async def release(self) -> None:
        """Free the lease if this holder holds it (another's is left alone)."""

        async def work(tx: AsyncManagedTransaction) -> None:
            state = await _locked_state(tx, self.name)
            if state.holder == self.holder:
                await _set(tx, self.name, None, None)
            else:
                await _unlock(tx, self.name)

        async with open_session(self.driver, self.database) as session:
            await session.execute_write(work)
