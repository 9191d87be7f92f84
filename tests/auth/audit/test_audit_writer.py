"""The background writer: batching, concurrent writers on one chain, graceful shutdown, and
riding out an unreachable Neo4j."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from audit_kit import event
from graph_kit import DATABASE, eventually
from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from auth.audit.chain import verify_chain
from auth.audit.writer import AuditLog
from hub.localdb import free_port


async def count(graph: AsyncDriver) -> int:
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) RETURN count(a) AS n", database_=DATABASE
    )
    return int(records[0]["n"])


async def test_record_only_queues(graph: AsyncDriver) -> None:
    log = AuditLog(graph, DATABASE)  # not started: nothing can be written
    for i in range(10):
        log.record(event(i))
    assert (log.pending, log.written) == (10, 0)
    await log.aclose()  # starts the writer to drain what is queued
    assert (log.pending, log.written) == (0, 10)
    assert await count(graph) == 10


async def test_concurrent_writers_make_one_unbroken_chain(graph: AsyncDriver, neo4j_uri: str):
    other_driver = AsyncGraphDatabase.driver(neo4j_uri, auth=None)
    one = AuditLog(graph, DATABASE, batch_size=7, interval=0.001)
    two = AuditLog(other_driver, DATABASE, batch_size=5, interval=0.001)

    async def client(log: AuditLog, name: str) -> None:
        for i in range(200):
            log.record(event(i, client_id=name))
            if i % 3 == 0:
                await asyncio.sleep(0)  # a yield, so the two writers interleave

    try:
        one.start()
        two.start()
        await asyncio.gather(client(one, "bank-a"), client(two, "bank-b"))
        await asyncio.gather(one.flush(), two.flush())
        await asyncio.gather(one.aclose(), two.aclose())
    finally:
        await other_driver.close()
    result = await verify_chain(graph, DATABASE, page_size=64)
    assert result.ok, str(result)
    assert (result.checked, result.head_seq) == (400, 400)
    assert await count(graph) == 400
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) WITH a ORDER BY a.seq RETURN collect(a.clientId) AS clients",
        database_=DATABASE,
    )
    clients = records[0]["clients"]
    assert clients.count("bank-a") == clients.count("bank-b") == 200
    # the two writers' batches really interleaved
    assert sum(1 for a, b in itertools.pairwise(clients) if a != b) > 2


async def test_aclose_writes_everything_queued(graph: AsyncDriver) -> None:
    log = AuditLog(graph, DATABASE, batch_size=100, interval=30)  # would linger for 30 s
    log.start()
    for i in range(1234):
        log.record(event(i))
    await asyncio.wait_for(log.aclose(), 20)
    assert (log.written, log.pending, log.dropped) == (1234, 0, 0)
    assert await count(graph) == 1234
    assert (await verify_chain(graph, DATABASE)).ok
    with pytest.raises(RuntimeError, match="closed"):
        log.record(event(0))


async def test_flush_waits_for_what_was_recorded(graph: AsyncDriver, audit: AuditLog) -> None:
    for i in range(120):
        audit.record(event(i))
    await audit.flush()
    assert audit.written == 120 and await count(graph) == 120
    await audit.flush()  # nothing queued: returns at once


async def test_failed_writes_are_retried_and_nothing_is_lost(
    graph: AsyncDriver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    log = AuditLog(graph, DATABASE, batch_size=10, interval=0.001, retry_delays=(0.01, 0.02))
    real_write = log._write
    failures = [3]

    async def flaky(batch: list) -> None:  # type: ignore[type-arg]
        if failures[0]:
            failures[0] -= 1
            raise ServiceUnavailable("Neo4j is down")
        await real_write(batch)

    monkeypatch.setattr(log, "_write", flaky)
    with caplog.at_level(logging.WARNING, logger="auth.audit.writer"):
        log.start()
        for i in range(35):
            log.record(event(i))
        await asyncio.wait_for(log.flush(), 10)
        await log.aclose()
    assert failures == [0] and log.written == 35 and log.dropped == 0
    assert "cannot append to the chain" in caplog.text
    assert "writing again" in caplog.text
    result = await verify_chain(graph, DATABASE)
    assert result.ok and result.checked == 35


async def test_while_neo4j_is_unreachable_events_wait_and_overflow_drops_the_oldest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{free_port()}",
        auth=None,
        max_transaction_retry_time=0.05,
        connection_timeout=0.2,
    )
    log = AuditLog(down, DATABASE, batch_size=5, max_queue=10, retry_delays=(0.01, 0.05))
    try:
        with caplog.at_level(logging.WARNING, logger="auth.audit.writer"):
            log.start()
            for i in range(4):
                log.record(event(i))

            async def refused() -> bool:  # the driver retries once (about 1 s) before giving up
                return "cannot append to the chain" in caplog.text

            assert await eventually(refused, timeout_s=10)
            assert (log.pending, log.written, log.dropped) == (4, 0, 0)
            for i in range(4, 25):
                log.record(event(i))
            assert (log.pending, log.dropped) == (10, 15)
            assert "AUDIT RECORDS LOST" in caplog.text
            # the newest ten survive, oldest first
            assert [e.operation for e in log._queue][-1] == "Op24"
            await log.aclose(timeout=0.3)
            assert "10 events not written at shutdown" in caplog.text
    finally:
        await down.close()
