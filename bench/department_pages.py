"""A department's page of an enterprise's records: the hub over HTTP against the same Cypher.

    python -m bench.department_pages --enterprises 2000

Loads a generated zone with the benchmark-only fast path (`bench.fastload`), then, for each
page of `PAGES` (a page of 100 orders with their three documents and match as the regulator
reads them; a page of 100 declarations as customs does), asks for that page of a random one
of the enterprises with the most such records, one client at a time, through the hub's HTTP
endpoint with a real token, and the same page by the one Cypher query the hub runs for it
through the async driver; prints p50/p95/p99 of both, their ratio, the zone's size and the
page's (rows and bytes of the answer).

The generator gives a busy seller 20 to 60 orders and an enterprise 1 to 6 declarations, so
each page's `top_up` first copies the records of the sampled enterprises (orders with their
documents, under new ids) until each has at least `AT_LEAST`: every page measured is full.
A page is one more entry of `PAGES`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import httpx
from neo4j import AsyncDriver, AsyncGraphDatabase, RoutingControl

from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind
from bench.fastload import fastload_zone
from bench.harness import Latencies, fresh_neo4j, hub_process, run_concurrently
from graph_schema.migrate import apply_migrations
from hub.documents import cypher as documents
from hub.records.reads import QUERIES, RecordKind

DATABASE = "neo4j"
PAGE_SIZE: Final = 100
AT_LEAST: Final = 120
"""Records each sampled enterprise is topped up to: a page of 100 and more after it."""
SUBJECTS: Final = 20
"""Enterprises sampled per page: those with the most records of its kind."""


@dataclass(frozen=True)
class PageBench:
    """One department's page: who reads it, the GraphQL (`$uscc`, `$n`), the Cypher the hub
    runs for it and that query's parameters for an enterprise and a limit (the hub asks one
    more than the page, to know whether another follows), the enterprises with the most such
    records (`subjects`, returning `uscc` and `records`) and the statements that copy their
    records up to `$at_least` (`top_up`, each with `$usccs`)."""

    kind: ClientKind
    query: str
    raw: str
    raw_params: Callable[[str, int], dict[str, Any]]
    subjects: str
    top_up: tuple[str, ...]


def _copies(node: str, rel: str, label: str) -> str:
    """Copy the `label` records of each enterprise of `$usccs` (under new ids, `copyOf` the
    original) until it has at least `$at_least`."""
    return f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})-[:{rel}]->({node}:{label}) WHERE {node}.copyOf IS NULL
WITH e, collect({node}) AS originals
UNWIND range(1, toInteger(ceil(toFloat($at_least) / size(originals))) - 1) AS k
UNWIND originals AS original
CREATE (e)-[:{rel}]->(copy:{label} {{id: original.id + '-copy-' + toString(k)}})
SET copy += original {{.*, id: copy.id, copyOf: original.id}}
"""


def _document_copies(label: str, rel: str) -> str:
    """Give each copied order a copy of the original's `label` document."""
    return f"""
MATCH (copy:Order) WHERE copy.copyOf IS NOT NULL
MATCH (d:{label})-[:{rel}]->(:Order {{id: copy.copyOf}})
CREATE (c:{label} {{id: copy.id + '-' + d.id}})-[:{rel}]->(copy)
SET c += d {{.*, id: c.id, orderId: copy.id}}
"""


def _most(rel: str, label: str) -> str:
    return f"""
MATCH (e:Enterprise)-[:{rel}]->(n:{label})
RETURN e.uscc AS uscc, count(n) AS records ORDER BY records DESC, uscc LIMIT $subjects
"""


