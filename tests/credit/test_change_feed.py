"""The change feed the subscriptions and changesSince read: one change per grade or list move,
numbered without gaps or repeats even when chunks of a recomputation append side by side."""

from __future__ import annotations

import datetime as dt

from graph_kit import DATABASE
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit import load_model
from hub.credit.changes import LIST_STATUS, RATING, head_seq
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

TODAY = dt.date(2026, 11, 24)
USCCS = [make_uscc("9", "1", "410200", f"MC{i:06d}") for i in range(8)]


async def changes(driver: AsyncDriver) -> list[dict[str, object]]:
    rows, _, _ = await driver.execute_query(
        "MATCH (c:CreditChange) RETURN c {.seq, .uscc, .kind, .grade, .lists} AS c ORDER BY c.seq",
        database_=DATABASE,
    )
    return [row["c"] for row in rows]


async def test_chunks_appending_together_number_one_feed(graph: AsyncDriver) -> None:
    await graph.execute_query(
        """UNWIND $usccs AS u
           CREATE (:Enterprise {uscc: u, name: 'Feed Co. ' + u, zone: 'KAIFENG',
                   status: 'ACTIVE', registeredOn: date('2015-01-01')})""",
        usccs=USCCS,
        database_=DATABASE,
    )
    # one enterprise per chunk, two chunks at a time: the appends race for the head
    recomputer = CreditRecomputer(
        graph, DATABASE, load_model(), load_joint_rules(), chunk_size=1, concurrency=2
    )
    first = await recomputer.recompute(USCCS, [], TODAY)
    assert first.changes == 0 and await changes(graph) == []  # a first rating is no change

    await graph.execute_query(
        """UNWIND $usccs AS u
           MATCH (e:Enterprise {uscc: u})
           CREATE (e)-[:LISTED]->(:ListEntry {id: 'L-' + u, list: 'SERIOUS_DISHONESTY',
                  department: 'SAMR', listedOn: date('2026-11-01'), reason: 'fraud',
                  basis: 'memorandum'})""",
        usccs=USCCS,
        database_=DATABASE,
    )
    report = await recomputer.recompute(USCCS, [], TODAY)
    feed = await changes(graph)
    assert report.changes == len(feed) == 2 * len(USCCS)
    assert [c["seq"] for c in feed] == list(range(1, len(feed) + 1))
    assert await head_seq(graph, DATABASE) == len(feed)
    for uscc in USCCS:
        mine = [(c["kind"], c["grade"], c["lists"]) for c in feed if c["uscc"] == uscc]
        assert sorted(mine, key=str) == sorted(
            [(LIST_STATUS, None, ["SERIOUS_DISHONESTY"]), (RATING, "D", None)], key=str
        )

    again = await recomputer.recompute(USCCS, [], TODAY)
    assert again.changes == 0 and len(await changes(graph)) == len(feed)  # nothing moved
