"""Does one client at the request limits hold up the others? `/readyz` while it runs.

    python -m bench.abuse --enterprises 500 --rounds 5

Writes `--enterprises` enterprises (each with a legal representative and an officer) into a
fresh Neo4j and serves the hub in its own process (production mode, default limits). A public
client then sends, `--rounds` times each, the largest requests the limits allow:

- `_entities` with `HUB_MAX_REPRESENTATIONS` representations, each selecting the enterprise's
  registry fields and its people;
- a body of `HUB_MAX_BODY_BYTES` less a little, a query whose string argument fills it.

Meanwhile a second client polls `/readyz` back to back. Prints, per kind of request: its own
latency, and the `/readyz` latencies seen while it ran (p50, p99, max), beside `/readyz` on an
idle hub. The event loop is held up by as much as the worst `/readyz` over the idle one.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from neo4j import AsyncGraphDatabase

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from bench.harness import fresh_neo4j, hub_process
from graph_schema.migrate import apply_migrations
from graph_schema.uscc import make_uscc
from hub.settings import Settings

DATABASE = "neo4j"
ZONE = """
UNWIND $usccs AS u
CREATE (e:Enterprise {uscc: u, name: 'Bench Co. ' + u, zone: 'KAIFENG', status: 'ACTIVE',
                      registeredOn: date('2019-01-01')})
CREATE (p:Person {personKey: 'p-' + u, name: 'Li Lei'})
CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(e)
CREATE (p)-[:OFFICER_OF {role: 'DIRECTOR', since: date('2019-01-01')}]->(e)
"""
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise {
  uscc name zone status registeredOn legalRepresentative { person { name } }
  officers { role person { name } } } } }"""


def millis(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else []
    p50 = cuts[49] if cuts else samples[0]
    p99 = cuts[98] if cuts else samples[0]
    return f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  max {max(samples):7.1f} ms  (n={len(samples)})"


async def readiness_while(url: str, heavy: asyncio.Task[float]) -> list[float]:
    """`/readyz` latencies, back to back, until `heavy` is done."""
    seen: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        while not heavy.done():
            started = time.perf_counter()
            answer = await http.get("/readyz")
            seen.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()
    return seen


async def timed_post(url: str, token: str, body: dict[str, object] | bytes) -> float:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=url, timeout=120, headers=headers) as http:
        started = time.perf_counter()
        if isinstance(body, bytes):
            answer = await http.post("/graphql", content=body)
        else:
            answer = await http.post("/graphql", json=body)
        elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code >= 500:
        raise RuntimeError(f"the hub answered {answer.status_code}: {answer.text[:300]}")
    return elapsed


async def bench(enterprises: int, rounds: int) -> None:
    limits = Settings(_env_file=None)
    usccs = [make_uscc("9", "1", "410200", f"BA{i:06d}") for i in range(enterprises)]
    with fresh_neo4j(heap_mb=1024, pagecache_mb=512) as uri:
        driver = AsyncGraphDatabase.driver(uri, auth=None)
        await apply_migrations(driver, DATABASE)
        await driver.execute_query(ZONE, usccs=usccs, database_=DATABASE)
        client, secret = await add_client(
            driver,
            DATABASE,
            kind=ClientKind.PUBLIC,
            scopes=sorted(load_catalog().default_scopes(ClientKind.PUBLIC)),
        )
        await driver.close()
        with hub_process(uri) as url:
            async with httpx.AsyncClient(base_url=url) as http:
                answer = await http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(client.client_id, secret or ""),
                )
                token: str = answer.raise_for_status().json()["access_token"]
                idle = []
                for _ in range(200):
                    started = time.perf_counter()
                    (await http.get("/readyz")).raise_for_status()
                    idle.append((time.perf_counter() - started) * 1000)
            representations = [
                {"__typename": "Enterprise", "uscc": usccs[i % enterprises]}
                for i in range(limits.max_representations)
            ]
            filler = "x" * (limits.max_body_bytes - 4096)
            requests: dict[str, dict[str, object] | bytes] = {
                f"_entities x {limits.max_representations}": {
                    "query": ENTITIES,
                    "variables": {"r": representations},
                },
                f"body of {len(filler) // 1024} KiB": {
                    "query": "query($u: String!) { enterprise(uscc: $u) { name } }",
                    "variables": {"u": filler},
                },
            }
            print(f"{enterprises:,} enterprises, {rounds} rounds per request, public client")
            print(f"{'/readyz idle':<28} {millis(idle)}")
            for name, body in requests.items():
                own: list[float] = []
                during: list[float] = []
                for _ in range(rounds):
                    heavy = asyncio.create_task(timed_post(url, token, body))
                    during += await readiness_while(url, heavy)
                    own.append(await heavy)
                print(f"{name:<28} {millis(own)}")
                print(f"{'  /readyz meanwhile':<28} {millis(during)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(bench(args.enterprises, args.rounds))


if __name__ == "__main__":
    main()
