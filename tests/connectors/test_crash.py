"""A hub killed with SIGKILL in the middle of applying a batch, then started again, as an
operator would find it: the shipped `hub serve` in a process of its own, on the test Neo4j.

A batch is one transaction, so the kill leaves none of it (never the half already written), and
the agency's resend of the same signed batch then applies it exactly once. To kill it surely in
the middle, the test holds the last record's enterprise key in a transaction of its own: the
batch writes the records before it and then waits on that lock, seen as `Blocked` in SHOW
TRANSACTIONS, and that is when the hub is killed. The hub runs on the
system clock here, as it ships; the batch is dated now, and the agency's key is valid from a
month before.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from connector_kit import DATABASE, Agency, bearer, enterprise_record, uscc
from graph_kit import ServedHub, eventually, token_for
from neo4j import AsyncDriver

from graph_schema.model import Department
from hub.clock import system_clock

RECORDS = 2_000
BLOCKED = """
SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS blocked
"""


@pytest.fixture
def hub(neo4j_uri: str, tmp_path: Path) -> Iterator[ServedHub]:
    served = ServedHub(neo4j_uri, tmp_path)
    served.start()
    try:
        yield served
    finally:
        served.kill()


async def stored(driver: AsyncDriver) -> tuple[int, int, int]:
    """How many of the batch's enterprises and batch records the graph holds, and the
    connector's last accepted sequence."""
    rows, _, _ = await driver.execute_query(
        """
        OPTIONAL MATCH (e:Enterprise) WHERE e.name STARTS WITH 'Crash Test Co.'
        WITH count(e) AS enterprises
        OPTIONAL MATCH (b:Batch {connector: 'samr-crash'})
        WITH enterprises, count(b) AS batches
        MATCH (c:Connector {id: 'samr-crash'})
        RETURN enterprises, batches, c.lastSequence AS sequence
        """,
        database_=DATABASE,
    )
    return rows[0]["enterprises"], rows[0]["batches"], rows[0]["sequence"]


async def test_a_batch_killed_mid_write_is_all_or_nothing_and_its_resend_completes_it(
    ledger: AsyncDriver,
    agency: Callable[..., Any],
    hub: ServedHub,
) -> None:
    samr: Agency = await agency("samr-crash", Department.SAMR, ["samr.enterprise@1"])
    token = await token_for(hub.url, ledger, "connector", institution="samr-crash")
    records = [enterprise_record(i, name=f"Crash Test Co. {i}") for i in range(1, RECORDS + 1)]
    body = samr.batch("samr.enterprise@1", records, created_at=system_clock())

    def push() -> httpx.Response:
        return httpx.post(
            f"{hub.url}/connectors/batches", content=body, headers=bearer(token), timeout=300
        )

    async def blocked() -> bool:
        rows, _, _ = await ledger.execute_query(BLOCKED, database_=DATABASE)
        return bool(rows[0]["blocked"] > 0)

    async with ledger.session(database=DATABASE) as session:
        holder = await session.begin_transaction()
        await holder.run("CREATE (:Enterprise {uscc: $u, name: 'holder'})", u=uscc(RECORDS))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            answer = pool.submit(push)
            assert await eventually(blocked, timeout_s=120), "the batch never reached the lock"
            hub.kill()
            with pytest.raises(httpx.TransportError):
                answer.result(timeout=60)  # the agency got no answer: it must resend
        await holder.rollback()

    # Neo4j rolled back the dead hub's transaction: none of the records written before the
    # kill is stored, nor the batch record, nor a moved sequence
    assert await stored(ledger) == (0, 0, 0)  # registered at sequence 0

    hub.start()
    resent = push()
    assert resent.status_code == 202, resent.text
    assert (resent.json()["status"], resent.json()["written"]) == ("APPLIED", RECORDS)
    assert await stored(ledger) == (RECORDS, 1, 1)
    again = push()  # and a second resend changes nothing
    assert (again.status_code, again.json()["status"]) == (200, "ALREADY_APPLIED")
    assert await stored(ledger) == (RECORDS, 1, 1)
