"""The audit trail's cost: what a durable record adds to a read, and what the trail weighs.

    python -m bench.audit --enterprises 2000 --requests 2000

In a fresh local Neo4j (always a local one: the store is measured on disk):

1. the profile query of `bench.profile_query` through the hub (in this process, over ASGI), at
   `--concurrency` clients, three ways: as shipped (each answer waits for its record's fsync in
   the local journal, grouped with concurrent requests'; the chain follows in the background);
   with the journal off (each answer waits for its record's Neo4j commit, grouped likewise);
   and with nothing durable before the answer (the commit put in the background, what the hub
   did before issue 16), in turns of a quarter of `--requests` each: p50/p99 of each, and what
   each durable way adds;
2. the durable commit alone, to the journal and to Neo4j, one at a time and `--concurrency` at
   once, and the fsyncs and transactions the grouping saved;
3. the store's growth on disk for `--records` records reading one enterprise (a bank's read)
   and for a tenth as many reading 100 (a regulator's page): bytes per record and per access
   entry, and per day at a zone's volume (`--officers` officers and `--banks` banks at the
   rates printed);
4. `verify_chain` over everything.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncDriver, AsyncGraphDatabase

from auth.audit.chain import verify_chain
from auth.audit.events import AuditEvent, Outcome
from auth.audit.journal import Journal
from auth.audit.writer import AuditLog
from auth.catalog import load_catalog
from auth.clients import add_client
from auth.principal import ClientKind, Principal
from bench.fastload import fastload_zone
from bench.harness import Latencies, run_concurrently
from bench.profile_query import PROFILE_QUERY
from graph_schema.migrate import apply_migrations
from hub.app import create_app
from hub.localdb import LocalNeo4j, free_port
from hub.settings import Settings

DATABASE = "neo4j"
OFFICER_READS_A_DAY = 100
"""Profile reads a day of one officer (customs, tax, regulator ...)."""
OFFICER_PAGES_A_DAY = 10
"""List pages of 100 enterprises a day of one officer."""
BANK_READS_A_DAY = 2000
ROUNDS = 4
"""The profile query's three ways are measured in this many turns each."""
"""Consented reads a day of one bank (pulls for loan reviews and monitoring)."""


@contextlib.contextmanager
def local_neo4j() -> Iterator[LocalNeo4j]:
    """A fresh, not yet started local Neo4j in a temporary home."""
    with tempfile.TemporaryDirectory(prefix="hub-bench-audit-") as home:
        db = LocalNeo4j(Path(home), port=free_port(), heap_mb=1024, pagecache_mb=512)
        try:
            yield db
        finally:
            db.stop()


def store_size(db: LocalNeo4j) -> int:
    """Bytes of the database's store files (run when stopped: a clean stop checkpoints)."""
    store = db.home / "data" / "databases" / DATABASE
    return sum(p.stat().st_size for p in store.rglob("*") if p.is_file())


def bank_event(i: int, enterprises: int = 1) -> AuditEvent:
    principal = Principal(
        f"bank-{i % 50}", ClientKind.BANK, frozenset(), institution=f"bank-{i % 50}"
    )
    return AuditEvent.for_request(
        principal,
        query=PROFILE_QUERY,
        operation_name="Profile",
        enterprises=[f"9133010{(i * 7 + k) % 10**10:010d}X" for k in range(enterprises)],
        purpose="working capital review",
        outcome=Outcome.OK,
        consent_ids=[f"consent-{i % 997}"],
        fields=["enterprise.name", "enterprise.penalties"],
    )


class Backgrounded:
    """An audit log with the answer no longer waiting for the commit: the record is written by
    a task of its own, as the old queue did (the 'before' of the comparison)."""

    def __init__(self, log: AuditLog) -> None:
        self.log = log
        self.tasks: set[asyncio.Task[None]] = set()

    async def commit(self, event: AuditEvent) -> None:
        task = asyncio.create_task(self.log.commit(event))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


@dataclass(frozen=True)
class ProfileRuns:
    journal: Latencies
    """As shipped: durable in the local journal before the answer."""
    graph: Latencies
    """Journal off: durable in Neo4j before the answer."""
    background: Latencies
    """Nothing durable before the answer."""


