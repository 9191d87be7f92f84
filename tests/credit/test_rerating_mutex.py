"""Re-ratings in different hub processes never interleave (`hub.mutex`, `RERATING_MUTEX`).

A re-rating reads facts, rates in Python, then writes; two of them interleaved (a drainer in one
process reading before a batch committed, another process re-rating after it) could store the
older reading last, for good. So every re-rating holds one mutex in the graph. Here the test is
the other process: it holds the mutex in a transaction of its own, and a re-rating started
meanwhile waits (seen as `Blocked` in SHOW TRANSACTIONS) and writes nothing until it is let go.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from graph_kit import DATABASE, eventually
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit.joint_rules import load_joint_rules
from hub.credit.model import load_model
from hub.credit.recompute import RERATING_MUTEX, CreditRecomputer
from hub.mutex import held

AS_OF = dt.date(2026, 11, 30)
USCC = make_uscc("9", "1", "410200", "MX000001")
BLOCKED = """
SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS blocked
"""


async def blocked(driver: AsyncDriver) -> bool:
    rows, _, _ = await driver.execute_query(BLOCKED, database_=DATABASE)
    return bool(rows[0]["blocked"])


async def grade(driver: AsyncDriver) -> str | None:
    rows, _, _ = await driver.execute_query(
        "MATCH (e:Enterprise {uscc: $u}) RETURN e.creditGrade AS grade", u=USCC, database_=DATABASE
    )
    return rows[0]["grade"] if rows else None


async def test_a_re_rating_waits_while_another_process_re_rates(graph: AsyncDriver) -> None:
    await graph.execute_query(
        "CREATE (:Enterprise {uscc: $u, name: 'Mutex Co.', zone: 'KAIFENG', status: 'ACTIVE',"
        " registeredOn: date('2021-01-01')})",
        u=USCC,
        database_=DATABASE,
    )
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    async with held(graph, DATABASE, RERATING_MUTEX):
        rerating = asyncio.create_task(recomputer.recompute([USCC], [], AS_OF))
        assert await eventually(lambda: blocked(graph), timeout_s=30)
        assert not rerating.done()
        assert await grade(graph) is None  # nothing written while the other holds it
    report = await rerating
    # registered in 2021 with nothing else known: too little data to judge, grade M
    assert (report.ratings_written, await grade(graph)) == (1, "M")


async def test_a_re_rating_with_no_other_holder_goes_ahead(graph: AsyncDriver) -> None:
    # the twin: nobody holds the mutex, so the re-rating neither waits nor is refused
    await graph.execute_query(
        "CREATE (:Enterprise {uscc: $u, name: 'Mutex Co.', zone: 'KAIFENG', status: 'ACTIVE',"
        " registeredOn: date('2021-01-01')})",
        u=USCC,
        database_=DATABASE,
    )
    recomputer = CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules())
    report = await recomputer.recompute([USCC], [], AS_OF)
    assert (report.ratings_written, await grade(graph)) == (1, "M")
    # and the mutex is free again after it: a second holder takes it at once
    async with held(graph, DATABASE, RERATING_MUTEX):
        assert not await blocked(graph)
