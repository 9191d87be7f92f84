"""The audit trail's cost: on the request path, in the background, on disk, and to read back.

    python -m bench.audit --events 50000

In a fresh local Neo4j (always a local one: the store is measured on disk):

1. request path: the p50/p99 of `AuditLog.record()` alone and of building the event from a
   principal and the query text plus `record()`, while the writer runs; and how much CPU the
   loop's thread spends while a 1 ms timer waits (how long the writer holds the event loop);
2. background write throughput: `--events` events queued at once, time until all are written
   (records/s), and the writer's CPU in this process per record;
3. reading: `access_log_for` through the `(uscc, seq)` access entries against the same query as
   a scan of the records' `enterprises` lists, for an often and a rarely read enterprise; a
   page of `audit_log`; and `verify_chain` over everything.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from neo4j import AsyncDriver, AsyncGraphDatabase

from auth import cypher
from auth.audit.chain import verify_chain
from auth.audit.events import AuditEvent, Outcome
from auth.audit.reads import access_log_for, audit_log
from auth.audit.writer import AuditLog
from auth.principal import ClientKind, Principal
from graph_schema.migrate import apply_migrations
from hub.localdb import LocalNeo4j, free_port

DATABASE = "neo4j"
QUERY = """query Profile($uscc: String!) {
  enterprise(uscc: $uscc) { uscc name zone status
    penalties { id department severity decidedOn }
    listEntries { id list listedOn }
    financing { loans { id amountCny } } } }"""
LIST_SCAN = f"""
MATCH (a:AuditRecord)
WHERE a.seq < $before AND $uscc IN a.enterprises
RETURN {cypher.AUDIT_RECORD_FIELDS} AS record
ORDER BY a.seq DESC
LIMIT $first
"""


@contextlib.contextmanager
def local_neo4j() -> Iterator[LocalNeo4j]:
    """A fresh, not yet started local Neo4j in a temporary home."""
    with tempfile.TemporaryDirectory(prefix="hub-bench-audit-") as home:
        db = LocalNeo4j(Path(home), port=free_port(), heap_mb=2048, pagecache_mb=1024)
        try:
            yield db
        finally:
            db.stop()


def store_size(db: LocalNeo4j) -> int:
    """Bytes of the database's store files (run when stopped: a clean stop checkpoints)."""
    store = db.home / "data" / "databases" / DATABASE
    return sum(p.stat().st_size for p in store.rglob("*") if p.is_file())


class Population:
    """Clients of several kinds and enterprises read with a skew: a few often, most rarely."""

    def __init__(self, enterprises: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.usccs = [f"9133010{i:010d}X" for i in range(enterprises)]
        kinds = [ClientKind.BANK, ClientKind.CUSTOMS, ClientKind.TAX, ClientKind.REGULATOR]
        self.principals = [
            Principal(f"client-{i}", kinds[i % len(kinds)], frozenset(), institution=f"inst-{i}")
            for i in range(40)
        ]

    def event(self) -> AuditEvent:
        rng = self.rng
        touched = {self.usccs[int(rng.paretovariate(1.2)) % len(self.usccs)]}
        if rng.random() < 0.2:  # a list query: several enterprises
            touched |= set(rng.sample(self.usccs, rng.randint(2, 20)))
        return AuditEvent.for_request(
            rng.choice(self.principals),
            query=QUERY,
            operation_name="Profile",
            enterprises=touched,
            purpose="credit review",
            outcome=Outcome.OK,
            fields=("Enterprise.name", "Enterprise.financing"),
        )


def micro(samples_ns: list[int]) -> str:
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    p50, p99, top = cuts[49] / 1000, cuts[98] / 1000, max(samples_ns) / 1000
    return f"p50 {p50:6.2f} us  p99 {p99:6.2f} us  max {top:8.1f} us"


async def request_path(log: AuditLog, people: Population, samples: int) -> None:
    events = [people.event() for _ in range(samples)]
    principal = people.principals[0]
    alone: list[int] = []
    full: list[int] = []
    lateness: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        # CPU this thread spent while a 1 ms timer waited: how long others held the event loop
        # (wall-clock lateness would also count other processes on a shared machine)
        while not stop.is_set():
            start = time.thread_time()
            await asyncio.sleep(0.001)
            lateness.append((time.thread_time() - start) * 1000)

    tick = asyncio.create_task(ticker())
    for i, event in enumerate(events):
        start = time.perf_counter_ns()
        log.record(event)
        alone.append(time.perf_counter_ns() - start)
        start = time.perf_counter_ns()
        log.record(
            AuditEvent.for_request(
                principal,
                query=QUERY,
                operation_name="Profile",
                enterprises=event.enterprises,
                purpose="credit review",
                fields=event.fields,
            )
        )
        full.append(time.perf_counter_ns() - start)
        if i % 10 == 0:
            await asyncio.sleep(0.001)  # requests arrive over time; the writer runs in between
    await log.flush()
    stop.set()
    await tick
    late = statistics.quantiles(lateness, n=100, method="inclusive")
    print(f"record() alone             : {micro(alone)}")
    print(f"event + record()           : {micro(full)}")
    print(
        f"loop busy per 1 ms tick    : p50 {late[49]:.2f} ms  p99 {late[98]:.2f} ms  "
        f"max {max(lateness):.2f} ms  (CPU in the loop's thread: recording plus the writer)"
    )


async def throughput(log: AuditLog, people: Population, events: int) -> None:
    batch = [people.event() for _ in range(events)]
    accesses = sum(len(e.enterprises) for e in batch)
    cpu, wall = time.process_time(), time.perf_counter()
    for event in batch:
        log.record(event)
    await log.flush()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"background writes          : {events:,} records ({accesses:,} access entries) in "
        f"{wall:.1f} s = {events / wall:,.0f} records/s; writer CPU here {cpu / events * 1e6:.0f} "
        "us/record"
    )


