"""The audit writer: makes each event durable before its read is answered, and chains it.

With a journal (`auth.audit.journal`, the hub's default), `AuditLog.commit` returns once the
event is fsynced to the process's local journal, a fraction of a millisecond; the writer task
then appends the journaled events to the hash chain in Neo4j, in order, retrying while Neo4j is
unreachable, and at start replays what the journal holds that the chain lacks (each entry
reaches the chain once: see the journal's docstring). Without one, `commit` returns only once
the event's record is committed in Neo4j (about 15 ms).

Either way commits are grouped: the writer task writes at once when idle, and the events that
arrive while a transaction is under way go together into the next one, so concurrent requests
share one transaction (and one fsync) and no request lingers on a timer. A commit waits at most
`durable_timeout` seconds; an event that cannot be made durable in time (the disk or Neo4j slow
or unreachable, the write failing, the log closed) raises `AuditUnavailable`, and the request
must not answer its data. (A journaled event whose fsync completes after its request gave up
still reaches the chain: a record may exist for a read that was refused, never the reverse.)

A transaction first takes the write lock of the singleton `(:AuditHead {id: 'audit'})` (last
seq and hash), so several hub instances append to one chain. The Cypher lives in `auth.cypher`
(section "Audit trail").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from neo4j import AsyncDriver, AsyncManagedTransaction

from auth import cypher
from auth.audit.events import GENESIS, AuditEvent
from auth.audit.journal import Entry, Journal, JournalError
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
    durable: asyncio.Future[None]
    """Resolves once the record is committed in the chain."""
    entry: tuple[str, int] | None = None
    """Its journal file's id and its number there, if it was journaled."""
    taken: bool = False
    """Part of a transaction under way: it can no longer be withdrawn."""


def _retrieve(future: asyncio.Future[None]) -> None:
    # a commit that timed out no longer awaits its future: its outcome is read here, so no
    # "exception was never retrieved" warning is logged for it
    if not future.cancelled():
        future.exception()


