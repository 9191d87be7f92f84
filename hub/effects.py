"""Owed effects: what follows an applied batch is claimed, done, and marked done.

The batch's transaction records what the batch owes (`connectors.store.record_owed_effects`):
a RERATE of what its records name, with their reach, and a SCAN of the enterprises they name.
A `Drainer` claims an effect, runs its handler, and marks it DONE (`doneBy`, `doneAt`); a
batch's SCAN is claimable only once its RERATE is done, since the scan reads the coverage the
re-rating stores. Every hub process runs one in the background (`start`), which resumes
whatever a killed process left owed; a push completes its own batch's effects before its answer
(`settle`), and so does a resend of an applied batch whose effects are still owed.

A claim is a conditional update under the effect's write lock (a lock statement, then the
update as a second statement of the same transaction, which reads after the lock): two
drainers, in one process or several, never both hold an effect. A claim lasts
`claim_timeout`, renewed every third of it while its handler works; a claim that has run out
is a crashed claimant's, and any drainer takes it over.

Re-rating spans several transactions (one per chunk, `hub.credit.recompute`), so the effect is
marked done right after its last write, not in it. Doing an effect again is harmless: a rating
is stored, and a change appended to the feed, only when it differs from the stored one, and a
scan stores the same alerts again; so an effect redone after a crash between its writes and
its mark (or after a takeover of a claimant that was only slow) adds no duplicate change.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from connectors.cypher import (
    BATCH_EFFECTS,
    CLAIM_LOCKED_EFFECT,
    CLAIMABLE_EFFECTS,
    EFFECTS_BACKLOG,
    EXTEND_CLAIM,
    LOCK_EFFECT,
    MARK_EFFECT_DONE,
    RELEASE_CLAIM,
)
from connectors.records.subjects import Reach, Subjects
from connectors.store import EffectKind
from graph_schema.read_model import EmptyIfNull, GraphDateTime, ReadModel, read_records
from graph_schema.sessions import open_session
from hub.clock import Clock, system_clock
from hub.credit.recompute import CreditRecomputer
from hub.risk.scan import RiskScanner

log = logging.getLogger(__name__)

OWED, CLAIMED, DONE = "OWED", "CLAIMED", "DONE"

_WAIT_S = 0.2
"""How often `settle` looks again at an effect another drainer holds."""


class OwedEffect(ReadModel):
    """One effect of an applied batch, as stored."""

    id: str
    batch: str
    kind: EffectKind
    state: str
    created_at: GraphDateTime
    claimed_by: str | None = None
    claimed_until: GraphDateTime | None = None
    done_by: str | None = None
    done_at: GraphDateTime | None = None
    usccs: EmptyIfNull[str] = ()
    person_keys: EmptyIfNull[str] = ()
    fact_ids: EmptyIfNull[str] = ()
    reach: Reach = Reach.OWN

    @property
    def subjects(self) -> Subjects:
        return Subjects(
            frozenset(self.usccs), frozenset(self.person_keys), frozenset(self.fact_ids)
        )


EffectHandler = Callable[[OwedEffect], Awaitable[object]]
"""Does one effect; raises when it could not (the effect stays owed and is done again)."""


def effect_handlers(
    recomputer: CreditRecomputer,
    scanner: RiskScanner,
    rerated: Callable[[], None] | None = None,
) -> dict[EffectKind, EffectHandler]:
    """The hub's handlers: RERATE re-rates (then `rerated` is told, the change feed's wake-up:
    the changes it appended are delivered at once), SCAN scans."""

    async def rerate(effect: OwedEffect) -> None:
        await recomputer.rerate_batch(effect.subjects, effect.reach)
        if rerated is not None:
            rerated()

    async def scan(effect: OwedEffect) -> None:
        await scanner.scan_batch(effect.subjects)

    return {EffectKind.RERATE: rerate, EffectKind.SCAN: scan}


@dataclass(frozen=True)
class Backlog:
    """The effects not done yet, for the metrics and an operator's alert."""

    owed: int
    oldest_age_s: float
    """How long ago the oldest of them was recorded (0 when none is owed)."""


async def backlog(driver: AsyncDriver, database: str, now: dt.datetime) -> Backlog:
    """How many effects are owed (or claimed and not done), and the age of the oldest."""
    records = await read_records(driver, database, EFFECTS_BACKLOG, {})
    oldest = records[0]["oldest"] if records else None
    if oldest is None:
        return Backlog(0, 0.0)
    age = (now - oldest.to_native()).total_seconds()
    return Backlog(int(records[0]["owed"]), max(age, 0.0))


