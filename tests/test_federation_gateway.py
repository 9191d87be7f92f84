"""The hub behind a federation gateway: @apollo/gateway composes the hub with a second
subgraph (an e-commerce platform adding `storeRating` to Enterprise) and queries both with
the caller's token forwarded; the hub's rules hold through it. Real Node gateway, real
uvicorn hub, real Neo4j."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

NODE_DIR = Path(__file__).parent / "node"
E1, E2 = (make_uscc("9", "1", "410200", f"MF{i:06d}") for i in (1, 2))
NAMES = {E1: "Consenting Trading Co.", E2: "Private Export Co."}


def store_rating(uscc: str) -> float:
    """What the platform subgraph computes (gateway.mjs)."""
    return (ord(uscc[-2]) % 50) / 10


@pytest.fixture
async def zone(graph: AsyncDriver) -> AsyncDriver:
    await graph.execute_query(
        """UNWIND $rows AS row
           CREATE (:Enterprise {uscc: row.uscc, name: row.name, zone: 'KAIFENG',
                   status: 'ACTIVE', registeredOn: date('2016-04-01')})""",
        rows=[{"uscc": u, "name": n} for u, n in NAMES.items()],
        database_=DATABASE,
    )
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:CONSENTED]->(:Consent {id: 'C-fed', institution: 'bank-fed',
                  purpose: 'WORKING_CAPITAL', grantedAt: datetime(), expiresAt: $until,
                  scopes: ['enterprise:read', 'credit:read']})""",
        u=E1,
        until=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        database_=DATABASE,
    )
    return graph


@pytest.fixture
async def gateway(zone: AsyncDriver, hub_url: str) -> Iterator[str]:
    node = shutil.which("node")
    assert node and (NODE_DIR / "node_modules" / "@apollo" / "gateway").exists(), (
        "`make test` installs the Node side (npm ci --prefix tests/node)"
    )
    composer = await token_for(hub_url, zone, "public")  # reads _service { sdl } only
    process = subprocess.Popen(
        [node, "gateway.mjs"],
        cwd=NODE_DIR,
        env=os.environ
        | {
            "HUB_URL": f"{hub_url}/graphql",
            "GATEWAY_TOKEN": composer,
            "PLATFORM_USCCS": f"{E1},{E2}",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen = []
        for line in process.stdout:  # Apollo may log first; the gateway's URL is a JSON line
            seen.append(line)
            if line.startswith('{"gateway"'):
                yield json.loads(line)["gateway"]
                break
        else:
            stderr = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"the gateway did not start: {''.join(seen)}{stderr}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def through(url: str, token: str, query: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "supply-chain finance"}
    answer = httpx.post(url, json={"query": query}, headers=headers, timeout=30)
    body: dict[str, Any] = answer.json()
    return body


async def test_both_subgraphs_answer_through_the_gateway(
    zone: AsyncDriver, hub_url: str, gateway: str
) -> None:
    regulator = await token_for(hub_url, zone, "regulator")
    one = through(gateway, regulator, f'{{ enterprise(uscc: "{E1}") {{ uscc name storeRating }} }}')
    assert one == {
        "data": {"enterprise": {"uscc": E1, "name": NAMES[E1], "storeRating": store_rating(E1)}}
    }
    # the platform's root field, its entities' hub fields resolved by reference (_entities)
    stores = through(gateway, regulator, "{ topStores { uscc name storeRating } }")
    assert stores["data"]["topStores"] == [
        {"uscc": u, "name": NAMES[u], "storeRating": store_rating(u)} for u in (E1, E2)
    ]


async def test_a_bank_sees_through_the_gateway_only_what_it_may(
    zone: AsyncDriver, hub_url: str, gateway: str
) -> None:
    bank = await token_for(hub_url, zone, "bank", institution="bank-fed")
    consented = through(gateway, bank, f'{{ enterprise(uscc: "{E1}") {{ name storeRating }} }}')
    assert consented["data"]["enterprise"]["name"] == NAMES[E1]
    hidden = through(gateway, bank, f'{{ enterprise(uscc: "{E2}") {{ name storeRating }} }}')
    assert hidden["data"] == {"enterprise": None}  # as if it did not exist
    # by reference too: the hub resolves no entity the bank may not see
    stores = through(gateway, bank, "{ topStores { uscc name } }")
    assert NAMES[E2] not in json.dumps(stores)
    unscoped = through(gateway, bank, f'{{ enterprise(uscc: "{E1}") {{ penalties {{ id }} }} }}')
    assert unscoped["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # no penalties:read
