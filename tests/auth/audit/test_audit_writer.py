"""The writer: a commit returns once its record is in the graph, concurrent commits share
transactions, concurrent writers make one chain, and a record that cannot be written fails its
commit (bounded) instead of being queued and lost."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from audit_kit import event
from graph_kit import DATABASE
from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from auth.audit.chain import verify_chain
from auth.audit.writer import AuditLog, AuditUnavailable


async def count(graph: AsyncDriver) -> int:
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) RETURN count(a) AS n", database_=DATABASE
    )
    return int(records[0]["n"])


async def operations(graph: AsyncDriver) -> list[str]:
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) RETURN a.operation AS op ORDER BY a.seq", database_=DATABASE
    )
    return [r["op"] for r in records]


async def test_a_commit_returns_once_its_record_is_in_the_graph(
    graph: AsyncDriver, audit: AuditLog
) -> None:
    await audit.commit(event(0))
    # no flush, no wait: the record is there when commit returns
    assert await operations(graph) == ["Op0"]
    assert (audit.pending, audit.written) == (0, 1)


async def test_commits_arriving_during_a_write_share_the_next_transaction(
    graph: AsyncDriver, audit: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = audit._write
    gate = asyncio.Event()
    sizes: list[int] = []

    async def gated(batch: list[Any]) -> tuple[int, str]:
        sizes.append(len(batch))
        await gate.wait()  # the first transaction is in flight until the gate opens
        return await real_write(batch)

    monkeypatch.setattr(audit, "_write", gated)
    first = asyncio.ensure_future(audit.commit(event(0)))
    while not sizes:
        await asyncio.sleep(0)  # the idle writer took it at once, alone
    later = [asyncio.ensure_future(audit.commit(event(i))) for i in range(1, 40)]
    await asyncio.sleep(0)
    assert (first.done(), audit.pending) == (False, 40)  # nobody answered before durable
    gate.set()
    await asyncio.gather(first, *later)
    assert (sizes, audit.transactions) == ([1, 39], 2)
    assert await operations(graph) == [f"Op{i}" for i in range(40)]
    assert await count(graph) == 40
    assert (await verify_chain(graph, DATABASE)).ok


async def test_concurrent_writers_make_one_unbroken_chain(graph: AsyncDriver, neo4j_uri: str):
    other_driver = AsyncGraphDatabase.driver(neo4j_uri, auth=None)
    one = AuditLog(graph, DATABASE, batch_size=7, durable_timeout=60)
    two = AuditLog(other_driver, DATABASE, batch_size=5, durable_timeout=60)

    async def client(log: AuditLog, name: str) -> None:
        pending = []
        for i in range(200):
            pending.append(asyncio.ensure_future(log.commit(event(i, client_id=name))))
            if i % 3 == 0:
                await asyncio.sleep(0)  # a yield, so the two writers interleave
        await asyncio.gather(*pending)

    try:
        await asyncio.gather(client(one, "bank-a"), client(two, "bank-b"))
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
    assert sum(1 for a, b in itertools.pairwise(clients) if a != b) > 2


async def test_aclose_writes_what_is_waiting_then_refuses(graph: AsyncDriver) -> None:
    log = AuditLog(graph, DATABASE, batch_size=100, durable_timeout=60)
    waiting = [asyncio.ensure_future(log.commit(event(i))) for i in range(250)]
    await asyncio.sleep(0)  # the commits are queued
    await log.aclose()
    await asyncio.gather(*waiting)
    assert (log.written, log.pending) == (250, 0)
    assert await count(graph) == 250
    with pytest.raises(AuditUnavailable, match="closed"):
        await log.commit(event(0))
    assert await count(graph) == 250


async def test_a_failed_write_fails_its_commits_and_the_next_one_succeeds(
    graph: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(graph, DATABASE, durable_timeout=60)
    real_write = log._write
    failures = [1]

    async def flaky(batch: list[Any]) -> tuple[int, str]:
        if failures[0]:
            failures[0] -= 1
            raise ServiceUnavailable("Neo4j is down")
        return await real_write(batch)

    monkeypatch.setattr(log, "_write", flaky)
    try:
        with pytest.raises(AuditUnavailable, match="Neo4j is down"):
            await log.commit(event(0))
        assert (log.failed, await count(graph)) == (1, 0)
        # the allowed twin: once the graph takes writes again, a commit is durable
        await log.commit(event(1))
    finally:
        await log.aclose()
    assert await operations(graph) == ["Op1"]


async def test_a_write_that_hangs_fails_the_commit_within_its_bound(
    graph: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(graph, DATABASE, durable_timeout=0.2)
    never = asyncio.Event()

    async def hang(batch: list[Any]) -> tuple[int, str]:
        await never.wait()
        raise AssertionError("unreachable")

    monkeypatch.setattr(log, "_write", hang)
    with pytest.raises(AuditUnavailable, match=r"not written within 0.2 s"):
        await log.commit(event(0))
    assert log.pending == 1  # the hung transaction's
    await log.aclose(timeout=0.1)
    assert await count(graph) == 0


async def test_an_unreachable_neo4j_fails_the_commit() -> None:
    from hub.localdb import free_port

    down = AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{free_port()}",
        auth=None,
        max_transaction_retry_time=0.05,
        connection_timeout=0.2,
    )
    log = AuditLog(down, DATABASE, durable_timeout=10)
    try:
        with pytest.raises(AuditUnavailable, match="could not be written"):
            await log.commit(event(0))
        assert (log.failed, log.written, log.pending) == (1, 0, 0)
    finally:
        await log.aclose()
        await down.close()
