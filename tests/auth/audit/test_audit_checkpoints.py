"""Signed checkpoints anchor the chain outside the graph: a rewrite with every later hash
recomputed, a removed tail and a rolled-back head pass the walk in the graph alone but are named
against the checkpoints; an untouched chain passes; a checkpoint not signed by the hub's key,
or edited, is named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from audit_kit import event, run, write_chain
from graph_kit import DATABASE
from neo4j import AsyncDriver

from auth.audit.chain import ProblemKind, VerifyResult, verify_chain
from auth.audit.checkpoints import (
    Checkpointer,
    checkpoint_key,
    public_jwks,
    read_checkpoints,
    sign_checkpoint,
    write_checkpoint,
)
from auth.audit.events import record_hash
from auth.audit.writer import AuditLog

N = 30
SIGNED_AT = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
async def chain(graph: AsyncDriver, audit: AuditLog, tmp_path: Path) -> Path:
    """30 records, with checkpoints signed at seq 10, 20 and 30; the checkpoint directory."""
    directory = tmp_path / "checkpoints"
    key = checkpoint_key(tmp_path / "keys")
    for part in range(3):
        await write_chain(audit, [event(i) for i in range(part * 10, part * 10 + 10)])
        records, _, _ = await graph.execute_query(
            "MATCH (h:AuditHead) RETURN h.seq AS seq, h.hash AS hash", database_=DATABASE
        )
        head = records[0]
        write_checkpoint(directory, sign_checkpoint(key, head["seq"], head["hash"], SIGNED_AT))
    return directory


async def verify(graph: AsyncDriver, directory: Path) -> VerifyResult:
    return await verify_chain(
        graph,
        DATABASE,
        checkpoints=read_checkpoints(directory),
        jwks=public_jwks(directory.parent / "keys"),
        page_size=7,
    )


async def rewrite_from(graph: AsyncDriver, seq: int, **changes: object) -> None:
    """Change record `seq` and recompute its hash and every later one, and the head's: what
    someone with write access to the database can do."""
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) WHERE a.seq >= $seq RETURN properties(a) AS p ORDER BY a.seq",
        seq=seq,
        database_=DATABASE,
    )
    before, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord {seq: $seq}) RETURN a.hash AS hash", seq=seq - 1, database_=DATABASE
    )
    prev = before[0]["hash"]
    for number, record in enumerate(records):
        props = dict(record["p"])
        if number == 0:
            props.update(changes)
        props["prevHash"] = prev
        props["hash"] = record_hash(props)
        prev = props["hash"]
        await run(graph, "MATCH (a:AuditRecord {seq: $s}) SET a = $p", s=props["seq"], p=props)
    await run(graph, "MATCH (h:AuditHead) SET h.hash = $h", h=prev)


async def test_an_untouched_chain_matches_its_checkpoints(graph: AsyncDriver, chain: Path) -> None:
    result = await verify(graph, chain)
    assert result.ok, str(result)
    assert (result.checked, result.head_seq, result.checkpoints) == (N, N, 3)
    assert str(result) == "audit chain ok: 30 records, head at seq 30; 3 signed checkpoints match"


async def test_a_rewrite_with_recomputed_hashes_is_named(graph: AsyncDriver, chain: Path) -> None:
    await rewrite_from(graph, 15, purpose="nothing to see", clientId="someone-else")
    # in the graph alone the forgery is consistent: what the old `hub audit verify` saw
    assert (await verify_chain(graph, DATABASE)).ok
    result = await verify(graph, chain)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.REWRITTEN, 20)
    assert result.problem.message.startswith("a record from seq 11 to 20 was rewritten")
    assert result.checkpoints == 1  # seq 10 still matched


async def test_a_rewrite_right_after_a_checkpoint_names_the_record(
    graph: AsyncDriver, chain: Path
) -> None:
    key = checkpoint_key(chain.parent / "keys")
    head, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord {seq: 11}) RETURN a.hash AS hash", database_=DATABASE
    )
    write_checkpoint(chain, sign_checkpoint(key, 11, head[0]["hash"], SIGNED_AT))
    await rewrite_from(graph, 11, outcome="denied")
    result = await verify(graph, chain)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.REWRITTEN, 11)
    assert result.problem.message.startswith("record 11 was rewritten")


async def test_a_removed_tail_is_named(graph: AsyncDriver, chain: Path) -> None:
    await run(graph, "MATCH (a:AuditRecord) WHERE a.seq > 25 DETACH DELETE a")
    await run(
        graph, "MATCH (a:AuditRecord {seq: 25}), (h:AuditHead) SET h.seq = 25, h.hash = a.hash"
    )
    assert (await verify_chain(graph, DATABASE)).ok  # consistent in the graph alone
    result = await verify(graph, chain)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.TRUNCATED, 26)
    assert "records 26 to 30 were removed from the end" in result.problem.message


async def test_a_chain_emptied_altogether_is_named(graph: AsyncDriver, chain: Path) -> None:
    await run(
        graph, "MATCH (n) WHERE n:AuditRecord OR n:AuditAccess OR n:AuditHead DETACH DELETE n"
    )
    assert (await verify_chain(graph, DATABASE)).ok
    result = await verify(graph, chain)
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.TRUNCATED
    assert "the chain is empty" in result.problem.message


async def test_a_rolled_back_head_is_named(graph: AsyncDriver, chain: Path) -> None:
    await run(
        graph, "MATCH (a:AuditRecord {seq: 22}), (h:AuditHead) SET h.seq = 22, h.hash = a.hash"
    )
    result = await verify(graph, chain)
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.HEAD
    assert "beyond the chain head at seq 22" in result.problem.message
    assert "rolled back" in result.problem.message


async def test_a_checkpoint_signed_by_another_key_is_named(
    graph: AsyncDriver, chain: Path, tmp_path: Path
) -> None:
    stranger = checkpoint_key(tmp_path / "other-keys")
    [at_20] = [c for c in read_checkpoints(chain) if c.seq == 20]
    forged = sign_checkpoint(stranger, 20, "0" * 64, SIGNED_AT)
    (chain / "000000000020.json").write_text(json.dumps(forged.as_json()))
    result = await verify(graph, chain)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.SIGNATURE, 20)
    assert "has a bad signature" in result.problem.message
    # the allowed twin: the genuine checkpoint put back verifies
    (chain / "000000000020.json").write_text(json.dumps(at_20.as_json()))
    assert (await verify(graph, chain)).ok


async def test_a_checkpoint_file_edited_is_named(graph: AsyncDriver, chain: Path) -> None:
    path = chain / "000000000010.json"
    document = json.loads(path.read_text())
    document["hash"] = "f" * 64  # the readable field, not what was signed
    path.write_text(json.dumps(document))
    result = await verify(graph, chain)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.SIGNATURE, 10)


async def test_the_checkpointer_signs_every_n_records_and_at_close(
    graph: AsyncDriver, tmp_path: Path
) -> None:
    directory = tmp_path / "checkpoints"
    checkpointer = Checkpointer(
        graph, DATABASE, directory, tmp_path / "keys", every_records=10, interval_s=3600
    )
    checkpointer.start()
    log = AuditLog(graph, DATABASE, durable_timeout=60, on_written=checkpointer.written)
    for i in range(12):
        await log.commit(event(i))  # one at a time: one transaction each
    await log.aclose()
    await checkpointer.aclose()
    assert [c.seq for c in read_checkpoints(directory)] == [10, 12]
    result = await verify(graph, directory)
    assert result.ok and result.checkpoints == 2
