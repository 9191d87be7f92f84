"""Ingest of signed batches through the pipeline, against raw UNWIND of the same rows.

    python -m bench.ingest --records 200000

Generates the demo zone's records (about that many), plans them into batches of at most
5,000 records as the demo connectors send them, signs every batch (timed apart: agencies sign
on their side), ingests them one after another through `connectors.pipeline.Pipeline` into a
fresh Neo4j, and prints records/s end to end with the split into verify, validate and write.
Then writes the very same rows with the same UNWIND statements, without the pipeline, into
another fresh Neo4j, and prints records/s and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase

from bench.harness import fresh_neo4j
from connectors.client import encode_payload
from connectors.cypher import write_statement_rows
from connectors.pipeline import Pipeline, Status
from connectors.records import RECORD_TYPES, RowContext, validate_records
from graph_schema.migrate import apply_migrations
from hub.reference_data import load_reference
from hub.seed import PlannedBatch, generate_zone, plan_batches
from hub.seed.agencies import prepare_connector
from hub.seed.plan import DEPARTMENT_TYPES

DATABASE = "neo4j"
SECRET = b"bench-person-secret"
RECORDS_PER_ENTERPRISE = 20.8  # what the generator yields on average


def plan(records: int, seed: int) -> list[PlannedBatch]:
    enterprises = max(10, round(records / RECORDS_PER_ENTERPRISE))
    return [
        batch
        for chunk in generate_zone(enterprises, seed)
        for batch in plan_batches(chunk, seed, enterprises)
    ]


async def through_pipeline(batches: list[PlannedBatch]) -> dict[str, float]:
    with fresh_neo4j() as uri, tempfile.TemporaryDirectory() as keys:
        driver = AsyncGraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")
        await apply_migrations(driver, DATABASE)
        await load_reference(driver, DATABASE)
        now = dt.datetime.now(dt.UTC)
        senders = {}
        for department, types in DEPARTMENT_TYPES.items():
            connector = (
                next(b.connector for b in batches if b.department is department)
                if any(b.department is department for b in batches)
                else None
            )
            if connector:
                senders[department] = await prepare_connector(
                    driver, DATABASE, Path(keys), connector, department, types, now
                )
        started = time.perf_counter()
        documents = [
            encode_payload(
                senders[b.department].signer.sign(
                    b.record_type, b.records, senders[b.department].next_sequence(), b.batch_id
                )
            )
            for b in batches
        ]
        signing = time.perf_counter() - started

        pipeline = Pipeline(driver, DATABASE, SECRET)
        split = {"verify": 0.0, "validate": 0.0, "write": 0.0}
        started = time.perf_counter()
        for document in documents:
            outcome = await pipeline.ingest(document)
            if outcome.status is not Status.APPLIED:
                raise RuntimeError(f"batch refused: {outcome.problems[:3]}")
            for stage in split:
                split[stage] += outcome.timings_ms.get(stage, 0.0) / 1000
        elapsed = time.perf_counter() - started
        await driver.close()
    return {"elapsed": elapsed, "signing": signing, **split}


async def raw_unwind(batches: list[PlannedBatch]) -> float:
    """The same rows, the same statements, one transaction per batch: no pipeline."""
    prepared: list[tuple[str, list[dict[str, Any]]]] = []
    for b in batches:
        record_type = RECORD_TYPES[b.record_type]
        models, errors = validate_records(record_type, b.records, b.department)
        assert not errors, errors[:3]
        context = RowContext(b.connector, str(b.batch_id), b.department, SECRET)
        prepared.append((record_type.upsert, record_type.to_rows(models, context)))
    with fresh_neo4j() as uri:
        driver = AsyncGraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF")
        await apply_migrations(driver, DATABASE)
        await load_reference(driver, DATABASE)
        started = time.perf_counter()
        async with driver.session(database=DATABASE) as session:
            for kind, rows in prepared:

                async def work(tx: Any, kind: str = kind, rows: list[Any] = rows) -> int:
                    return await write_statement_rows(tx, kind, rows)

                await session.execute_write(work)
        elapsed = time.perf_counter() - started
        await driver.close()
    return elapsed


async def bench(records: int, seed: int) -> None:
    started = time.perf_counter()
    batches = plan(records, seed)
    total = sum(len(b.records) for b in batches)
    print(
        f"data: {total:,} records in {len(batches)} batches of at most 5,000 "
        f"({len({b.record_type for b in batches})} record types), generated in "
        f"{time.perf_counter() - started:.1f} s"
    )
    piped = await through_pipeline(batches)
    raw = await raw_unwind(batches)
    rate = total / piped["elapsed"]
    signing = piped["signing"]
    other = piped["elapsed"] - piped["verify"] - piped["validate"] - piped["write"]
    print(f"signing (agency side): {signing:.1f} s, {total / signing:,.0f} records/s")
    print(f"pipeline end to end  : {piped['elapsed']:.1f} s, {rate:,.0f} records/s")
    print(
        f"  verify {piped['verify']:.1f} s, validate {piped['validate']:.1f} s, "
        f"write {piped['write']:.1f} s, other (ledger reads, lock) {other:.1f} s"
    )
    print(f"raw UNWIND           : {raw:.1f} s, {total / raw:,.0f} records/s")
    print(f"ratio pipeline/raw   : {piped['elapsed'] / raw:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    asyncio.run(bench(args.records, args.seed))


if __name__ == "__main__":
    main()
