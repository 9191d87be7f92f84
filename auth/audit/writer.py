"""The audit writer: takes events on the request path and appends them to the hash chain.

`AuditLog.record` only appends an event to an in-process queue (microseconds on the request
path); a background task appends queued events in batches, one transaction each. A batch first
takes the write lock of the singleton `(:AuditHead {id: 'audit'})` (last seq and hash), so
several hub instances append to one chain. The Cypher lives in `auth.cypher` (section "Audit
trail").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from typing import Any, Self

from neo4j import AsyncDriver, AsyncManagedTransaction

from auth import cypher
from auth.audit.events import GENESIS, AuditEvent
from graph_schema.sessions import open_session

log = logging.getLogger(__name__)


class AuditLog:
    """Takes audit events on the request path and appends them to the chain in the background.

    `record` never waits: it appends to a bounded in-process queue. The writer wakes on the first
    event, lingers `interval` seconds to gather a batch (not when `batch_size` are waiting or a
    flush is asked), and writes up to `batch_size` events (and at most `max_accesses` access
    entries) per transaction. While Neo4j is unreachable the events stay queued and the writer
    retries with backoff; beyond `max_queue` the oldest are dropped, counted in `dropped` and
    logged as errors. `aclose` writes everything still queued before it returns.
    """

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        *,
        batch_size: int = 500,
        interval: float = 0.05,
        max_queue: int = 100_000,
        max_accesses: int = 20_000,
        retry_delays: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        if not 0 < batch_size < max_queue:
            raise ValueError("need 0 < batch_size < max_queue")
        self._driver = driver
        self._database = database
        self._batch_size = batch_size
        self._interval = interval
        self._max_queue = max_queue
        self._max_accesses = max_accesses
        self._retry_delays = retry_delays
        self._queue: collections.deque[AuditEvent] = collections.deque()
        self._inflight = 0
        self._accepted = 0
        self._written = 0
        self._dropped = 0
        self._failures = 0
        self._last_drop_log = 0.0
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._hurry = asyncio.Event()
        self._urgent = 0
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        """Events accepted but not yet written (queued or in the transaction under way)."""
        return len(self._queue) + self._inflight

    @property
    def written(self) -> int:
        return self._written

    @property
    def dropped(self) -> int:
        """Events lost because the queue overflowed while the graph could not be written."""
        return self._dropped

    def record(self, event: AuditEvent) -> None:
        """Queue an event for the chain; returns at once."""
        if self._closing:
            raise RuntimeError("the audit log is closed")
        if self.pending >= self._max_queue:
            self._queue.popleft()
            self._dropped += 1
            now = time.monotonic()
            if now - self._last_drop_log >= 10 or self._dropped == 1:
                self._last_drop_log = now
                log.error(
                    "AUDIT RECORDS LOST: the queue is full (%d events, Neo4j not writable); "
                    "%d events dropped so far",
                    self._max_queue,
                    self._dropped,
                )
        self._queue.append(event)
        self._accepted += 1
        self._wake.set()

    def start(self) -> None:
        """Start the background writer (in the running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def flush(self) -> None:
        """Wait until every event recorded before this call is written (or was dropped)."""
        target = self._accepted
        self._urgent += 1
        self._wake.set()
        self._hurry.set()
        try:
            while self._written + self._dropped < target:
                if self._task is None or self._task.done():
                    raise RuntimeError("the audit writer is not running")
                self._progress.clear()
                await self._progress.wait()
        finally:
            self._urgent -= 1

    async def aclose(self, timeout: float | None = 60.0) -> None:
        """Refuse new events, write every queued one, stop the writer. After `timeout` seconds
        (Neo4j unreachable) give up, logging how many events were not written."""
        self._closing = True
        self._wake.set()
        self._hurry.set()
        if self._task is None:
            if self._queue:
                self.start()
            else:
                return
        assert self._task is not None
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            log.error("AUDIT RECORDS LOST: %d events not written at shutdown", self.pending)

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _run(self) -> None:
        delay = self._retry_delays[0]
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if len(self._queue) < self._batch_size and not (self._closing or self._urgent):
                with contextlib.suppress(TimeoutError):  # linger; a flush or close cuts it short
                    await asyncio.wait_for(self._hurry.wait(), self._interval)
            if not (self._closing or self._urgent):
                self._hurry.clear()
            batch = self._take()
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                self._put_back(batch)
                raise
            except Exception as error:
                self._put_back(batch)
                self._failures += 1
                level = logging.WARNING if self._failures == 1 else logging.ERROR
                log.log(
                    level,
                    "audit: cannot append to the chain (attempt %d, %d events queued): %s",
                    self._failures,
                    self.pending,
                    error,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry_delays[1])
                continue
            if self._failures:
                log.warning("audit: writing again after %d failed attempts", self._failures)
                self._failures = 0
            delay = self._retry_delays[0]
            self._inflight = 0
            self._written += len(batch)
            self._progress.set()

    def _take(self) -> list[AuditEvent]:
        batch: list[AuditEvent] = []
        accesses = 0
        while self._queue and len(batch) < self._batch_size:
            size = len(self._queue[0].enterprises)
            if batch and accesses + size > self._max_accesses:
                break
            batch.append(self._queue.popleft())
            accesses += size
        self._inflight = len(batch)
        return batch

    def _put_back(self, batch: list[AuditEvent]) -> None:
        self._queue.extendleft(reversed(batch))
        self._inflight = 0

    async def _write(self, batch: list[AuditEvent]) -> None:
        async with open_session(self._driver, self._database) as session:
            await session.execute_write(_append, batch)


async def _append(tx: AsyncManagedTransaction, batch: list[AuditEvent]) -> None:
    """One batch in one transaction: lock the head, chain the events on, move the head."""
    await (await tx.run(cypher.AUDIT_LOCK_HEAD, genesis=GENESIS)).consume()
    head = await (await tx.run(cypher.AUDIT_READ_LOCKED_HEAD)).single(strict=True)
    seq: int = head["seq"]
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