ORDERS_QUERY: Final = """
query Orders($uscc: String!, $n: Int) {
  enterprise(uscc: $uscc) {
    orders(first: $n) {
      edges { cursor node {
        id orderedOn direction ebpCode ebcCode goodsCny freightCny taxCny discountCny
        buyerName consigneeName consigneePhone consigneeAddress source batch
        inventoryList { id direction tradeMode declaredOn ebpCode ebcCode logisticsCode
                        logisticsNo goodsCny freightCny buyerName source batch }
        payment { id paidOn amountCny payerName payCode ebpCode ebcCode source batch }
        waybill { id shippedOn carrier logisticsCode consigneeName source batch }
        match { status reasons }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

DECLARATIONS_QUERY: Final = """
query Declarations($uscc: String!, $n: Int) {
  enterprise(uscc: $uscc) {
    declarations(first: $n) {
      edges { cursor node {
        id mode direction declaredOn valueCny destination hsCode source batch
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def _order_params(uscc: str, limit: int) -> dict[str, Any]:
    no_filter = dict.fromkeys(("from", "to", "direction", "platform", "counterpart", "matched"))
    return {
        **no_filter,
        "usccs": [uscc],  # the hub's statement reads a page of enterprises; here one
        "today": dt.datetime.now(dt.UTC).date(),  # the day the hub's clock reads
        "after_on": None,
        "after_id": None,
        "limit": limit,
    }


def _declaration_params(uscc: str, limit: int) -> dict[str, Any]:
    no_filter = dict.fromkeys(
        ("declared_from", "declared_to", "mode", "direction", "destination", "hs_code_prefix")
    )
    return {**no_filter, "usccs": [uscc], "after_on": None, "after_id": None, "limit": limit}


PAGES: Final[dict[str, PageBench]] = {
    # the regulator reads all three documents (customs has no payments:read, SAFE no
    # customs:read); a regulator's visibility is 'all', whose predicate is `true`
    "orders with their three documents": PageBench(
        kind=ClientKind.REGULATOR,
        query=ORDERS_QUERY,
        raw=documents.order_page("true"),
        raw_params=_order_params,
        subjects=_most("SOLD", "Order"),
        top_up=(
            _copies("o", "SOLD", "Order"),
            _document_copies("Payment", "PAYS"),
            _document_copies("Waybill", "SHIPS"),
            _document_copies("InventoryList", "DECLARES"),
        ),
    ),
    "declarations": PageBench(
        kind=ClientKind.CUSTOMS,
        query=DECLARATIONS_QUERY,
        raw=QUERIES[RecordKind.DECLARATIONS].page,
        raw_params=_declaration_params,
        subjects=_most("DECLARED", "Declaration"),
        top_up=(_copies("d", "DECLARED", "Declaration"),),
    ),
}


async def _write(driver: AsyncDriver, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = await driver.execute_query(query, params, database_=DATABASE)
    return [r.data() for r in records]


async def _token(driver: AsyncDriver, url: str, kind: ClientKind) -> str:
    scopes = sorted(load_catalog().default_scopes(kind))
    client, secret = await add_client(driver, DATABASE, kind=kind, scopes=scopes)
    response = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, secret or ""),
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


async def bench(enterprises: int, seed: int, requests: int, only: list[str] | None) -> None:
    pages = {name: page for name, page in PAGES.items() if not only or name in only}
    with fresh_neo4j() as uri:
        driver = AsyncGraphDatabase.driver(uri, auth=None, max_connection_pool_size=16)
        await apply_migrations(driver, DATABASE)
        started = time.perf_counter()
        stats = await fastload_zone(
            driver, DATABASE, person_secret=b"bench", enterprises=enterprises, seed=seed
        )
        load_s = time.perf_counter() - started
        subjects: dict[str, list[str]] = {}
        for name, page in pages.items():
            found = await _write(driver, page.subjects, subjects=SUBJECTS)
            subjects[name] = [r["uscc"] for r in found]
            for statement in page.top_up:
                await _write(driver, statement, usccs=subjects[name], at_least=AT_LEAST)
        [size] = await _write(
            driver,
            "MATCH (n) WITH count(n) AS nodes "
            "MATCH ()-[r]->() RETURN nodes, count(r) AS relationships",
        )
        print(
            f"data: {enterprises:,} enterprises, {stats.records:,} records loaded in "
            f"{load_s:.1f} s (bench.fastload), {size['nodes']:,} nodes and "
            f"{size['relationships']:,} relationships after the top-up"
        )
        results: dict[str, tuple[Latencies, Latencies, int, int]] = {}
        with hub_process(uri) as url:
            for name, page in pages.items():
                results[name] = await _measure(driver, url, page, subjects[name], requests, seed)
        await driver.close()
    for name, (hub, direct, rows, size_bytes) in results.items():
        report(name, hub, direct, rows, size_bytes)


async def _measure(
    driver: AsyncDriver,
    url: str,
    page: PageBench,
    usccs: list[str],
    requests: int,
    seed: int,
) -> tuple[Latencies, Latencies, int, int]:
    order = usccs * (requests // len(usccs) + 1)
    random.Random(seed).shuffle(order)
    token = await _token(driver, url, page.kind)
    sizes: list[tuple[int, int]] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=300, headers=headers) as client:

        async def over_http(i: int) -> None:
            variables = {"uscc": order[i % len(order)], "n": PAGE_SIZE}
            response = await client.post(
                "/graphql", json={"query": page.query, "variables": variables}
            )
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"query failed: {response.status_code} {body}")
            [connection] = body["data"]["enterprise"].values()
            sizes.append((len(connection["edges"]), len(response.content)))

        await run_concurrently(over_http, min(50, requests), 1)  # warm up
        hub = await run_concurrently(over_http, requests, 1)

    async def raw(i: int) -> None:
        params = page.raw_params(order[i % len(order)], PAGE_SIZE + 1)
        await driver.execute_query(
            page.raw, params, routing_=RoutingControl.READ, database_=DATABASE
        )

    await run_concurrently(raw, min(50, requests), 1)
    direct = await run_concurrently(raw, requests, 1)
    rows = min(r for r, _ in sizes)
    return hub, direct, rows, max(b for _, b in sizes)


def report(name: str, hub: Latencies, direct: Latencies, rows: int, size_bytes: int) -> None:
    print(f"a page of {name} at one client ({rows} rows a page at least, {size_bytes:,} bytes)")
    print(f"  hub over HTTP : {hub.line()}")
    print(f"  raw Cypher    : {direct.line()}")
    print(
        f"  ratio hub/raw : p50 {hub.p50_ms / direct.p50_ms:.2f}x  "
        f"p99 {hub.p99_ms / direct.p99_ms:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="only this page")
    args = parser.parse_args()
    # as measured in docs/benchmarks.md: the hub's per-request log lines left out
    os.environ.setdefault("HUB_LOG_LEVEL", "ERROR")
    asyncio.run(bench(args.enterprises, args.seed, args.requests, args.page))


if __name__ == "__main__":
    main()
