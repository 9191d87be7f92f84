"""Archived segments: the graph's archive anchor is never trusted alone (one made up in the
graph is named unless an archive covers it), each segment's own signed checkpoint must verify,
and an archive run cut short is finished by the next without ever leaving segments overlapping.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from audit_kit import T0, event, run, write_chain
from graph_kit import DATABASE
from neo4j import AsyncDriver

from auth.audit import archive as archive_module
from auth.audit.archive import Archived, ArchiveError, Segment, archive_before, read_segments
from auth.audit.chain import ProblemKind, VerifyResult, verify_chain
from auth.audit.checkpoints import (
    checkpoint_key,
    public_jwks,
    read_checkpoints,
    sign_checkpoint,
    write_checkpoint,
)
from auth.audit.events import record_hash
from auth.audit.writer import AuditLog

N = 10
A = "91330100MA0000001A"
"""The enterprise every record here read (`audit_kit.event`'s)."""
"""Records, a minute apart from T0: record `i + 1` is `event(i)`."""
SIGNED_AT = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
FIRST_FIVE = "audit-000000000001-000000000005"


@dataclass(frozen=True)
class Places:
    archive: Path
    checkpoints: Path
    keys: Path


class PowerCut(Exception):
    """The process stops here."""


@pytest.fixture
async def chain(graph: AsyncDriver, audit: AuditLog) -> AsyncDriver:
    await write_chain(audit, [event(i) for i in range(N)])
    return graph


@pytest.fixture
def places(tmp_path: Path) -> Places:
    return Places(tmp_path / "archive", tmp_path / "checkpoints", tmp_path / "keys")


async def archive(graph: AsyncDriver, places: Places, minutes: int) -> Archived:
    """Archive the records older than T0 + `minutes` (the first `minutes` records)."""
    return await archive_before(
        graph,
        DATABASE,
        T0 + dt.timedelta(minutes=minutes),
        places.archive,
        places.checkpoints,
        places.keys,
        page_size=3,
        now=SIGNED_AT,
    )


async def verify(
    graph: AsyncDriver, places: Places, *, with_archive: bool = True, signed: bool = True
) -> VerifyResult:
    return await verify_chain(
        graph,
        DATABASE,
        checkpoints=read_checkpoints(places.checkpoints) if signed else (),
        jwks=public_jwks(places.keys),
        archive=read_segments(places.archive) if with_archive else (),
        page_size=4,
    )


def spans(places: Places) -> list[tuple[int, int]]:
    return [(s.first, s.last) for s in read_segments(places.archive)]


def indexed(places: Places) -> dict[str, dict[str, list[int]]]:
    """Each segment's index beside it: the seqs it lists for each USCC."""
    found = {}
    for segment in read_segments(places.archive):
        index = json.loads(segment.index_path.read_text())
        assert (index["segment"], index["bytes"]) == (
            segment.path.name,
            segment.path.stat().st_size,
        )
        found[segment.path.name.removesuffix(".jsonl")] = {
            uscc: [seq for seq, _ in entries] for uscc, entries in index["reads"].items()
        }
    return found


async def test_an_anchor_made_up_in_the_graph_is_named(chain: AsyncDriver, places: Places) -> None:
    key = checkpoint_key(places.keys)
    records, _, _ = await chain.execute_query(
        "MATCH (a:AuditRecord) WHERE a.seq IN [3, 10] RETURN a.seq AS seq, a.hash AS hash",
        database_=DATABASE,
    )
    for record in records:
        write_checkpoint(
            places.checkpoints, sign_checkpoint(key, record["seq"], record["hash"], SIGNED_AT)
        )
    # records 1 to 5 removed, and an anchor (record 5's hash) saying they were archived
    await run(
        chain,
        "MATCH (a:AuditRecord {seq: 5}) MERGE (x:AuditAnchor {id: 'audit'}) "
        "SET x.seq = 5, x.hash = a.hash",
    )
    await run(
        chain,
        "MATCH (a:AuditRecord) WHERE a.seq <= 5 "
        "OPTIONAL MATCH (a)-[:ACCESSED]->(x:AuditAccess) DETACH DELETE a, x",
    )
    result = await verify(chain, places)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.ANCHOR, 5)
    assert result.problem.message == (
        "records 1..5 are said to be archived, but no archive covers them: give --archive DIR"
    )


