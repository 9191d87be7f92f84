"""relationshipGraph over HTTP around the most connected enterprises, and a full risk scan.

    python -m bench.graph --enterprises 100000

Loads the generated zone (`bench.fastload`), finds the enterprises with the most nodes within
two relationships (the graphs regulators open when something is wrong), starts the hub in its
own process and asks, with a regulator's token, for `relationshipGraph(depth: 2, limit: 500)`
around them, one request at a time (a console user), printing latency and the node counts
returned. Then runs every risk detection over every enterprise (`hub risk scan`) and prints
its time and what it found.
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
from bench.fastload import fastload_zone
from bench.harness import fresh_neo4j, hub_process, run_concurrently
from graph_schema.migrate import apply_migrations
from graph_schema.predicates import NETWORK_TIES
from hub.risk import RiskScanner, load_risk_rules
from hub.seed import DEFAULT_TODAY

DATABASE = "neo4j"
GRAPH_QUERY = """query($u: String!, $d: Int!) {
  relationshipGraph(uscc: $u, depth: $d, limit: 500) {
    truncated nodes { id label key name grade listed } edges { id type source target ratio }
  }
}"""

# Benchmark-only: dense clusters the generated zone lacks (its largest 2-hop graphs hold about
# 50 nodes). Each root shares an address with 250 enterprises and its legal representative
# represents 250 others, so its 2-hop graph holds about 500 nodes.
DENSE_CLUSTERS = """
MATCH (e:Enterprise) WITH e ORDER BY e.uscc SKIP 5000 LIMIT $clusters * 501
WITH collect(e) AS pool
UNWIND range(0, $clusters - 1) AS c
WITH c, pool[c * 501] AS root, pool[c * 501 + 1 .. c * 501 + 251] AS shared,
     pool[c * 501 + 251 .. c * 501 + 501] AS represented
CREATE (a:Address {key: 'bench-cluster-' + c, text: 'Bench cluster address ' + c})
CREATE (p:Person {personKey: 'bench-nominee-' + c, name: 'Bench Nominee ' + c})
CREATE (root)-[:REGISTERED_AT {since: date('2020-01-01')}]->(a)
CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(root)
FOREACH (e IN shared | CREATE (e)-[:REGISTERED_AT {since: date('2020-01-01')}]->(a))
FOREACH (e IN represented |
  CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e))
RETURN collect(root.uscc) AS roots
"""

# The enterprises with the most nodes within two relationships of the drawable types.
LARGEST = f"""
MATCH (e:Enterprise)
WITH e, COUNT {{ MATCH (e)-[:{NETWORK_TIES}|USES_PHONE|OPERATES]-{{1,2}}(n) RETURN DISTINCT n }}
  AS size
ORDER BY size DESC LIMIT $count
RETURN e.uscc AS uscc, size
"""


async def bench(enterprises: int, seed: int, sample: int, requests: int) -> None:
    with fresh_neo4j() as uri:
        driver = AsyncGraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")
        await apply_migrations(driver, DATABASE)
        started = time.perf_counter()
        stats = await fastload_zone(
            driver, DATABASE, person_secret=b"bench", enterprises=enterprises, seed=seed
        )
        print(
            f"data: {enterprises:,} enterprises, {stats.records:,} records "
            f"(loaded in {time.perf_counter() - started:.0f} s by bench.fastload)"
        )
        started = time.perf_counter()
        largest, _, _ = await driver.execute_query(LARGEST, count=sample, database_=DATABASE)
        sizes = [row["size"] for row in largest]
        usccs = [row["uscc"] for row in largest]
        print(
            f"the {len(usccs)} most connected enterprises have {min(sizes)} to {max(sizes)} "
            f"nodes within 2 relationships (median {statistics.median(sizes):.0f}; found in "
            f"{time.perf_counter() - started:.1f} s)"
        )

        dense, _, _ = await driver.execute_query(DENSE_CLUSTERS, clusters=10, database_=DATABASE)
        roots = list(dense[0]["roots"])

        scopes = sorted(load_catalog().default_scopes(ClientKind.REGULATOR))
        regulator, secret = await add_client(
            driver, DATABASE, kind=ClientKind.REGULATOR, scopes=scopes
        )
        returned: list[int] = []
        depth = 2
        around: list[str] = list(usccs)
        with hub_process(uri) as url:
            token = httpx.post(
                f"{url}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(regulator.client_id, secret or ""),
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as client:

                async def ask(i: int) -> None:
                    response = await client.post(
                        "/graphql",
                        json={
                            "query": GRAPH_QUERY,
                            "variables": {"u": around[i % len(around)], "d": depth},
                        },
                    )
                    body = response.json()
                    if response.status_code != 200 or body.get("errors"):
                        raise RuntimeError(f"query failed: {response.status_code} {body}")
                    returned.append(len(body["data"]["relationshipGraph"]["nodes"]))

                await run_concurrently(ask, min(100, requests), 1)  # warm up
                for name, chosen in (("most connected", usccs), ("dense clusters", roots)):
                    around[:] = chosen  # what `ask` asks about
                    returned.clear()
                    latencies = await run_concurrently(ask, requests, 1)
                    print(
                        f"relationshipGraph(depth: 2, limit: 500), {name}, over HTTP, one "
                        f"client: {latencies.line()}; {min(returned)} to {max(returned)} nodes "
                        f"per answer (median {statistics.median(returned):.0f})"
                    )

        scanner = RiskScanner(driver, DATABASE, load_risk_rules())
        report = await scanner.scan_all(DEFAULT_TODAY)
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(report.by_kind.items()))
        print(
            f"full risk scan: {report.seconds:.1f} s for {report.enterprises:,} enterprises, "
            f"{report.found:,} alerts ({kinds})"
        )
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(bench(args.enterprises, args.seed, args.sample, args.requests))


if __name__ == "__main__":
    main()
