"""BENCHMARK-ONLY fast path: load the demo zone by writing its rows directly, bypassing the
signed connector pipeline. Never use it to feed a hub that serves anyone.

It skips everything that makes agency data trustworthy: no signing and no signature check, no
connector registration or key, no ledger (no Batch nodes, no sequence numbers, no replay or
conflict detection), no clock-skew check, and no department rules beyond what the record models
check themselves (the records are parsed by their models only because `RecordType.to_rows`
needs models). It exists to load large graphs (100,000 enterprises) for the query benchmarks
quickly.

It takes exactly the generator output `hub.seed.seed_zone` sends (`generate_zone` and
`plan_batches`: the same batches, connectors and deterministic batch ids), turns each batch
into rows with `record_type.to_rows(models, RowContext(...))` and writes them with
`connectors.cypher.write_statement_rows`, after the hub's reference data. The business graph is
therefore identical to the one the pipeline builds for the same zone and person secret (the
hub's ledger labels aside); tests/test_seed.py checks it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from neo4j import AsyncDriver

from connectors.cypher import write_statement_rows
from connectors.records import RECORD_TYPES, RowContext, validate_records
from hub.reference_data import load_reference
from hub.seed import DEFAULT_TODAY, PlannedBatch, SeedChunk, generate_zone, plan_batches

__all__ = ["FastloadError", "FastloadStats", "fastload_zone"]


class FastloadError(RuntimeError):
    """A batch had invalid records or rows that referred to unknown nodes (a generator bug)."""


@dataclass(frozen=True)
class FastloadStats:
    """What a fast load wrote: records, batches, enterprises and the time taken."""

    enterprises: int
    records: int
    batches: int
    elapsed_s: float

    @property
    def records_per_s(self) -> float:
        return self.records / self.elapsed_s if self.elapsed_s > 0 else 0.0


async def fastload_zone(
    driver: AsyncDriver,
    database: str,
    *,
    person_secret: bytes,
    enterprises: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> FastloadStats:
    """Write the demo zone `seed_zone` would build, directly (see the module doc)."""
    started = time.perf_counter()
    await load_reference(driver, database)
    records = batches = 0
    chunks = generate_zone(enterprises, seed, DEFAULT_TODAY)
    pending = asyncio.ensure_future(asyncio.to_thread(_next, chunks))
    try:
        while (chunk := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(_next, chunks))
            for planned in plan_batches(chunk, seed, enterprises):
                await _write(driver, database, planned, person_secret)
                records += len(planned.records)
                batches += 1
            if progress is not None:
                progress(chunk.enterprises_done)
    finally:
        if not pending.done():
            pending.cancel()
    return FastloadStats(enterprises, records, batches, time.perf_counter() - started)


def _next(chunks: Iterator[SeedChunk]) -> SeedChunk | None:
    return next(chunks, None)


async def _write(
    driver: AsyncDriver, database: str, planned: PlannedBatch, person_secret: bytes
) -> None:
    record_type = RECORD_TYPES[planned.record_type]
    models, errors = validate_records(record_type, planned.records, planned.department)
    if errors:
        raise FastloadError(f"{planned.describe()}: {'; '.join(map(str, errors[:5]))}")
    context = RowContext(
        source=planned.connector,
        batch=str(planned.batch_id),
        department=planned.department,
        person_secret=person_secret,
    )
    rows = record_type.to_rows(models, context)
    written = await write_statement_rows(driver, record_type.upsert, rows, database=database)
    if written != len(rows):
        raise FastloadError(
            f"{planned.describe()}: {len(rows) - written} of {len(rows)} rows refer to "
            "nodes that do not exist"
        )
