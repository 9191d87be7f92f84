"""An enterprise's access log answers for the archived years too: `myAccessLog`, through the
served hub, pages from the graph's records on into the archive's with one `afterSeq` cursor,
each entry naming only the asking enterprise; a segment without its index still answers, and
an index that was tampered with can hide an enterprise's archived reads but never show it
another enterprise's record."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from audit_kit import event, write_chain
from graph_kit import DATABASE, _serving, token_for
from neo4j import AsyncDriver

from auth.audit.archive import Segment, archive_before
from auth.audit.writer import AuditLog
from graph_schema.uscc import make_uscc

ASKING = make_uscc("9", "1", "410200", "AR000001")
OTHER = make_uscc("9", "1", "410200", "AR000002")
UNREAD = make_uscc("9", "1", "410200", "AR000003")
READS = [
    # (when, whom): record `i + 1` is operation `Op{i}`
    (dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC), (ASKING,)),
    (dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC), (OTHER,)),
    (dt.datetime(2024, 7, 1, 9, 0, tzinfo=dt.UTC), (ASKING, OTHER)),
    (dt.datetime(2024, 9, 1, 9, 0, tzinfo=dt.UTC), (ASKING,)),
    (dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC), (ASKING,)),
    (dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC), (OTHER,)),
    (dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC), (ASKING, OTHER)),
]
CUTOFF = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SEGMENT = "audit-000000000001-000000000004"
LOG = """query($n: Int, $after: Int) {
  myAccessLog(first: $n, afterSeq: $after) { seq at operation enterprises } }"""
ASKING_LOG = [
    ("2026-02-03T09:00:00+00:00", "Op6"),
    ("2026-02-01T09:00:00+00:00", "Op4"),
    ("2024-09-01T09:00:00+00:00", "Op3"),  # from here on, from the archive
    ("2024-07-01T09:00:00+00:00", "Op2"),
    ("2024-03-01T09:00:00+00:00", "Op0"),
]
OTHER_LOG = [
    ("2026-02-03T09:00:00+00:00", "Op6"),
    ("2026-02-02T09:00:00+00:00", "Op5"),
    ("2024-07-01T09:00:00+00:00", "Op2"),
    ("2024-05-01T09:00:00+00:00", "Op1"),
]


async def my_log(
    hub_url: str, token: str, first: int, after: int | None = None
) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(
        base_url=hub_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        response = await client.post(
            "/graphql", json={"query": LOG, "variables": {"n": first, "after": after}}
        )
    body = response.json()
    assert "errors" not in body, body
    entries: list[dict[str, Any]] = body["data"]["myAccessLog"]
    return entries


async def whole_log(hub_url: str, token: str, first: int) -> list[dict[str, Any]]:
    """Every entry, `first` a page, each page after the last one's seq."""
    entries: list[dict[str, Any]] = []
    after = None
    while page := await my_log(hub_url, token, first, after):
        entries += page
        after = page[-1]["seq"]
    return entries


def shown(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["at"], e["operation"]) for e in entries]


@pytest.fixture
async def archived(
    graph: AsyncDriver, hub_url: str, audit: AuditLog, tmp_path: Path
) -> AsyncIterator[Segment]:
    """The reads above in the chain (committed into the graph), 2024's archived into the
    served hub's archive directory (emptied afterwards: the session's later tests share it)."""
    [services] = _serving
    directory = services.audit_archive.directory
    await write_chain(
        audit, [event(i, enterprises=whom, at=at) for i, (at, whom) in enumerate(READS)]
    )
    try:
        done = await archive_before(
            graph,
            DATABASE,
            CUTOFF,
            directory,
            tmp_path / "checkpoints",
            tmp_path / "keys",
            now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        )
        assert done.segment == Segment(directory / f"{SEGMENT}.jsonl", 1, 4)
        yield done.segment
    finally:
        shutil.rmtree(directory, ignore_errors=True)


async def test_the_access_log_pages_on_into_the_archived_years(
    graph: AsyncDriver, hub_url: str, archived: Segment
) -> None:
    asking = await token_for(hub_url, graph, "enterprise", institution=ASKING)
    first = await my_log(hub_url, asking, 3)
    assert shown(first) == ASKING_LOG[:3]  # the page crosses from the graph into the archive
    second = await my_log(hub_url, asking, 3, first[-1]["seq"])
    assert shown(second) == ASKING_LOG[3:]
    assert await my_log(hub_url, asking, 3, second[-1]["seq"]) == []
    # pages of two end right at the boundary: nothing lost, nothing repeated
    assert shown(await whole_log(hub_url, asking, 2)) == ASKING_LOG
    # a request that read two enterprises shows each only itself
    assert {tuple(e["enterprises"]) for e in first + second} == {(ASKING,)}

    # the allowed twin: another enterprise sees its own reads, archived too, and none of these
    other = await token_for(hub_url, graph, "enterprise", institution=OTHER)
    theirs = await whole_log(hub_url, other, 2)
    assert shown(theirs) == OTHER_LOG
    assert {tuple(e["enterprises"]) for e in theirs} == {(OTHER,)}
    unread = await token_for(hub_url, graph, "enterprise", institution=UNREAD)
    assert await my_log(hub_url, unread, 50) == []