async def test_a_real_archive_verifies_and_carries_its_own_checkpoint(
    chain: AsyncDriver, places: Places, tmp_path: Path
) -> None:
    done = await archive(chain, places, 5)
    assert done.segment == Segment(places.archive / f"{FIRST_FIVE}.jsonl", 1, 5)
    assert (done.deleted, done.adopted, done.set_aside) == (5, (), ())
    assert indexed(places) == {FIRST_FIVE: {A: [1, 2, 3, 4, 5]}}
    result = await verify(chain, places)
    assert str(result) == (
        "audit chain ok: 10 records, head at seq 10; records 1 to 5 archived; "
        "1 signed checkpoints match"
    )
    # without the checkpoint directory the segment's own checkpoint still matches
    assert str(await verify(chain, places, signed=False)) == str(result)

    beside = places.archive / f"{FIRST_FIVE}.checkpoint.json"
    kept = beside.read_text()
    beside.unlink()
    missing = await verify(chain, places)
    assert missing.problem is not None
    assert (missing.problem.kind, missing.problem.seq) == (ProblemKind.ANCHOR, 5)
    assert missing.problem.message == (
        f"segment {FIRST_FIVE}.jsonl has no signed checkpoint at its last seq 5 beside it: "
        "nothing proves its records were not rewritten"
    )

    stranger = checkpoint_key(tmp_path / "other-keys")
    forged = sign_checkpoint(stranger, 5, json.loads(kept)["hash"], SIGNED_AT)
    beside.write_text(json.dumps(forged.as_json()))
    bad = await verify(chain, places)
    assert bad.problem is not None
    assert (bad.problem.kind, bad.problem.seq) == (ProblemKind.SIGNATURE, 5)

    beside.write_text(kept)  # the allowed twin: the genuine one put back
    assert (await verify(chain, places)).ok


async def test_a_segment_rewritten_with_its_hashes_recomputed_is_named_by_its_checkpoint(
    chain: AsyncDriver, places: Places
) -> None:
    await archive(chain, places, 5)
    segment = places.archive / f"{FIRST_FIVE}.jsonl"
    lines = [json.loads(line) for line in segment.read_text().splitlines()]
    prev = lines[1]["hash"]
    for record in lines[2:]:  # record 3 rewritten, 4 and 5 recomputed to follow
        if record["seq"] == 3:
            record["purpose"] = "nothing to see"
        record["prevHash"] = prev
        record["hash"] = prev = record_hash(record)
    segment.write_text("".join(json.dumps(r) + "\n" for r in lines))
    await run(chain, "MATCH (x:AuditAnchor) SET x.hash = $h", h=prev)
    # the checkpoint directory left out: the segment's own checkpoint is enough
    result = await verify(chain, places, signed=False)
    assert result.problem is not None
    assert (result.problem.kind, result.problem.seq) == (ProblemKind.REWRITTEN, 5)
    assert result.problem.message.startswith("a record from seq 1 to 5 was rewritten")


