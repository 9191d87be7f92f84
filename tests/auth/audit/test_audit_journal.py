"""The local audit journal: a read's record is durable on disk before its answer, without
waiting for Neo4j; what a crash or an unreachable Neo4j left out of the chain is replayed into it
at the next start, each entry exactly once, in order.

Before, every answer waited for a Neo4j write transaction (15 ms at one client, 53 ms at 16 in
`bench.audit`); the journal's fsync costs a fraction of a millisecond.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from audit_kit import event
from graph_kit import DATABASE
from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from auth.audit.chain import verify_chain
from auth.audit.journal import Journal, JournalError
from auth.audit.writer import AuditLog, AuditUnavailable
from hub.localdb import free_port


async def operations(graph: AsyncDriver) -> list[str]:
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) RETURN a.operation AS op ORDER BY a.seq", database_=DATABASE
    )
    return [r["op"] for r in records]


def unreachable() -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{free_port()}",
        auth=None,
        max_transaction_retry_time=0.05,
        connection_timeout=0.2,
    )


def journal_lines(directory: Path) -> list[dict[str, Any]]:
    (path,) = directory.glob("*.journal")
    return [json.loads(line) for line in path.read_text().splitlines()]


async def replay(graph: AsyncDriver, directory: Path) -> None:
    """A hub starting on `directory`: the journals it adopts are in the chain, then it stops."""
    log = AuditLog(graph, DATABASE, journal=Journal.open(directory))
    log.start()
    assert await log.wait_written(timeout=30)
    await log.aclose()


async def test_a_journaled_commit_returns_while_neo4j_is_unreachable_and_is_replayed_later(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    down = unreachable()
    log = AuditLog(down, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.05)
    try:
        for i in range(3):
            await log.commit(event(i))  # answered: the record is on disk, not in Neo4j
        assert [line.get("n") for line in journal_lines(tmp_path)] == [None, 1, 2, 3]
        assert (log.pending, log.written) == (3, 0)
    finally:
        await log.aclose(timeout=0.5)  # cannot reach Neo4j: the records stay in the journal
        await down.close()
    assert await operations(graph) == []

    replayed = AuditLog(graph, DATABASE, journal=Journal.open(tmp_path))
    replayed.start()
    assert await replayed.wait_written(timeout=30)
    assert await operations(graph) == ["Op0", "Op1", "Op2"]
    await replayed.commit(event(3))  # new records follow the replayed ones
    await replayed.aclose()
    assert await operations(graph) == ["Op0", "Op1", "Op2", "Op3"]
    assert (await verify_chain(graph, DATABASE)).ok
    # a clean stop with everything in the chain leaves no journal behind
    assert list(tmp_path.glob("*.journal")) == []

    await replay(graph, tmp_path)
    assert await operations(graph) == ["Op0", "Op1", "Op2", "Op3"]


async def test_a_journal_replayed_twice_reaches_the_chain_once(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    down = unreachable()
    log = AuditLog(down, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.05)
    try:
        await asyncio.gather(*(log.commit(event(i)) for i in range(5)))
    finally:
        await log.aclose(timeout=0.5)
        await down.close()
    (path,) = tmp_path.glob("*.journal")
    copy = path.read_bytes()

    await replay(graph, tmp_path)
    # the file as it was before that replay (a restore, or a crash before it was emptied)
    path.write_bytes(copy)
    await replay(graph, tmp_path)
    assert await operations(graph) == ["Op0", "Op1", "Op2", "Op3", "Op4"]


async def test_a_write_committed_but_reported_failed_is_not_appended_twice(
    graph: AsyncDriver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(graph, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.01)
    real_write = log._write
    lost = [1]

    async def outcome_lost(batch: list[Any]) -> tuple[int, str]:
        result = await real_write(batch)
        if lost[0]:
            lost[0] -= 1
            raise ServiceUnavailable("connection reset after the commit")
        return result

    monkeypatch.setattr(log, "_write", outcome_lost)
    try:
        await log.commit(event(0))
        assert await log.wait_written(timeout=30)
    finally:
        await log.aclose()
    assert (log.retries, await operations(graph)) == (1, ["Op0"])


async def test_a_line_torn_by_a_crash_is_cut_off_and_the_rest_replayed(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    down = unreachable()
    log = AuditLog(down, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.05)
    try:
        await log.commit(event(0))
    finally:
        await log.aclose(timeout=0.5)
        await down.close()
    (path,) = tmp_path.glob("*.journal")
    with path.open("ab") as torn:
        torn.write(b'{"n":2,"event":{"at":"2026-03')  # the crash came mid-line
    replayed = AuditLog(graph, DATABASE, journal=Journal.open(tmp_path))
    replayed.start()
    assert await replayed.wait_written(timeout=30)
    await replayed.commit(event(1))
    await replayed.aclose()
    assert await operations(graph) == ["Op0", "Op1"]


async def test_a_damaged_journal_is_named_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "0123456789abcdef.journal"
    header = json.dumps({"journal": path.stem, "first": 1}) + "\n"
    path.write_text(header + "not json\n" + '{"n":2,"event":{}}\n')
    with pytest.raises(JournalError, match=rf"{path.name} is unreadable at line 2"):
        Journal.open(tmp_path)
    # the allowed twin: a journal with its header alone opens (and, empty, is deleted)
    path.write_text(header)
    opened = Journal.open(tmp_path)
    await opened.aclose()
    assert (opened.replay, path.exists()) == ([], False)


async def test_every_journal_left_behind_is_replayed(graph: AsyncDriver, tmp_path: Path) -> None:
    down = unreachable()
    # two processes on one data directory, both killed before the chain took their records
    one = AuditLog(down, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.05)
    two = AuditLog(down, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.05)
    try:
        await one.commit(event(0))
        await two.commit(event(1))
        await one.commit(event(2))
        await two.commit(event(3))
    finally:
        await asyncio.gather(one.aclose(timeout=0.5), two.aclose(timeout=0.5))
        await down.close()
    assert len(list(tmp_path.glob("*.journal"))) == 2
    await replay(graph, tmp_path)
    assert sorted(await operations(graph)) == ["Op0", "Op1", "Op2", "Op3"]
    assert list(tmp_path.glob("*.journal")) == []


async def test_a_journal_held_by_a_running_process_is_not_replayed_by_another(
    tmp_path: Path,
) -> None:
    down = unreachable()
    held = AuditLog(down, DATABASE, journal=Journal.open(tmp_path), retry_delay=0.05)
    try:
        await held.commit(event(0))
        other = Journal.open(tmp_path)  # a second hub on the same data directory
        await other.aclose()
        assert other.replay == []
    finally:
        await held.aclose(timeout=0.5)
        await down.close()
    # the allowed twin: once its process is gone, the next one takes it over
    taken = Journal.open(tmp_path)
    await taken.aclose()
    assert [(e.n, e.event.operation) for e in taken.replay] == [(1, "Op0")]


async def test_a_copied_journal_neither_repeats_nor_drops_records(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    first = AuditLog(graph, DATABASE, journal=Journal.open(tmp_path / "a"))
    await first.commit(event(0))
    await first.commit(event(1))
    assert await first.wait_written(timeout=30)
    # a copy of the running hub's journal directory (a restored backup, a cloned volume)
    copy = tmp_path / "b"
    copy.mkdir()
    for path in (tmp_path / "a").glob("*.journal"):
        (copy / path.name).write_bytes(path.read_bytes())
    second = AuditLog(graph, DATABASE, journal=Journal.open(copy))
    second.start()
    assert await second.wait_written(timeout=30)
    await second.commit(event(2))
    await first.commit(event(3))
    await asyncio.gather(first.aclose(), second.aclose())
    assert await operations(graph) == ["Op0", "Op1", "Op2", "Op3"]


async def test_under_steady_load_full_journal_files_are_sealed_and_deleted(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    log = AuditLog(graph, DATABASE, journal=Journal.open(tmp_path, rotate_bytes=1))
    try:
        for i in range(6):
            await log.commit(event(i))  # each append finds the file full: a new one each time
        assert await log.wait_written(timeout=30)
        # the sealed files went once their entries were in the chain; the current one stays
        assert len(list(tmp_path.glob("*.journal"))) == 1
    finally:
        await log.aclose()
    assert await operations(graph) == [f"Op{i}" for i in range(6)]
    assert list(tmp_path.glob("*.journal")) == []


async def test_a_closed_journal_refuses_the_commit(graph: AsyncDriver, tmp_path: Path) -> None:
    log = AuditLog(graph, DATABASE, journal=Journal.open(tmp_path))
    await log.commit(event(0))
    await log.aclose()
    with pytest.raises(AuditUnavailable, match="closed"):
        await log.commit(event(1))
    assert await operations(graph) == ["Op0"]