async def test_a_segment_without_its_index_still_answers(
    graph: AsyncDriver, hub_url: str, archived: Segment
) -> None:
    asking = await token_for(hub_url, graph, "enterprise", institution=ASKING)
    assert shown(await my_log(hub_url, asking, 50)) == ASKING_LOG  # the index read and cached
    archived.index_path.unlink()  # as a segment archived before indexes were
    assert shown(await my_log(hub_url, asking, 50)) == ASKING_LOG
    assert shown(await whole_log(hub_url, asking, 2)) == ASKING_LOG
    # built on that first read and written beside the segment
    rebuilt = json.loads(archived.index_path.read_text())
    assert {uscc: [seq for seq, _ in found] for uscc, found in rebuilt["reads"].items()} == {
        ASKING: [1, 3, 4],
        OTHER: [2, 3],
    }


async def test_an_index_pointed_astray_hides_entries_but_shows_no_other_record(
    graph: AsyncDriver, hub_url: str, archived: Segment
) -> None:
    asking = await token_for(hub_url, graph, "enterprise", institution=ASKING)
    assert shown(await my_log(hub_url, asking, 50)) == ASKING_LOG
    index = json.loads(archived.index_path.read_text())
    offsets = {seq: offset for found in index["reads"].values() for seq, offset in found}
    index["reads"][ASKING] = [
        [1, offsets[2]],  # its own seq 1, at the other enterprise's record 2
        [2, offsets[2]],  # the other enterprise's record 2, claimed as its own
        [3, offsets[3] + 5],  # into the middle of record 3's line
        [4, offsets[4]],  # the one genuine entry left
        [4, offsets[4]],  # repeated
    ]
    archived.index_path.write_text(json.dumps(index))
    assert shown(await my_log(hub_url, asking, 50)) == ASKING_LOG[:3]
    assert shown(await whole_log(hub_url, asking, 1)) == ASKING_LOG[:3]
    # the allowed twin: the other enterprise's own entries, untouched, still answer
    other = await token_for(hub_url, graph, "enterprise", institution=OTHER)
    assert shown(await my_log(hub_url, other, 50)) == OTHER_LOG


async def test_a_damaged_segment_is_named_to_operators_not_to_the_enterprise(
    graph: AsyncDriver, hub_url: str, archived: Segment
) -> None:
    asking = await token_for(hub_url, graph, "enterprise", institution=ASKING)
    archived.path.with_name(f"{SEGMENT}.index.json").unlink()
    archived.path.write_text("not json\n")
    async with httpx.AsyncClient(
        base_url=hub_url, headers={"Authorization": f"Bearer {asking}"}, timeout=60
    ) as client:
        response = await client.post(
            "/graphql", json={"query": LOG, "variables": {"n": 5, "after": None}}
        )
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "ARCHIVE_UNAVAILABLE"}
    assert str(archived.path.parent) not in response.text
    # the allowed twin: the graph's records alone, a page that stops before the archive
    assert shown(await my_log(hub_url, asking, 2)) == ASKING_LOG[:2]


async def test_a_read_of_several_enterprises_shows_none_of_their_consents(
    graph: AsyncDriver, hub_url: str, archived: Segment
) -> None:
    asking = await token_for(hub_url, graph, "enterprise", institution=ASKING)
    async with httpx.AsyncClient(
        base_url=hub_url, headers={"Authorization": f"Bearer {asking}"}, timeout=60
    ) as client:
        response = await client.post(
            "/graphql", json={"query": "{ myAccessLog(first: 10) { operation consentIds } }"}
        )
    entries = response.json()["data"]["myAccessLog"]
    # Op2 and Op6 read two enterprises; the others read the asking one alone (audit_kit gives
    # a bank's event `i` the consent `consent-i`)
    assert [(e["operation"], e["consentIds"]) for e in entries] == [
        ("Op6", []),
        ("Op4", ["consent-4"]),
        ("Op3", ["consent-3"]),
        ("Op2", []),
        ("Op0", ["consent-0"]),
    ]