class AuditLog:
    """Appends audit events to the chain, each durable before `commit` returns.

    One writer task runs the transactions, one at a time: it takes every event waiting (at
    most `batch_size` events, `max_accesses` access entries) as soon as the previous
    transaction ends. `max_queue` events may wait at once; beyond, `commit` refuses at once.
    `aclose` refuses new events and writes those already waiting before it returns (with a
    journal, what it cannot write stays there for the next start). With a journal, no answer
    waits for the chain, so the writer lingers `linger` seconds once events arrive, to gather
    more of them into each transaction (fewer transactions: less of the CPU the reads need);
    a journaled batch whose transaction fails is tried again after `retry_delay` seconds,
    doubling up to `max_retry_delay`.
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
        journal: Journal | None = None,
        retry_delay: float = 0.5,
        max_retry_delay: float = 10.0,
        linger: float = 0.0,
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
        self._journal = journal
        self._retry_delay = retry_delay
        self._linger = linger if journal is not None else 0.0
        self._max_retry_delay = max_retry_delay
        self._retries = 0
        self._inflight_batch: list[_Waiting] = []
        self._stopping = asyncio.Event()
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
        """Events that could not be made durable (their requests answered an error, not data)."""
        return self._failed

    @property
    def transactions(self) -> int:
        """Transactions committed: fewer than `written` when requests shared them."""
        return self._transactions

    @property
    def retries(self) -> int:
        """Journaled batches whose transaction failed and was tried again."""
        return self._retries

    @property
    def closed(self) -> bool:
        return self._closing

    @property
    def journal(self) -> Journal | None:
        return self._journal

    async def commit(self, event: AuditEvent) -> None:
        """Make `event` durable (in the journal, else in the chain) and return; raise
        `AuditUnavailable` if that cannot be done within `durable_timeout` seconds."""
        if self._closing:
            raise AuditUnavailable("the audit trail is closed (the hub is shutting down)")
        if len(self._queue) >= self._max_queue:
            raise AuditUnavailable(
                f"{len(self._queue)} audit records are already waiting to be written"
            )
        self.start()
        if self._journal is not None:
            await self._journaled(self._journal, event)
            return
        waiting = _Waiting(event, asyncio.get_running_loop().create_future())
        waiting.durable.add_done_callback(_retrieve)
        self._queue.append(waiting)
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(waiting.durable), self._durable_timeout)
        except TimeoutError:
            if not waiting.taken:
                waiting.durable.cancel()  # withdrawn: never written for a refused answer
            raise AuditUnavailable(
                f"the audit record was not written within {self._durable_timeout:g} s "
                "(Neo4j slow or unreachable)"
            ) from None

    async def _journaled(self, journal: Journal, event: AuditEvent) -> None:
        try:
            durable = journal.append(event)
            durable.add_done_callback(_retrieve)
            await asyncio.wait_for(asyncio.shield(durable), self._durable_timeout)
        except TimeoutError:
            self._failed += 1
            raise AuditUnavailable(
                f"the audit record was not written to the journal within "
                f"{self._durable_timeout:g} s (the disk is slow)"
            ) from None
        except JournalError as error:
            self._failed += 1
            raise AuditUnavailable(str(error)) from None

    def _enqueue(self, entries: list[Entry]) -> None:
        """Queue journaled entries for the chain, in their order (the journal calls this)."""
        loop = asyncio.get_running_loop()
        for entry in entries:
            waiting = _Waiting(entry.event, loop.create_future(), entry=(entry.journal, entry.n))
            waiting.durable.add_done_callback(_retrieve)
            self._queue.append(waiting)
        self._wake.set()

    def start(self) -> None:
        """Start the writer task (in the running event loop); `commit` starts it if needed.
        With a journal, what it held at open is queued for the chain first."""
        if self._task is None and not self._closing:
            if self._journal is not None:
                self._journal.on_durable = self._enqueue
                self._enqueue(self._journal.replay)
                self._journal.replay = []
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def wait_written(self, timeout: float) -> bool:
        """Wait until every event queued now is in the chain (at start: the journal's replay);
        False if some are not after `timeout` seconds."""
        futures = [w.durable for w in (*self._inflight_batch, *self._queue)]
        if not futures:
            return True
        _, not_done = await asyncio.wait(futures, timeout=timeout)
        return not not_done and not any(f.cancelled() or f.exception() for f in futures)

    async def aclose(self, timeout: float | None = 60.0) -> None:
        """Refuse new events, write every one waiting, stop the writer. After `timeout`
        seconds (Neo4j unreachable) give up: the waiting requests answer an error."""
        self._closing = True
        self._stopping.set()
        self._wake.set()
        try:
            if self._task is None:
                return
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
            except TimeoutError:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
            if self.pending:
                kept = f"kept in the journal {self._journal.path}" if self._journal else "lost"
                log.error("audit: %d records not written at shutdown (%s)", self.pending, kept)
        finally:
            if self._journal is not None:
                await self._journal.aclose()

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def _run(self) -> None:
        delay = self._retry_delay
        while True:
            if self._linger and self._queue and not self._closing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._linger)
            batch = self._take()
            if not batch:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                head_seq, head_hash = await self._write(batch)
            except asyncio.CancelledError:
                self._fail(batch, "the audit writer was stopped")
                raise
            except Exception as error:
                if self._journal is None:
                    self._failed += len(batch)
                    log.error("audit: cannot append %d records to the chain: %s", len(batch), error)
                    self._fail(batch, f"the audit record could not be written: {error}")
                    continue
                # journaled: the events are safe on disk; try them again later, in order
                self._retries += 1
                self._queue.extendleft(reversed(batch))
                log.warning(
                    "audit: cannot append %d journaled records to the chain (trying again in "
                    "%g s): %s",
                    len(batch),
                    delay,
                    error,
                )
                if self._closing:
                    return  # they stay in the journal for the next start
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, self._max_retry_delay)
                continue
            finally:
                self._inflight = 0
                self._inflight_batch = []
            delay = self._retry_delay
            self._written += len(batch)
            self._transactions += 1
            for waiting in batch:
                if not waiting.durable.done():
                    waiting.durable.set_result(None)
            if self._journal is not None:
                self._applied(self._journal, batch)
            if self._on_written is not None:
                self._on_written(head_seq, head_hash)

    @staticmethod
    def _applied(journal: Journal, batch: list[_Waiting]) -> None:
        last: dict[str, int] = {}
        for waiting in batch:
            if waiting.entry is not None:
                last[waiting.entry[0]] = max(last.get(waiting.entry[0], 0), waiting.entry[1])
        for journal_id, n in last.items():
            try:
                journal.applied(journal_id, n)
            except OSError as error:  # a file left behind is replayed (and skipped) later
                log.error("audit: cannot delete the replayed journal %s: %s", journal_id, error)

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
        self._inflight_batch = batch
        return batch

    @staticmethod
    def _fail(batch: list[_Waiting], reason: str) -> None:
        for waiting in batch:
            if not waiting.durable.done():
                waiting.durable.set_exception(AuditUnavailable(reason))

    async def _write(self, batch: list[_Waiting]) -> tuple[int, str]:
        """One transaction appending `batch`: the new head's seq and hash."""
        events = [w.event for w in batch]
        entries = [w.entry for w in batch] if self._journal is not None else None
        async with open_session(self._driver, self._database) as session:
            return await session.execute_write(_append, events, entries)


async def _append(
    tx: AsyncManagedTransaction,
    batch: list[AuditEvent],
    entries: list[tuple[str, int] | None] | None,
) -> tuple[int, str]:
    """One batch in one transaction: lock the head, chain the events on, move the head.
    Journaled events (their journal file's id and number there) at or below the number the
    chain already holds of that file are skipped, and each file's number moves to its last."""
    await (await tx.run(cypher.AUDIT_LOCK_HEAD, genesis=GENESIS)).consume()
    head = await (await tx.run(cypher.AUDIT_READ_LOCKED_HEAD)).single(strict=True)
    seq: int = head["seq"]
    prev: str = head["hash"]
    if entries is not None:
        last: dict[str, int] = {}
        for entry in entries:
            if entry is not None:
                last[entry[0]] = max(last.get(entry[0], 0), entry[1])
        applied: dict[str, int] = {}
        for journal_id, n in last.items():
            found = await (await tx.run(cypher.AUDIT_JOURNAL_APPLIED, journal=journal_id)).single(
                strict=True
            )
            applied[journal_id] = found["applied"]
            await (await tx.run(cypher.AUDIT_JOURNAL_MOVE, journal=journal_id, applied=n)).consume()
        batch = [
            event
            for event, entry in zip(batch, entries, strict=True)
            if entry is None or entry[1] > applied[entry[0]]
        ]
    rows: list[dict[str, Any]] = []
    for event in batch:
        seq += 1
        row = event.properties(seq, prev)
        prev = row["hash"]
        rows.append(row)
        if len(rows) % 50 == 0:
            await asyncio.sleep(0)  # let requests run between slices of hashing
    if rows:
        await (await tx.run(cypher.AUDIT_APPEND, records=rows)).consume()
    await (await tx.run(cypher.AUDIT_MOVE_HEAD, seq=seq, hash=prev)).consume()
    return seq, prev