async def timed(call: Callable[[], Awaitable[object]], rounds: int = 30) -> float:
    """Median wall-clock milliseconds of `call`."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


async def server_ms(driver: AsyncDriver, query: str, rounds: int, **params: object) -> float:
    """Median milliseconds Neo4j reports for planning, running and streaming the query."""
    samples = []
    for _ in range(rounds):
        _, summary, _ = await driver.execute_query(query, params, database_=DATABASE)
        samples.append((summary.result_available_after or 0) + (summary.result_consumed_after or 0))
    return statistics.median(samples)


async def reads(driver: AsyncDriver) -> None:
    records, _, _ = await driver.execute_query(
        "MATCH (x:AuditAccess) RETURN x.uscc AS uscc, count(*) AS n ORDER BY n DESC",
        database_=DATABASE,
    )
    often, rare = records[0], records[-1]
    page = {"clientId": None, "kind": None, "since": None, "until": None, "first": 50}
    page["before"] = 2**62
    print("reads, p50 (wall-clock in this process / in Neo4j):")
    for label, row in (("often", often), ("rarely", rare)):
        uscc = row["uscc"]
        wall = await timed(functools.partial(access_log_for, driver, DATABASE, uscc))
        entries = await server_ms(driver, cypher.AUDIT_LOG_BY_ENTERPRISE, 30, uscc=uscc, **page)
        listed = await server_ms(driver, LIST_SCAN, 5, uscc=uscc, **page)
        print(
            f"  access_log_for, {label:6} read enterprise ({row['n']:,} records): "
            f"{wall:.1f} ms / {entries:.0f} ms; as a scan of the enterprises lists: {listed:.0f} ms"
        )
    wall = await timed(functools.partial(audit_log, driver, DATABASE))
    server = await server_ms(driver, cypher.AUDIT_LOG, 30, uscc=None, **page)
    print(f"  audit_log, newest 50: {wall:.1f} ms / {server:.0f} ms")
    wall = await timed(functools.partial(audit_log, driver, DATABASE, client_id="client-7"))
    server = await server_ms(
        driver, cypher.AUDIT_LOG_BY_CLIENT, 30, uscc=None, **{**page, "clientId": "client-7"}
    )
    print(f"  audit_log, one client's newest 50: {wall:.1f} ms / {server:.0f} ms")
    start = time.perf_counter()
    result = await verify_chain(driver, DATABASE)
    elapsed = time.perf_counter() - start
    print(f"verify_chain: {result} in {elapsed:.1f} s ({result.checked / elapsed:,.0f} records/s)")


async def main(events: int, samples: int, enterprises: int, seed: int) -> None:
    with local_neo4j() as db:
        driver = AsyncGraphDatabase.driver(db.start(parent_pid=os.getpid()), auth=None)
        await apply_migrations(driver, DATABASE)
        await driver.close()
        db.stop()
        empty = store_size(db)
        driver = AsyncGraphDatabase.driver(db.start(parent_pid=os.getpid()), auth=None)
        try:
            people = Population(enterprises, seed)
            async with AuditLog(driver, DATABASE) as log:
                await request_path(log, people, samples)
                await throughput(log, people, events)
            await reads(driver)
            records, _, _ = await driver.execute_query(
                "MATCH (x:AuditAccess) RETURN count(x) AS n", database_=DATABASE
            )
            accesses = records[0]["n"]
        finally:
            await driver.close()
        db.stop()
        grown = store_size(db) - empty
        print(
            f"data size                  : store grew {grown / 2**20:.1f} MiB for "
            f"{log.written:,} records and {accesses:,} access entries = "
            f"{grown / log.written:,.0f} bytes/record"
        )


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=50_000, help="for the throughput run")
    parser.add_argument("--samples", type=int, default=10_000, help="request-path calls")
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.samples, args.enterprises, args.seed))


if __name__ == "__main__":
    cli()