async def profile_query(
    uri: str, driver: AsyncDriver, data_dir: Path, requests: int, concurrency: int
) -> ProfileRuns:
    settings = Settings(neo4j_uri=uri, data_dir=data_dir, migrate_on_start=False)
    app = create_app(settings)
    scopes = sorted(load_catalog().default_scopes(ClientKind.REGULATOR))
    client, secret = await add_client(driver, DATABASE, kind=ClientKind.REGULATOR, scopes=scopes)
    rows, _, _ = await driver.execute_query("MATCH (e:Enterprise) RETURN e.uscc AS u")
    usccs = [r["u"] for r in rows]
    random.Random(7).shuffle(usccs)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
            token = (
                await http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(client.client_id, secret or ""),
                )
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "X-Purpose": "bench"}

            async def read(i: int) -> None:
                response = await http.post(
                    "/graphql",
                    json={"query": PROFILE_QUERY, "variables": {"uscc": usccs[i % len(usccs)]}},
                    headers=headers,
                )
                if response.status_code != 200 or response.json().get("errors"):
                    raise RuntimeError(f"query failed: {response.status_code} {response.text}")

            services = app.services
            shipped = services.audit
            async with AuditLog(driver, DATABASE, durable_timeout=60) as graph_log:
                backgrounded = Backgrounded(graph_log)
                ways: dict[str, Any] = {
                    "journal": shipped,
                    "graph": graph_log,
                    "background": backgrounded,
                }
                runs: dict[str, list[Latencies]] = {way: [] for way in ways}
                await run_concurrently(read, min(300, requests), concurrency)  # warm up
                try:
                    # in turns, so that neither the warming of the JVM nor of the caches
                    # favours whichever way is measured last
                    for _ in range(ROUNDS):
                        for way, audit in ways.items():
                            object.__setattr__(services, "audit", audit)
                            runs[way].append(
                                await run_concurrently(read, requests // ROUNDS, concurrency)
                            )
                    await asyncio.gather(*backgrounded.tasks)
                finally:
                    object.__setattr__(services, "audit", shipped)
            journaled, committed, before = (Latencies.merged(runs[way]) for way in ways)
    return ProfileRuns(journaled, committed, before)


async def commits(driver: AsyncDriver, data_dir: Path, rounds: int, concurrency: int) -> None:
    for where, journal in (
        ("journal", Journal.open(data_dir / "bench-journal")),
        ("Neo4j  ", None),
    ):
        async with AuditLog(driver, DATABASE, journal=journal) as log:
            alone: list[float] = []
            for i in range(rounds):
                start = time.perf_counter()
                await log.commit(bank_event(i))
                alone.append((time.perf_counter() - start) * 1000)
            before = log.transactions

            async def one(i: int, log: AuditLog = log) -> None:
                await log.commit(bank_event(i))

            together = await run_concurrently(one, rounds, concurrency)
            grouped = log.transactions - before
            await log.wait_written(timeout=300)
        cuts = statistics.quantiles(alone, n=100, method="inclusive")
        print(
            f"durable commit to the {where}, one at a time : p50 {cuts[49]:.2f} ms  "
            f"p99 {cuts[98]:.2f} ms"
        )
        print(
            f"durable commit to the {where}, {concurrency} at once    : {together.line()}; "
            f"{rounds} records in {grouped} chain transactions"
        )


async def grow(db: LocalNeo4j, records: int, enterprises: int) -> int:
    """Bytes the store grows by for `records` records reading `enterprises` each."""
    db.stop()
    empty = store_size(db)
    driver = AsyncGraphDatabase.driver(db.start(parent_pid=os.getpid()), auth=None)
    try:
        async with AuditLog(driver, DATABASE, durable_timeout=60) as log:
            for start in range(0, records, 500):
                await asyncio.gather(
                    *(log.commit(bank_event(i, enterprises)) for i in range(start, start + 500))
                )
        result = await verify_chain(driver, DATABASE)
        print(f"  {result}")
    finally:
        await driver.close()
    db.stop()
    grown = store_size(db) - empty
    db.start(parent_pid=os.getpid())
    return grown


async def main(args: argparse.Namespace) -> None:
    with local_neo4j() as db, tempfile.TemporaryDirectory(prefix="hub-bench-data-") as data:
        uri = db.start(parent_pid=os.getpid())
        driver = AsyncGraphDatabase.driver(uri, auth=None, max_connection_pool_size=64)
        await apply_migrations(driver, DATABASE)
        stats = await fastload_zone(
            driver, DATABASE, person_secret=b"bench", enterprises=args.enterprises, seed=7
        )
        print(f"data: {args.enterprises:,} enterprises ({stats.records:,} records loaded)")
        if not args.size_only:
            runs = await profile_query(uri, driver, Path(data), args.requests, args.concurrency)
            before = runs.background
            print(f"profile query at {args.concurrency} concurrent clients, in-process over ASGI")
            print(f"  record written in the background (before)     : {before.line()}")
            print(f"  record fsynced in the journal first (shipped) : {runs.journal.line()}")
            print(f"  record committed in Neo4j first (journal off) : {runs.graph.line()}")
            for name, durable in (("the journal", runs.journal), ("a Neo4j commit", runs.graph)):
                print(
                    f"  durability through {name} adds p50 "
                    f"{durable.p50_ms - before.p50_ms:+.2f} ms, "
                    f"p99 {durable.p99_ms - before.p99_ms:+.2f} ms"
                )
            await commits(driver, Path(data), args.requests, args.concurrency)
        await driver.execute_query(
            "MATCH (n) WHERE n:AuditRecord OR n:AuditAccess OR n:AuditHead OR n:AuditJournal "
            "DETACH DELETE n"
        )
        await driver.close()
        single = await grow(db, args.records, 1)
        pages = max(1, args.records // 10)
        paged = await grow(db, pages, 100)
        per_record = single / args.records
        per_access = max(0.0, (paged / pages - per_record) / 99)
        print(
            f"store growth: {args.records:,} one-enterprise records {single / 2**20:.1f} MiB = "
            f"{per_record:,.0f} bytes/record (with its access entry); {pages:,} records of 100 "
            f"enterprises {paged / 2**20:.1f} MiB = {paged / pages:,.0f} bytes/record, so "
            f"{per_access:,.0f} bytes per further access entry"
        )
        reads = args.officers * OFFICER_READS_A_DAY + args.banks * BANK_READS_A_DAY
        page_records = args.officers * OFFICER_PAGES_A_DAY
        day = reads * per_record + page_records * (per_record + 99 * per_access)
        print(
            f"a day of a zone ({args.officers:,} officers: {OFFICER_READS_A_DAY} reads and "
            f"{OFFICER_PAGES_A_DAY} pages of 100 each; {args.banks} banks: {BANK_READS_A_DAY} "
            f"reads each): {reads + page_records:,} records, {day / 2**20:,.0f} MiB a day, "
            f"{day * 365 / 2**30:,.1f} GiB a year"
        )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--banks", type=int, default=50)
    parser.add_argument("--size-only", action="store_true", help="only the store's growth")
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
