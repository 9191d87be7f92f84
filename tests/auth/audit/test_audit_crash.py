"""A hub killed with SIGKILL right after answering consented bank reads: every answered read has
its audit record after the restart, and the enterprise's access log shows each of them.

Before, a record was only queued when the answer left and the writer lingered to gather a
batch: 31 of 40 answered reads had no record after a kill. Now the answer waits for the commit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import httpx
from graph_kit import DATABASE, ServedHub, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

READS = 40
OWN = make_uscc("9", "1", "410200", "KL000001")
READ = "query Profile($u: String!) { enterprise(uscc: $u) { name } }"
LOG = "{ myAccessLog(first: 100) { institution operation requestId } }"
GRANT = """mutation($x: DateTime!) {
  grantConsent(institution: "bank-killed", purpose: WORKING_CAPITAL,
               scopes: ["enterprise:read"], expiresAt: $x) { id } }"""


async def ask(
    client: httpx.AsyncClient,
    token: str,
    query: str,
    request_id: str | None = None,
    **variables: Any,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital review"}
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


async def test_every_answered_read_survives_a_kill(
    graph: AsyncDriver, neo4j_uri: str, tmp_path: Path
) -> None:
    served = ServedHub(neo4j_uri, tmp_path)
    served.env["HUB_AUDIT_DURABLE_TIMEOUT_S"] = "30"  # a loaded test machine is no fault
    served.start()
    try:
        await graph.execute_query(
            "CREATE (:Enterprise {uscc: $u, name: 'Killed Co.', zone: 'KAIFENG', "
            "status: 'ACTIVE', registeredOn: date('2020-01-01')})",
            u=OWN,
            database_=DATABASE,
        )
        own = await token_for(served.url, graph, "enterprise", institution=OWN)
        bank = await token_for(served.url, graph, "bank", institution="bank-killed")
        expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()
        async with httpx.AsyncClient(base_url=served.url, timeout=120) as client:
            granted = (await ask(client, own, GRANT, x=expires)).json()
            assert granted.get("data"), granted
            answers = await asyncio.gather(
                *(ask(client, bank, READ, f"killed-read-{i:02d}", u=OWN) for i in range(READS))
            )
        served.kill()  # at once after the last answer: nothing can be written after this
        assert [a.json() for a in answers] == [
            {"data": {"enterprise": {"name": "Killed Co."}}}
        ] * READS

        served.start()
        async with httpx.AsyncClient(base_url=served.url, timeout=120) as client:
            entries = (await ask(client, own, LOG)).json()["data"]["myAccessLog"]
    finally:
        served.kill()
    reads = sorted(e["requestId"] for e in entries if e["institution"] == "bank-killed")
    assert reads == [f"killed-read-{i:02d}" for i in range(READS)]
    assert {e["operation"] for e in entries if e["institution"] == "bank-killed"} == {"Profile"}