@pytest.mark.parametrize(
    ("cut_at", "left"),
    [
        (
            "write_index",  # right after the segment file was renamed into place
            f"segment {FIRST_FIVE}.jsonl has no signed checkpoint at its last seq 5 beside it: "
            "nothing proves its records were not rewritten",
        ),
        (
            "_seal",  # the segment's index written, not its checkpoint
            f"segment {FIRST_FIVE}.jsonl has no signed checkpoint at its last seq 5 beside it: "
            "nothing proves its records were not rewritten",
        ),
        (
            "_move_anchor",  # its checkpoints written, the anchor not moved
            "the archive holds records 1 to 5 but the graph has no archive anchor: an archive "
            "run was cut short before it moved the anchor (run `hub audit archive` again to "
            "finish it), the anchor was removed, or this is another hub's archive",
        ),
    ],
)
async def test_a_run_cut_short_is_finished_by_the_next(
    chain: AsyncDriver, places: Places, monkeypatch: pytest.MonkeyPatch, cut_at: str, left: str
) -> None:
    def power_cut(*args: object, **kwargs: object) -> None:
        raise PowerCut

    monkeypatch.setattr(archive_module, cut_at, power_cut)
    with pytest.raises(PowerCut):
        await archive(chain, places, 5)
    monkeypatch.undo()
    assert spans(places) == [(1, 5)]
    interrupted = await verify(chain, places)
    assert interrupted.problem is not None
    assert interrupted.problem.message == left

    done = await archive(chain, places, 8)  # a later date than the run cut short
    assert done.adopted == (Segment(places.archive / f"{FIRST_FIVE}.jsonl", 1, 5),)
    assert done.segment is not None
    assert ((done.segment.first, done.segment.last), done.deleted) == ((6, 8), 8)
    assert spans(places) == [(1, 5), (6, 8)]
    # the adopted segment has its index as much as the new one
    assert indexed(places) == {
        FIRST_FIVE: {A: [1, 2, 3, 4, 5]},
        "audit-000000000006-000000000008": {A: [6, 7, 8]},
    }
    assert str(await verify(chain, places)) == (
        "audit chain ok: 10 records, head at seq 10; records 1 to 8 archived; "
        "2 signed checkpoints match"
    )


async def test_a_segment_left_over_that_the_graph_disowns_is_set_aside(
    chain: AsyncDriver, places: Places, monkeypatch: pytest.MonkeyPatch
) -> None:
    def power_cut(*args: object, **kwargs: object) -> None:
        raise PowerCut

    monkeypatch.setattr(archive_module, "_move_anchor", power_cut)
    with pytest.raises(PowerCut):
        await archive(chain, places, 5)
    monkeypatch.undo()
    segment = places.archive / f"{FIRST_FIVE}.jsonl"
    segment.write_text(segment.read_text().replace('"Op2"', '"Op9"'))  # no longer the graph's

    done = await archive(chain, places, 8)
    assert done.set_aside == (Segment(segment, 1, 5),)
    assert done.adopted == ()
    assert spans(places) == [(1, 8)]
    assert sorted(p.name for p in places.archive.glob("*.stale")) == [
        f"{FIRST_FIVE}.checkpoint.json.stale",
        f"{FIRST_FIVE}.index.json.stale",
        f"{FIRST_FIVE}.jsonl.stale",
    ]
    assert indexed(places) == {"audit-000000000001-000000000008": {A: [1, 2, 3, 4, 5, 6, 7, 8]}}
    assert str(await verify(chain, places)) == (
        "audit chain ok: 10 records, head at seq 10; records 1 to 8 archived; "
        "2 signed checkpoints match"
    )


async def test_a_segment_beyond_a_removed_anchor_is_left_alone(
    chain: AsyncDriver, places: Places
) -> None:
    await archive(chain, places, 5)
    segment = places.archive / f"{FIRST_FIVE}.jsonl"
    archived = segment.read_text()
    await run(chain, "MATCH (x:AuditAnchor) DELETE x")
    # the file may be the only copy of records 1 to 5: archiving refuses to touch it
    with pytest.raises(ArchiveError) as refused:
        await archive(chain, places, 8)
    assert str(refused.value) == (
        f"{segment} lies beyond the graph's archive anchor (seq 0) but the graph does not "
        "continue the chain there: run `hub audit verify`; nothing was archived"
    )
    assert (spans(places), segment.read_text()) == ([(1, 5)], archived)
    result = await verify(chain, places)
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.ANCHOR