def worker_id() -> str:
    """This drainer's name in `claimedBy` and `doneBy`: the host, the process, and a tag."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


class Drainer:
    """Claims owed effects, runs them, marks them done: in the background, and on demand for
    one batch (`settle`)."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        handlers: Mapping[EffectKind, EffectHandler],
        *,
        worker: str | None = None,
        clock: Clock = system_clock,
        claim_timeout: dt.timedelta = dt.timedelta(seconds=60),
        poll_s: float = 5.0,
        page: int = 100,
    ) -> None:
        self.driver = driver
        self.database = database
        self.handlers = dict(handlers)
        self.worker = worker or worker_id()
        self.clock = clock
        self.claim_timeout = claim_timeout
        self.poll_s = poll_s
        self.page = page
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # --- one effect ------------------------------------------------------------------------

    async def claim(self, effect_id: str) -> OwedEffect | None:
        """Claim the effect if it is owed or its claim has run out (and, for a SCAN, its
        batch's RERATE is done); None when it is not this drainer's to do now."""
        now = self.clock()
        params = {"id": effect_id, "worker": self.worker, "now": now}

        async def work(tx: AsyncManagedTransaction) -> dict[str, Any] | None:
            await (await tx.run(LOCK_EFFECT, params)).consume()
            result = await tx.run(
                CLAIM_LOCKED_EFFECT, {**params, "until": now + self.claim_timeout}
            )
            record = await result.single()
            return dict(record["effect"]) if record is not None else None

        async with open_session(self.driver, self.database) as session:
            claimed = await session.execute_write(work)
        return OwedEffect.model_validate(claimed) if claimed is not None else None

    async def run_claimed(self, effect: OwedEffect) -> bool:
        """Run the claimed effect's handler, renewing the claim while it works, and mark it
        done; False when the handler failed (logged; the effect is done again once the claim
        runs out) or the claim was taken over meanwhile. Stopped part-way, it gives the
        effect back for any drainer to take at once."""
        renewing = asyncio.create_task(self._renew(effect.id), name=f"claim {effect.id}")
        try:
            await self.handlers[effect.kind](effect)
        except asyncio.CancelledError:
            renewing.cancel()
            try:
                await self._write(RELEASE_CLAIM, id=effect.id, worker=self.worker)
            except Exception:  # the claim then runs out by itself
                log.exception("giving back effect %s failed", effect.id)
            raise
        except Exception:
            log.exception("effect %s of batch %s failed; it stays owed", effect.kind, effect.batch)
            return False
        finally:
            renewing.cancel()
        done = await self._write(
            MARK_EFFECT_DONE, id=effect.id, worker=self.worker, now=self.clock()
        )
        if not done:
            log.warning("effect %s was taken over before it was marked done", effect.id)
        return bool(done)

    async def _renew(self, effect_id: str) -> None:
        every = self.claim_timeout.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                until = self.clock() + self.claim_timeout
                await self._write(EXTEND_CLAIM, id=effect_id, worker=self.worker, until=until)
            except Exception:  # the database is away for a moment: the next renewal may pass
                log.exception("renewing the claim on effect %s failed", effect_id)

    async def _write(self, query: str, **params: Any) -> int:
        """Run a one-statement write; its first column's value (0 when it returns none)."""
        records, _, _ = await self.driver.execute_query(query, params, database_=self.database)
        return int(records[0][0]) if records else 0

    # --- many ------------------------------------------------------------------------------

    async def drain(self) -> int:
        """Claim and run every effect claimable now, oldest first, until none is left; how
        many this drainer marked done. Effects another drainer holds are left to it."""
        done = 0
        while True:
            records = await read_records(
                self.driver,
                self.database,
                CLAIMABLE_EFFECTS,
                {"now": self.clock(), "limit": self.page},
            )
            ran = False
            for record in records:
                effect = await self.claim(record["id"])
                if effect is None:
                    continue  # another drainer was first
                ran = True
                done += await self.run_claimed(effect)
            if not ran:
                return done

    async def settle(self, batch_id: str) -> None:
        """Complete what the batch `batch_id` owes before returning: run each effect it can
        claim, RERATE first, and wait for those another drainer holds (taking one over if its
        claim runs out). Returns early if an effect fails: it stays owed for the background
        drainer, and the answer to the push does not wait for retries."""
        try:
            while True:
                pending = [e for e in await self._effects_of(batch_id) if e.state != DONE]
                if not pending:
                    return
                first = pending[0]
                effect = await self.claim(first.id)
                if effect is None:
                    await asyncio.sleep(_WAIT_S)  # held by another drainer, or SCAN waiting
                    continue
                if not await self.run_claimed(effect):
                    return
        finally:
            self.wake()  # anything else owed (another batch's) is the background's

    async def _effects_of(self, batch_id: str) -> list[OwedEffect]:
        records = await read_records(self.driver, self.database, BATCH_EFFECTS, {"batch": batch_id})
        return [OwedEffect.model_validate(record["effect"]) for record in records]

    # --- in the background -----------------------------------------------------------------

    def start(self) -> None:
        """Drain in the background: now (whatever a killed process left owed), every
        `poll_s`, and whenever woken."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="owed-effects")

    def wake(self) -> None:
        """Drain now: this process has just committed a batch."""
        self._wake.set()

    async def aclose(self) -> None:
        """Stop; an effect being run is given back unfinished for any drainer to take."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self.drain()
                failures = 0
            except Exception as error:  # the database is away for a moment: try again, never die
                failures += 1
                # one traceback, then a line per attempt: an outage must not flood the log
                if failures == 1:
                    log.exception("draining owed effects failed; retrying")
                else:
                    log.warning("draining owed effects failed (attempt %d): %s", failures, error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)
            self._wake.clear()
