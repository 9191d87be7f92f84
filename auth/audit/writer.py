"""The audit writer: makes each event durable in the hash chain before its read is answered.

`AuditLog.commit` returns only once the event's record is committed in Neo4j. Commits are
grouped: the writer task writes at once when idle, and the events that arrive while a
transaction is under way go together into the next one, so concurrent requests share one
transaction and no request lingers on a timer. A commit waits at most `durable_timeout`
seconds; an event that cannot be made durable in time (Neo4j slow or unreachable, the write
failing, the log closed) raises `AuditUnavailable`, and the request must not answer its data.

A transaction first takes the write lock of the singleton `(:AuditHead {id: 'audit'})` (last
seq and hash), so several hub instances append to one chain. The Cypher lives in `auth.cypher`
(section "Audit trail").
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from neo4j import AsyncDriver, AsyncManagedTransaction

from auth import cypher
from auth.audit.events import GENESIS, AuditEvent
from graph_schema.sessions import open_session

log = logging.getLogger(__name__)

HeadWritten = Callable[[int, str], None]
"""Called with the chain head's new (seq, hash) after each committed transaction."""


class AuditUnavailable(RuntimeError):
    """An audit record could not be made durable: the read it records must not be answered.
    The message says why (closed, timed out, the write failed)."""


@dataclass
class _Waiting:
    event: AuditEvent
    durable: asyncio.Future[int]
    """Resolves to the record's seq once committed."""
    taken: bool = False
    """Part of a transaction under way: it can no longer be withdrawn."""


def _retrieve(future: asyncio.Future[int]) -> None:
    # a commit that timed out no longer awaits its future: its outcome is read here, so no
    # "exception was never retrieved" warning is logged for it
    if not future.cancelled():
        future.exception()


class AuditLog:
    """Appends audit events to the chain, each durable before `commit` returns.

    One writer task runs the transactions, one at a time: it takes every event waiting (at
    most `batch_size` events, `max_accesses` access entries) as soon as the previous
    transaction ends. `max_queue` events may wait at once; beyond, `commit` refuses at once.
    `aclose` refuses new events and writes those already waiting before it returns.
    """

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        *,
        durable_timeout: float = 5.0,
        batch_size: int = 500,
        max_queue: int = 10_000,
        max_accesses: int = 20_000,
        on_written: HeadWritten | None = None,
    ) -> None:
        if not 0 < batch_size <= max_queue:
            raise ValueError("need 0 < batch_size <= max_queue")
        self._driver = driver
        self._database = database
        self._durable_timeout = durable_timeout
        self._batch_size = batch_size
        self._max_queue = max_queue
        self._max_accesses = max_accesses
        self._on_written = on_written
        self._queue: collections.deque[_Waiting] = collections.deque()
        self._inflight = 0
        self._written = 0
        self._failed = 0
        self._transactions = 0
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        """Events waiting to be made durable (queued or in the transaction under way)."""
        return sum(1 for w in self._queue if not w.durable.done()) + self._inflight

    @property
    def written(self) -> int:
        """Records committed by this log."""
        return self._written

    @property
    def failed(self) -> int:
        """Events whose transaction failed (their requests answered an error, not data)."""
        return self._failed

    @property
    def transactions(self) -> int:
        """Transactions committed: fewer than `written` when requests shared them."""
        return self._transactions

    @property
    def closed(self) -> bool:
        return self._closing

    async def commit(self, event: AuditEvent) -> int:
        """Append `event` to the chain and return its seq once it is committed; raise
        `AuditUnavailable` if that cannot be done within `durable_timeout` seconds."""
        if self._closing:
            raise AuditUnavailable("the audit trail is closed (the hub is shutting down)")
        if len(self._queue) >= self._max_queue:
            raise AuditUnavailable(
                f"{len(self._queue)} audit records are already waiting to be written"
            )
        self.start()
        waiting = _Waiting(event, asyncio.get_running_loop().create_future())
        waiting.durable.add_done_callback(_retrieve)
        self._queue.append(waiting)
        self._wake.set()
        try:
            return await asyncio.wait_for(asyncio.shield(waiting.durable), self._durable_timeout)
        except TimeoutError:
            if not waiting.taken:
                waiting.durable.cancel()  # withdrawn: never written for a refused answer
            raise AuditUnavailable(
                f"the audit record was not written within {self._durable_timeout:g} s "
                "(Neo4j slow or unreachable)"
            ) from None

    def start(self) -> None:
        """Start the writer task (in the running event loop); `commit` starts it if needed."""
        if self._task is None and not self._closing:
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def aclose(self, timeout: float | None = 60.0) -> None:
        """Refuse new events, write every one waiting, stop the writer. After `timeout`
        seconds (Neo4j unreachable) give up: the waiting requests answer an error."""
        self._closing = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            log.error("audit: %d records not written at shutdown", self.pending)

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _run(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                first, head_hash = await self._write([w.event for w in batch])
            except asyncio.CancelledError:
                self._fail(batch, "the audit writer was stopped")
                raise
            except Exception as error:
                self._failed += len(batch)
                log.error("audit: cannot append %d records to the chain: %s", len(batch), error)
                self._fail(batch, f"the audit record could not be written: {error}")
                continue
            finally:
                self._inflight = 0
            self._written += len(batch)
            self._transactions += 1
            for offset, waiting in enumerate(batch):
                if not waiting.durable.done():
                    waiting.durable.set_result(first + offset)
            if self._on_written is not None:
                self._on_written(first + len(batch) - 1, head_hash)

    def _take(self) -> list[_Waiting]:
        batch: list[_Waiting] = []
        accesses = 0
        while self._queue and len(batch) < self._batch_size:
            waiting = self._queue[0]
            if waiting.durable.done():  # withdrawn after its request timed out
                self._queue.popleft()
                continue
            size = len(waiting.event.enterprises)
            if batch and accesses + size > self._max_accesses:
                break
            self._queue.popleft()
            waiting.taken = True
            batch.append(waiting)
            accesses += size
        self._inflight = len(batch)
        return batch

    @staticmethod
    def _fail(batch: list[_Waiting], reason: str) -> None:
        for waiting in batch:
            if not waiting.durable.done():
                waiting.durable.set_exception(AuditUnavailable(reason))

    async def _write(self, events: list[AuditEvent]) -> tuple[int, str]:
        """One transaction appending `events`: the first one's seq and the new head's hash."""
        async with open_session(self._driver, self._database) as session:
            return await session.execute_write(_append, events)


async def _append(tx: AsyncManagedTransaction, batch: list[AuditEvent]) -> tuple[int, str]:
    """One batch in one transaction: lock the head, chain the events on, move the head."""
    await (await tx.run(cypher.AUDIT_LOCK_HEAD, genesis=GENESIS)).consume()
    head = await (await tx.run(cypher.AUDIT_READ_LOCKED_HEAD)).single(strict=True)
    seq: int = head["seq"]
    first = seq + 1
    prev: str = head["hash"]
    rows: list[dict[str, Any]] = []
    for event in batch:
        seq += 1
        row = event.properties(seq, prev)
        prev = row["hash"]
        rows.append(row)
        if len(rows) % 50 == 0:
            await asyncio.sleep(0)  # let requests run between slices of hashing
    await (await tx.run(cypher.AUDIT_APPEND, records=rows)).consume()
    await (await tx.run(cypher.AUDIT_MOVE_HEAD, seq=seq, hash=prev)).consume()
    return first, prev
