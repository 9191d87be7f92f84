"""Enterprise profile query: the hub over HTTP against the same reads in raw Cypher.

    python -m bench.profile_query --enterprises 100000

Generates and loads a zone of that size into a fresh local Neo4j with the benchmark-only fast
path `bench.fastload` (direct writes, no signed pipeline; load time and records/s),
then asks for enterprise profiles (registry, legal representative, officers, penalties, list
entries, classifications) at 16 concurrent clients through the hub's HTTP endpoint, and the
same rows read by raw Cypher through the async driver, and prints both and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

import httpx
from neo4j import AsyncGraphDatabase, RoutingControl

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from bench.fastload import fastload_zone
from bench.harness import Latencies, fresh_neo4j, hub_process, run_concurrently
from graph_schema.migrate import apply_migrations
from hub import cypher

DATABASE = "neo4j"
PROFILE_QUERY = """
query Profile($uscc: String!) {
  enterprise(uscc: $uscc) {
    uscc name zone industryBelt registeredOn status
    legalRepresentative { person { name idMasked } since }
    officers { role person { name } }
    penalties { id department severity amountCny decidedOn publicUntil repairedOn }
    listEntries { id list department listedOn expiresOn removedOn }
    classifications { department scheme value effectiveFrom effectiveTo }
  }
}
"""
# The same read the hub makes for PROFILE_QUERY: one query with these relations.
# (a regulator's token: it may see every enterprise, so the row predicate is `true`)
RAW_QUERY = cypher.profile_query(
    ["classifications", "legal_representatives", "list_entries", "officers", "penalties"],
    "true",
)


async def bench(enterprises: int, seed: int, requests: int, concurrency: int) -> None:
    with fresh_neo4j() as uri:
        driver = AsyncGraphDatabase.driver(uri, auth=None, max_connection_pool_size=64)
        await apply_migrations(driver, DATABASE)
        started = time.perf_counter()
        stats = await fastload_zone(
            driver, DATABASE, person_secret=b"bench", enterprises=enterprises, seed=seed
        )
        load_s = time.perf_counter() - started
        counts, _, _ = await driver.execute_query(
            "MATCH (n) WITH count(n) AS nodes "
            "MATCH ()-[r]->() RETURN nodes, count(r) AS relationships",
            database_=DATABASE,
        )
        sample_rows, _, _ = await driver.execute_query(
            "MATCH (e:Enterprise) RETURN e.uscc AS uscc", database_=DATABASE
        )
        usccs = [r["uscc"] for r in sample_rows]
        random.Random(seed).shuffle(usccs)
        print(
            f"data: {enterprises:,} enterprises, {stats.records:,} records loaded, "
            f"{counts[0]['nodes']:,} nodes, {counts[0]['relationships']:,} relationships"
        )
        print(
            f"load: {load_s:.1f} s, {stats.records / load_s:,.0f} records/s "
            "(bench.fastload: direct UNWIND writes, no signed pipeline)"
        )

        async def raw(i: int) -> None:
            await driver.execute_query(
                RAW_QUERY,
                usccs=[usccs[i % len(usccs)]],
                routing_=RoutingControl.READ,
                database_=DATABASE,
            )

        client_scopes = sorted(load_catalog().default_scopes(ClientKind.REGULATOR))
        regulator, secret = await add_client(
            driver, DATABASE, kind=ClientKind.REGULATOR, scopes=client_scopes
        )
        with hub_process(uri) as url:
            token = httpx.post(
                f"{url}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(regulator.client_id, secret or ""),
            ).json()["access_token"]
            limits = httpx.Limits(max_connections=concurrency)
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                base_url=url, limits=limits, timeout=30, headers=headers
            ) as client:

                async def over_http(i: int) -> None:
                    response = await client.post(
                        "/graphql",
                        json={"query": PROFILE_QUERY, "variables": {"uscc": usccs[i % len(usccs)]}},
                    )
                    body = response.json()
                    if response.status_code != 200 or body.get("errors"):
                        raise RuntimeError(f"query failed: {response.status_code} {body}")

                await run_concurrently(over_http, min(500, requests), concurrency)  # warm up
                hub = await run_concurrently(over_http, requests, concurrency)
            await run_concurrently(raw, min(500, requests), concurrency)
            direct = await run_concurrently(raw, requests, concurrency)
        await driver.close()
    report(hub, direct, concurrency)


def report(hub: Latencies, direct: Latencies, concurrency: int) -> None:
    print(f"enterprise profile at {concurrency} concurrent clients")
    print(f"  hub over HTTP : {hub.line()}")
    print(f"  raw Cypher    : {direct.line()}")
    print(
        f"  ratio hub/raw : p50 {hub.p50_ms / direct.p50_ms:.2f}x  "
        f"p99 {hub.p99_ms / direct.p99_ms:.2f}x  "
        f"throughput {direct.per_second / hub.per_second:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(bench(args.enterprises, args.seed, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
