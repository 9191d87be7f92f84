"""Full re-rating and list consolidation, and re-rating after each batch, on a generated zone.

    python -m bench.rating --enterprises 100000

Loads the demo zone of that many enterprises into a fresh Neo4j (`bench.fastload`, about 21
facts per enterprise), then:

1. full: `CreditRecomputer.recompute_all` over every enterprise and listed person, twice: the
   first run stores every rating and coverage row, the second finds nothing changed (the
   steady state of a nightly `hub rate --all`);
2. incremental: signed batches of `--batch-records` records (declarations, penalties,
   customs classifications, shareholdings, list entries, addresses in turn), each about
   `--touched` enterprises, pushed through the real pipeline, whose answer waits for the
   batch's owed RERATE effect (`hub.effects`; its risk scan is skipped here), which re-rates
   what the batch can affect; prints that wait per batch (p50/p95/max) and how many
   enterprises it re-rated, and the whole ingest for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase

from bench.fastload import fastload_zone
from bench.harness import fresh_neo4j
from connectors.client import encode_payload
from connectors.pipeline import Pipeline, Status
from connectors.store import EffectKind
from graph_schema.migrate import apply_migrations
from graph_schema.model import Department
from graph_schema.predicates import punitive
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer
from hub.effects import Drainer, OwedEffect
from hub.seed import DEFAULT_TODAY
from hub.seed.agencies import DemoConnector, prepare_connector

DATABASE = "neo4j"
SECRET = b"bench-person-secret"
TODAY = DEFAULT_TODAY
KINDS = (
    "customs.declaration@1",
    "penalty@1",
    "classification@1",
    "samr.shareholding@1",
    "list.entry@1",
    "samr.address@1",
)
SENDER = {
    "customs.declaration@1": Department.CUSTOMS,
    "classification@1": Department.CUSTOMS,
}


def day(rng: random.Random, within: int) -> str:
    return (TODAY - dt.timedelta(days=rng.randrange(within))).isoformat()


def records_for(kind: str, n: int, usccs: list[str], count: int, rng: random.Random) -> list[Any]:
    """`count` records of `kind` spread over `usccs`; ids are unique to batch `n`."""
    records: list[dict[str, Any]] = []
    for k in range(count):
        uscc = usccs[k % len(usccs)]
        if kind == "customs.declaration@1":
            records.append(
                {
                    "id": f"DEC-BENCH-{n}-{k}",
                    "uscc": uscc,
                    "mode": "9710",
                    "direction": "EXPORT",
                    "declaredOn": day(rng, 300),
                    "valueCny": "1250.00",
                    "destination": "DE",
                    "hsCode": "940540",
                }
            )
        elif kind == "penalty@1":
            decided = TODAY - dt.timedelta(days=rng.randrange(300))
            records.append(
                {
                    "id": f"PEN-BENCH-{n}-{k}",
                    "uscc": uscc,
                    "caseNo": f"BENCH-{n}-{k}",
                    "severity": "GENERAL",
                    "amountCny": "5000.00",
                    "decidedOn": decided.isoformat(),
                    "publicUntil": (decided + dt.timedelta(days=365)).isoformat(),
                }
            )
        elif kind == "classification@1":
            records.append(
                {
                    "id": f"CLS-BENCH-{n}-{k}",
                    "uscc": uscc,
                    "scheme": "CUSTOMS_CREDIT",
                    "value": rng.choice(["ADVANCED_CERTIFIED", "ROUTINE", "DISHONEST"]),
                    "effectiveFrom": day(rng, 300),
                }
            )
        elif kind == "samr.shareholding@1":
            holder = usccs[(k // len(usccs) + 1 + k) % len(usccs)]
            if holder == uscc:
                holder = usccs[(k + 1) % len(usccs)]
            records.append(
                {
                    "holder": {"uscc": holder},
                    "uscc": uscc,
                    "ratio": 0.3,
                    "since": day(rng, 300),
                }
            )
        elif kind == "list.entry@1":
            records.append(
                {
                    "id": f"LST-BENCH-{n}-{k}",
                    "subject": {"uscc": uscc},
                    "list": "ABNORMAL_OPERATION",
                    "listedOn": day(rng, 300),
                    "reason": "not reachable at the registered address",
                    "basis": "SAMR interim measures on abnormal operation",
                }
            )
        else:
            records.append(
                {
                    "uscc": uscc,
                    "address": f"No. {n}-{k} Bench Road, Kaifeng",
                    "since": day(rng, 300),
                }
            )
    return records


def quantiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {cuts[49]:7.1f} ms  p95 {cuts[94]:7.1f} ms  max {max(samples):7.1f} ms"


async def bench(
    enterprises: int, seed: int, batches: int, batch_records: int, touched: int
) -> None:
    with fresh_neo4j() as uri, tempfile.TemporaryDirectory() as keys:
        driver = AsyncGraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")
        await apply_migrations(driver, DATABASE)
        started = time.perf_counter()
        existing, _, _ = await driver.execute_query(
            "MATCH (e:Enterprise) RETURN count(e) AS n", database_=DATABASE
        )
        stats = None
        if existing[0]["n"] == 0:
            stats = await fastload_zone(
                driver, DATABASE, person_secret=SECRET, enterprises=enterprises, seed=seed
            )
            loaded = f"{stats.records:,} records"
        else:  # BENCH_NEO4J_URI names a database loaded before: measure on what is there
            enterprises, loaded = existing[0]["n"], "loaded before"
        counts, _, _ = await driver.execute_query(
            "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() "
            "WITH nodes, count(r) AS relationships "
            f"MATCH (l:ListEntry) WHERE {punitive('l')} "
            "RETURN nodes, relationships, count(l) AS entries",
            database_=DATABASE,
        )
        print(
            f"data: {enterprises:,} enterprises, {loaded}, "
            f"{counts[0]['nodes']:,} nodes, {counts[0]['relationships']:,} relationships, "
            f"{counts[0]['entries']:,} punitive list entries "
            + (
                f"(loaded in {time.perf_counter() - started:.0f} s by bench.fastload)"
                if stats
                else ""
            )
        )

        recomputer = CreditRecomputer(
            driver, DATABASE, load_model(), load_joint_rules(), clock=lambda: TODAY
        )
        for run in ("first (stores everything)", "second (nothing changed)"):
            report = await recomputer.recompute_all(TODAY)
            print(
                f"full re-rating, {run}: {report.seconds:.1f} s for {report.enterprises:,} "
                f"enterprises and {report.persons:,} listed persons "
                f"({report.enterprises / report.seconds:,.0f} enterprises/s); "
                f"{report.ratings_written:,} ratings and {report.coverage_written:,} coverage "
                "rows written"
            )

        usccs_rows, _, _ = await driver.execute_query(
            "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc", database_=DATABASE
        )
        all_usccs = [row["uscc"] for row in usccs_rows]
        now = dt.datetime.now(dt.UTC)
        senders: dict[Department, DemoConnector] = {}
        for department, types in (
            (
                Department.SAMR,
                ["penalty@1", "samr.shareholding@1", "list.entry@1", "samr.address@1"],
            ),
            (Department.CUSTOMS, ["customs.declaration@1", "classification@1"]),
        ):
            senders[department] = await prepare_connector(
                driver,
                DATABASE,
                Path(keys),
                f"bench-{department.value.lower()}",
                department,
                types,
                now,
            )

        hook_ms: list[float] = []
        rerated: list[int] = []

        async def rerate(effect: OwedEffect) -> None:
            await recomputer.rerate_batch(effect.subjects, effect.reach)

        async def skip(effect: OwedEffect) -> None:
            return None

        drainer = Drainer(driver, DATABASE, {EffectKind.RERATE: rerate, EffectKind.SCAN: skip})

        async def timed(batch_id: str) -> None:
            mark = time.perf_counter()
            before = recomputer.last_report
            await drainer.settle(batch_id)
            hook_ms.append((time.perf_counter() - mark) * 1000)
            after = recomputer.last_report
            rerated.append(after.enterprises if after is not before and after else 0)

        pipeline = Pipeline(driver, DATABASE, SECRET, complete_effects=timed)
        rng = random.Random(seed)
        ingest_ms: list[float] = []
        for n in range(batches):
            kind = KINDS[n % len(KINDS)]
            sender = senders[SENDER.get(kind, Department.SAMR)]
            chosen = rng.sample(all_usccs, touched)
            records = records_for(kind, n, chosen, batch_records, rng)
            document = encode_payload(
                sender.signer.sign(kind, records, sender.next_sequence(), uuid.uuid4())
            )
            mark = time.perf_counter()
            outcome = await pipeline.ingest(document)
            ingest_ms.append((time.perf_counter() - mark) * 1000)
            if outcome.status is not Status.APPLIED:
                raise RuntimeError(f"batch {n} ({kind}) refused: {outcome.problems[:3]}")
        print(
            f"incremental: {batches} batches of {batch_records:,} records, each naming "
            f"{touched} enterprises ({', '.join(KINDS)} in turn); re-rated per batch "
            f"{min(rerated):,} to {max(rerated):,} enterprises "
            f"(mean {statistics.mean(rerated):,.0f})"
        )
        print(f"  re-rating after a batch (its owed effect): {quantiles(hook_ms)}")
        print(f"  whole ingest including it                : {quantiles(ingest_ms)}")
        for i, kind in enumerate(KINDS):
            times, kind_counts = hook_ms[i :: len(KINDS)], rerated[i :: len(KINDS)]
            print(
                f"    {kind:<22} re-rating median {statistics.median(times):6.1f} ms, "
                f"max {max(times):6.1f} ms, {statistics.mean(kind_counts):5.0f} re-rated"
            )
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--batch-records", type=int, default=1000)
    parser.add_argument("--touched", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(bench(args.enterprises, args.seed, args.batches, args.batch_records, args.touched))


if __name__ == "__main__":
    main()
