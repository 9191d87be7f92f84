"""The change feed: rating and list-status changes, for lenders and supervisors who watch.

The credit engine appends a `CreditChange` in the transaction that changes an enterprise's
grade or score, or the lists covering it (`hub.credit.recompute`), numbered by one `seq`. A
polling client pages through it with `changes_since`; subscribers get each new change from
one `ChangeFeed` per process, which polls the feed (so changes written by any hub instance
reach every subscriber) and hands each subscriber the raw changes to filter by its own rights.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from auth.policy import EnterpriseVisibility, visibility_params
from graph_schema.read_model import EmptyIfNull, GraphDate, GraphDateTime, ReadModel, read_records
from hub.credit import cypher

log = logging.getLogger(__name__)

RATING, LIST_STATUS = "RATING", "LIST_STATUS"


class CreditChange(ReadModel):
    """One entry of the change feed, as stored."""

    seq: int
    at: GraphDateTime
    as_of: GraphDate
    uscc: str
    kind: str
    """RATING (grade or score) or LIST_STATUS (the lists covering the enterprise)."""
    previous_grade: str | None = None
    grade: str | None = None
    previous_score: int | None = None
    score: int | None = None
    previous_lists: EmptyIfNull[str] = ()
    lists: EmptyIfNull[str] = ()

    def seen_through(self, visible: Sequence[str]) -> CreditChange | None:
        """A list-status change as a caller who may see only `visible` lists sees it, or None
        when none of what changed is visible to it; other changes as they are."""
        if self.kind != LIST_STATUS:
            return self
        before = tuple(x for x in self.previous_lists if x in visible)
        after = tuple(x for x in self.lists if x in visible)
        if before == after:
            return None
        return CreditChange(
            seq=self.seq,
            at=self.at,
            as_of=self.as_of,
            uscc=self.uscc,
            kind=self.kind,
            previous_lists=before,
            lists=after,
        )


async def append_changes(
    tx: AsyncManagedTransaction, changes: list[dict[str, Any]], common: dict[str, Any]
) -> None:
    """Number the changes after the feed's head, under its lock, in this transaction."""
    await tx.run(cypher.CHANGES_LOCK_HEAD)
    head = await (await tx.run(cypher.CHANGES_READ_LOCKED_HEAD)).single(strict=True)
    ordered = sorted(changes, key=lambda c: (c["uscc"], c["kind"]))
    rows = [
        {k: v for k, v in change.items() if v is not None} | {"seq": head["seq"] + i}
        for i, change in enumerate(ordered, start=1)
    ]
    await tx.run(cypher.CHANGES_APPEND, {**common, "rows": rows})


async def head_seq(driver: AsyncDriver, database: str) -> int:
    """The seq of the newest change (0 before the first)."""
    records = await read_records(driver, database, cypher.CHANGES_HEAD, {})
    return int(records[0]["seq"]) if records else 0


@dataclass(frozen=True, slots=True)
class ChangePage:
    changes: list[CreditChange]
    cursor: int
    """Where the next page starts: past every change this page looked at, shown or not."""
    has_more: bool


async def changes_since(
    driver: AsyncDriver,
    database: str,
    *,
    after: int,
    limit: int,
    visibility: EnterpriseVisibility,
    kinds: Sequence[str],
    usccs: Sequence[str] | None,
    now: dt.datetime,
) -> ChangePage:
    """The changes after seq `after` of enterprises the caller may watch, oldest first."""
    upto = await head_seq(driver, database)
    records = await read_records(
        driver,
        database,
        cypher.CHANGES_SINCE[visibility.mode],
        {
            "after": after,
            "upto": upto,
            "limit": limit,
            "kinds": list(kinds),
            "usccs": list(usccs) if usccs is not None else None,
            **visibility_params(visibility, now),
        },
    )
    changes = [CreditChange.model_validate(record["c"]) for record in records]
    if len(changes) == limit:
        return ChangePage(changes, changes[-1].seq, has_more=changes[-1].seq < upto)
    return ChangePage(changes, max(upto, after), has_more=False)


async def watchable(
    driver: AsyncDriver,
    database: str,
    usccs: Sequence[str],
    visibility: EnterpriseVisibility,
    now: dt.datetime,
) -> set[str]:
    """Which of `usccs` the caller may watch now (a consent revoked a moment ago counts)."""
    if not usccs:
        return set()
    records = await read_records(
        driver,
        database,
        cypher.WATCHABLE[visibility.mode],
        {"usccs": sorted(set(usccs)), **visibility_params(visibility, now)},
    )
    return set(records[0]["usccs"]) if records else set()


@dataclass
class ChangeFeed:
    """Polls the change feed while anyone subscribes, and fans each new batch out."""

    driver: AsyncDriver
    database: str
    poll_seconds: float = 0.2
    batch: int = 1000
    _queues: set[asyncio.Queue[list[CreditChange]]] = field(default_factory=set, init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False)
    _last: int = field(default=0, init=False)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _watching: bool = field(default=False, init=False)

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    @property
    def watching(self) -> int:
        """Subscribers that every change committed from now on will reach: none until the
        poller has read where "now" is in the feed."""
        return len(self._queues) if self._watching else 0

    async def subscribe(self) -> AsyncIterator[list[CreditChange]]:
        """Every change committed from now on, in batches, until the caller stops iterating."""
        queue: asyncio.Queue[list[CreditChange]] = asyncio.Queue(maxsize=100)
        self._queues.add(queue)
        # no await between the test and the start: subscribers arriving together share one
        # poller (several would deliver every change several times)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._poll(), name="change-feed")
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)
            if not self._queues:
                await self.aclose()

    def wake(self) -> None:
        """Poll now: this process has just committed changes (other instances' changes wait
        for the next poll)."""
        self._wake.set()

    async def aclose(self) -> None:
        self._watching = False
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _poll(self) -> None:
        failures = 0
        while not self._watching:  # where "now" is in the feed; the database may be away
            try:
                self._last = await head_seq(self.driver, self.database)
                self._watching = True
            except Exception as error:
                failures += 1
                log.warning(
                    "change feed: cannot read the feed's head (attempt %d): %s", failures, error
                )
                await asyncio.sleep(min(self.poll_seconds * 5 * failures, 5.0))
        failures = 0
        while True:
            try:
                records = await read_records(
                    self.driver,
                    self.database,
                    cypher.CHANGES_AFTER,
                    {"after": self._last, "limit": self.batch},
                )
            except Exception as error:  # the database is away for a moment: try again, never die
                failures += 1
                # one traceback, then a line per attempt: an outage must not flood the log
                if failures == 1:
                    log.exception("change feed poll failed; retrying")
                else:
                    log.warning("change feed poll failed (attempt %d): %s", failures, error)
                await asyncio.sleep(min(self.poll_seconds * 5 * failures, 5.0))
                continue
            failures = 0
            if records:
                changes = [CreditChange.model_validate(record["c"]) for record in records]
                self._last = changes[-1].seq
                for queue in list(self._queues):
                    if queue.full():  # a subscriber that does not read loses the oldest
                        queue.get_nowait()
                    queue.put_nowait(changes)
                if len(records) == self.batch:
                    continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
