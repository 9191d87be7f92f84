"""The hash chain in the graph: an intact chain verifies; every kind of tampering is named."""

from __future__ import annotations

import itertools

import pytest
from audit_kit import event, run, write_chain
from graph_kit import DATABASE
from neo4j import AsyncDriver

from auth.audit.chain import ProblemKind, verify_chain
from auth.audit.writer import AuditLog

N = 30


@pytest.fixture
async def chain(graph: AsyncDriver, audit: AuditLog) -> AsyncDriver:
    # some denied requests touch no enterprise; some requests state no purpose
    await write_chain(
        audit,
        [
            event(
                i,
                enterprises=() if i % 10 == 2 else ("91330100MA0000001A", "91330100MA0000002B"),
                purpose=None if i % 7 == 3 else "credit review",
            )
            for i in range(N)
        ],
    )
    return graph


async def test_an_empty_graph_verifies(graph: AsyncDriver) -> None:
    result = await verify_chain(graph, DATABASE)
    assert result.ok and result.checked == 0


async def test_an_intact_chain_verifies_page_by_page(chain: AsyncDriver) -> None:
    seen: list[tuple[int, int]] = []
    result = await verify_chain(chain, DATABASE, page_size=7, progress=lambda *a: seen.append(a))
    assert result.ok, str(result)
    assert (result.checked, result.head_seq) == (N, N)
    assert seen == [(7, N), (14, N), (21, N), (28, N), (N, N)]
    assert "ok" in str(result)
    records, _, _ = await chain.execute_query(
        "MATCH (a:AuditRecord) RETURN a.seq AS seq, a.prevHash AS prev, a.hash AS hash "
        "ORDER BY seq",
        database_=DATABASE,
    )
    assert [r["seq"] for r in records] == list(range(1, N + 1))
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(records))


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("clientId", "someone-else"),
        ("enterprises", ["91330100MA0000009Z"]),
        ("outcome", "denied"),
        ("purpose", "nothing to see"),
        ("at", "2026-03-01T09:00:00Z"),
        ("extra", "{}"),
    ],
)
async def test_a_changed_record_is_found(chain: AsyncDriver, prop: str, value: object) -> None:
    await run(chain, f"MATCH (a:AuditRecord {{seq: 12}}) SET a.{prop} = $v", v=value)
    result = await verify_chain(chain, DATABASE, page_size=5)
    assert not result.ok
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.CHANGED, 12)
    assert result.checked == 11
    assert "seq 12" in str(result) and "changed" in str(result)


async def test_a_removed_property_is_found(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (a:AuditRecord {seq: 3}) REMOVE a.purpose")
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.CHANGED, 3)


async def test_a_deleted_record_is_a_gap(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (a:AuditRecord) WHERE a.seq IN [8, 9] DETACH DELETE a")
    result = await verify_chain(chain, DATABASE, page_size=4)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.MISSING, 8)
    assert "records 8 to 9 are missing" in result.problem.message


async def test_a_deleted_and_renumbered_record_breaks_the_link(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (a:AuditRecord {seq: 8}) DETACH DELETE a")
    await run(chain, "MATCH (a:AuditRecord) WHERE a.seq > 8 SET a.seq = a.seq - 1")
    await run(chain, "MATCH (h:AuditHead) SET h.seq = h.seq - 1")
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.REORDERED, 8)


async def test_swapped_records_are_found(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (a:AuditRecord {seq: 5}) SET a.seq = -5")
    await run(chain, "MATCH (a:AuditRecord {seq: 9}) SET a.seq = 5")
    await run(chain, "MATCH (a:AuditRecord {seq: -5}) SET a.seq = 9")
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.REORDERED, 5)
    assert "reordered" in result.problem.message


async def test_a_record_rewritten_with_its_hash_breaks_the_next_link(chain: AsyncDriver) -> None:
    records, _, _ = await chain.execute_query(
        "MATCH (a:AuditRecord {seq: 10}) RETURN properties(a) AS p", database_=DATABASE
    )
    from auth.audit.events import record_hash

    forged = {**records[0]["p"], "clientId": "someone-else"}
    forged["hash"] = record_hash(forged)
    await run(chain, "MATCH (a:AuditRecord {seq: 10}) SET a = $p", p=forged)
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.REORDERED, 11)


async def test_a_tampered_head_is_found(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (h:AuditHead) SET h.hash = $h", h="f" * 64)
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.HEAD, N)


async def test_a_head_rolled_back_is_found(chain: AsyncDriver) -> None:
    await run(
        chain,
        "MATCH (a:AuditRecord {seq: 20}), (h:AuditHead) SET h.seq = 20, h.hash = a.hash",
    )
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.HEAD
    assert "beyond the chain head" in result.problem.message


async def test_records_cut_from_the_end_are_found(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (a:AuditRecord) WHERE a.seq > $n DETACH DELETE a", n=N - 3)
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.MISSING, N - 2)


async def test_a_removed_head_is_found(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (h:AuditHead) DELETE h")
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None and result.problem.kind is ProblemKind.HEAD


async def test_a_record_outside_the_chain_is_found(chain: AsyncDriver) -> None:
    await run(
        chain,
        "MATCH (a:AuditRecord {seq: 4}) "
        "CREATE (:AuditRecord {hash: a.hash, prevHash: a.prevHash, clientId: 'intruder'})",
    )
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.EXTRA


async def test_a_removed_access_entry_is_found(chain: AsyncDriver) -> None:
    await run(chain, "MATCH (:AuditRecord {seq: 6})-[:ACCESSED]->(x) DETACH DELETE x")
    result = await verify_chain(chain, DATABASE)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.ACCESS, 6)
