"""`hub audit checkpoint`, `verify`, `archive` and `access-log` as an operator runs them: exit
codes and messages; an archived chain still verifies as one and its reads still answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from audit_kit import T0, event, run, write_chain
from graph_kit import DATABASE
from neo4j import AsyncDriver
from test_cli_verbs import hub

from auth.audit.events import record_hash
from auth.audit.writer import AuditLog

A = "91330100MA0000001A"
B = "91330100MA0000002B"


async def test_verify_names_a_rewrite_against_signed_checkpoints(
    graph: AsyncDriver, audit: AuditLog, neo4j_uri: str, tmp_path: Path
) -> None:
    empty = hub(tmp_path, neo4j_uri, "audit", "checkpoint")
    assert (empty.returncode, empty.stdout) == (0, "the audit chain is empty: nothing to sign\n")
    await write_chain(audit, [event(i) for i in range(5)])
    signed = hub(tmp_path, neo4j_uri, "audit", "checkpoint")
    directory = tmp_path / "audit-checkpoints"
    assert (signed.returncode, signed.stdout) == (0, f"checkpoint at seq 5 in {directory}\n")
    intact = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (intact.returncode, intact.stdout) == (
        0,
        "audit chain ok: 5 records, head at seq 5; 1 signed checkpoints match\n",
    )

    # record 3 rewritten, and 4, 5 and the head recomputed to match
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) WHERE a.seq >= 3 RETURN properties(a) AS p ORDER BY a.seq",
        database_=DATABASE,
    )
    prev = None
    for record in records:
        props = dict(record["p"])
        if props["seq"] == 3:
            props["purpose"] = "nothing to see"
        else:
            props["prevHash"] = prev
        props["hash"] = prev = record_hash(props)
        await run(graph, "MATCH (a:AuditRecord {seq: $s}) SET a = $p", s=props["seq"], p=props)
    await run(graph, "MATCH (h:AuditHead) SET h.hash = $h", h=prev)
    graph_only = hub(
        tmp_path, neo4j_uri, "audit", "verify", "--checkpoints", str(tmp_path / "none")
    )
    assert graph_only.returncode == 0  # what the graph alone cannot see
    rewritten = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert rewritten.returncode == 1
    assert rewritten.stdout.startswith(
        "audit chain BROKEN at seq 5: a record from seq 1 to 5 was rewritten: record 5's hash "
        "is not the one signed in the checkpoint of "
    )

    # a checkpoint file edited: the signature no longer covers it
    path = directory / "000000000005.json"
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "hash": prev}))
    forged = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (forged.returncode, forged.stdout) == (
        3,
        "audit chain BROKEN at seq 5: the checkpoint at seq 5 has a bad signature: it was "
        "altered or not signed with the hub's checkpoint key; it proves nothing\n",
    )


async def test_archive_then_verify_and_the_access_log_still_answers(
    graph: AsyncDriver, audit: AuditLog, neo4j_uri: str, tmp_path: Path
) -> None:
    # ten reads a minute apart from T0; B was read by the 2nd and the 8th
    await write_chain(
        audit, [event(i, enterprises=(A, B) if i in (1, 7) else (A,)) for i in range(10)]
    )
    cutoff = (T0 + dt.timedelta(minutes=5)).isoformat()
    archived = hub(tmp_path, neo4j_uri, "audit", "archive", "--before", cutoff)
    segment = tmp_path / "audit-archive" / "audit-000000000001-000000000005.jsonl"
    assert (archived.returncode, archived.stdout) == (
        0,
        f"archived records 1 to 5 into {segment}; 5 deleted from the graph\n",
    )
    assert len(segment.read_text().splitlines()) == 5
    left, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) WITH a ORDER BY a.seq RETURN collect(a.seq) AS seqs, "
        "COUNT { MATCH (x:AuditAccess) WHERE x.seq <= 5 } AS entries",
        database_=DATABASE,
    )
    assert (left[0]["seqs"], left[0]["entries"]) == ([6, 7, 8, 9, 10], 0)
    again = hub(tmp_path, neo4j_uri, "audit", "archive", "--before", cutoff)
    assert (again.returncode, again.stdout) == (0, f"nothing older than {cutoff} left to archive\n")

    whole = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (whole.returncode, whole.stdout) == (
        0,
        "audit chain ok: 10 records, head at seq 10; records 1 to 5 archived; "
        "1 signed checkpoints match\n",
    )
    # the graph's anchor alone proves nothing: without the archive, verify refuses to pass
    graph_part = hub(tmp_path, neo4j_uri, "audit", "verify", "--archive", str(tmp_path / "none"))
    assert (graph_part.returncode, graph_part.stdout) == (
        1,
        "audit chain BROKEN at seq 5: records 1..5 are said to be archived, but no archive "
        "covers them: give --archive DIR\n",
    )

    log = hub(tmp_path, neo4j_uri, "audit", "access-log", "--uscc", B)
    assert log.returncode == 0, log.stderr
    lines = [json.loads(line) for line in log.stdout.splitlines()]
    assert [(r["seq"], r["operation"], r["enterprises"]) for r in lines] == [
        (8, "Op7", [B]),
        (2, "Op1", [B]),  # from the archive
    ]

    # an archived record edited in its file is named
    text = segment.read_text().replace('"Op2"', '"Op9"')
    segment.write_text(text)
    tampered = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (tampered.returncode, tampered.stdout) == (
        1,
        "audit chain BROKEN at seq 3: record 3 was changed: it no longer matches its hash\n",
    )


async def test_verify_names_an_anchor_forged_in_the_graph(
    graph: AsyncDriver, audit: AuditLog, neo4j_uri: str, tmp_path: Path
) -> None:
    await write_chain(audit, [event(i) for i in range(6)])
    signed = hub(tmp_path, neo4j_uri, "audit", "checkpoint")
    assert signed.returncode == 0, signed.stderr
    # records 1 to 4 removed, and an anchor made up to say they were archived
    await run(
        graph,
        "MATCH (a:AuditRecord {seq: 4}) MERGE (x:AuditAnchor {id: 'audit'}) "
        "SET x.seq = 4, x.hash = a.hash",
    )
    await run(
        graph,
        "MATCH (a:AuditRecord) WHERE a.seq <= 4 "
        "OPTIONAL MATCH (a)-[:ACCESSED]->(x:AuditAccess) DETACH DELETE a, x",
    )
    forged = hub(tmp_path, neo4j_uri, "audit", "verify")
    assert (forged.returncode, forged.stdout) == (
        1,
        "audit chain BROKEN at seq 4: records 1..4 are said to be archived, but no archive "
        "covers them: give --archive DIR\n",
    )
