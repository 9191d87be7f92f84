"""Seeding the demo zone through the signed connector pipeline, as the agencies would.

`seed_zone` loads the hub's reference data, prepares one demo connector per department
(`hub.seed.agencies`), then generates the zone chunk by chunk (the next chunk in a worker
thread while the current one is sent) and, for every planned batch (`hub.seed.plan`), signs it
with the sending connector's key and ingests it with `connectors.pipeline.Pipeline`: verified,
checked, validated and written exactly like a batch an agency pushes.

Seeding is idempotent: a batch whose id is already in the ledger (looked up once per chunk) is
skipped, so seeding the same zone again on top changes nothing and raises no conflict; an
interrupted seed resumes where it stopped. A rejected batch stops the seed with a `SeedError`
naming the batch, its type and its first problems: the seed never drops data silently.

The seed's batches owe no effects (neither re-rating nor risk scan): `hub seed` rates the whole
zone in one pass after them, then runs `scan_zone`, the risk scan over every enterprise, so the
seeded zone has its risk alerts (after the rating: one detection reads the joint-punishment
coverage the rating derives).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from neo4j import AsyncDriver, RoutingControl

from connectors.pipeline import Outcome, Pipeline, Status
from hub import cypher
from hub.reference_data import load_reference
from hub.risk import RiskScanner, ScanReport, load_risk_rules
from hub.seed.agencies import DemoConnector, SeedError, prepare_connector
from hub.seed.generator import DEFAULT_TODAY, SeedChunk, generate_zone
from hub.seed.plan import DEPARTMENT_TYPES, PlannedBatch, plan_batches
from hub.seed.reference import SOURCE

__all__ = ["SeedStats", "graph_is_empty", "scan_zone", "seed_zone"]

_SHOWN_PROBLEMS: Final = 5


@dataclass(frozen=True)
class SeedStats:
    """What a seed did.

    `records` and `batches` are the zone's (sent now or already in the ledger); `applied` and
    `records_applied` what the pipeline applied now; `skipped` the batches that were already in
    the ledger. `timings_ms` sums the stages: `generate` (in the worker thread), `sign`,
    `ingest` (each `Pipeline.ingest` call, whole) and the pipeline's own `verify`, `validate`
    and `write`. `counts` has the records per record type.
    """

    enterprises: int
    records: int
    batches: int
    applied: int
    skipped: int
    records_applied: int
    elapsed_s: float
    counts: dict[str, int] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def records_per_s(self) -> float:
        return self.records / self.elapsed_s if self.elapsed_s > 0 else 0.0


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def graph_is_empty(driver: AsyncDriver, database: str) -> bool:
    """Whether the graph has no Enterprise node (reference data and ledgers do not count)."""
    records, _, _ = await driver.execute_query(
        cypher.GRAPH_IS_EMPTY, database_=database, routing_=RoutingControl.READ
    )
    return bool(records[0]["empty"])


async def seed_zone(
    driver: AsyncDriver,
    database: str,
    *,
    data_dir: Path,
    person_secret: bytes,
    enterprises: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    today: dt.date = DEFAULT_TODAY,
    clock: Callable[[], dt.datetime] = _utc_now,
) -> SeedStats:
    """Build the demo zone of `enterprises` enterprises for `seed` through the pipeline.

    `data_dir` keeps the demo connectors' private keys (`<data_dir>/connectors/*.jwk`);
    `person_secret` is the hub's person-key HMAC secret (`hub.secrets.person_key_secret`);
    `progress` gets the number of enterprises done after each chunk. Its batches owe no
    effects: `hub seed` rates the whole zone in one pass after them. Raises `SeedError` if a
    batch is rejected or a demo connector's key is unusable, `ValueError` for a negative
    `enterprises`.
    """
    if enterprises < 0:
        raise ValueError(f"enterprises must be 0 or more, got {enterprises}")
    started = time.perf_counter()
    await load_reference(driver, database)
    now = clock()
    connectors: dict[str, DemoConnector] = {}
    for department, record_types in DEPARTMENT_TYPES.items():
        connector = SOURCE[department]
        connectors[connector] = await prepare_connector(
            driver, database, data_dir, connector, department, record_types, now
        )
    sender = _Sender(
        connectors,
        Pipeline(driver, database, person_secret, clock=clock, owes_effects=False),
        clock,
    )
    chunks = generate_zone(enterprises, seed, today)
    pending = asyncio.ensure_future(asyncio.to_thread(_next_timed, chunks))
    try:
        while True:
            chunk, generate_ms = await pending
            if chunk is None:
                break
            pending = asyncio.ensure_future(asyncio.to_thread(_next_timed, chunks))
            sender.timings["generate"] += generate_ms
            planned = list(plan_batches(chunk, seed, enterprises))
            known = await _in_ledger(driver, database, [str(p.batch_id) for p in planned])
            for batch in planned:
                await sender.send(batch, already=str(batch.batch_id) in known)
            if progress is not None:
                progress(chunk.enterprises_done)
    finally:
        if not pending.done():
            pending.cancel()
    return SeedStats(
        enterprises=enterprises,
        records=sender.records,
        batches=sender.batches,
        applied=sender.applied,
        skipped=sender.skipped,
        records_applied=sender.records_applied,
        elapsed_s=time.perf_counter() - started,
        counts=dict(sender.counts),
        timings_ms={stage: round(ms, 1) for stage, ms in sender.timings.items()},
    )


async def scan_zone(
    driver: AsyncDriver,
    database: str,
    as_of: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> ScanReport:
    """Run every risk detection over every enterprise as of `as_of` and store the alerts (what
    `hub risk scan` does), with the packaged risk rules; `progress` gets (done, total). Run it
    after the zone is rated."""
    scanner = RiskScanner(driver, database, load_risk_rules(), clock=lambda: as_of)
    return await scanner.scan_all(as_of, progress)


async def _in_ledger(driver: AsyncDriver, database: str, batch_ids: list[str]) -> set[str]:
    """Which of `batch_ids` the ledger has as applied batches."""
    records, _, _ = await driver.execute_query(
        cypher.BATCHES_IN_LEDGER, ids=batch_ids, database_=database, routing_=RoutingControl.READ
    )
    return {str(record["id"]) for record in records}


def _next_timed(chunks: Iterator[SeedChunk]) -> tuple[SeedChunk | None, float]:
    """The next chunk (None at the end) and the milliseconds it took to generate."""
    mark = time.perf_counter()
    chunk = next(chunks, None)
    return chunk, (time.perf_counter() - mark) * 1000


class _Sender:
    """Signs and ingests planned batches, skipping those already in the ledger; counts."""

    def __init__(
        self,
        connectors: dict[str, DemoConnector],
        pipeline: Pipeline,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.connectors = connectors
        self.pipeline = pipeline
        self.clock = clock
        self.records = self.batches = self.applied = self.skipped = self.records_applied = 0
        self.counts: Counter[str] = Counter()
        self.timings: dict[str, float] = {"generate": 0.0, "sign": 0.0, "ingest": 0.0}

    async def send(self, planned: PlannedBatch, *, already: bool) -> None:
        """Sign and ingest `planned`, unless it is `already` in the ledger."""
        size = len(planned.records)
        self.batches += 1
        self.records += size
        self.counts[planned.record_type] += size
        if already:
            self.skipped += 1
            return
        demo = self.connectors[planned.connector]
        sequence = demo.sequence + 1
        mark = time.perf_counter()
        document = demo.signer.sign(
            planned.record_type,
            planned.records,
            sequence,
            batch_id=planned.batch_id,
            created_at=self.clock(),
        )
        body = json.dumps(document)
        signed = time.perf_counter()
        outcome = await self.pipeline.ingest(body)
        self.timings["sign"] += (signed - mark) * 1000
        self.timings["ingest"] += (time.perf_counter() - signed) * 1000
        for stage, ms in outcome.timings_ms.items():
            self.timings[stage] = self.timings.get(stage, 0.0) + ms
        if outcome.status is Status.REJECTED:
            raise SeedError(_rejection(planned, sequence, outcome))
        if outcome.status is Status.ALREADY_APPLIED:
            self.skipped += 1
            return
        demo.sequence = sequence
        self.applied += 1
        self.records_applied += size


def _rejection(planned: PlannedBatch, sequence: int, outcome: Outcome) -> str:
    shown = []
    for problem in outcome.problems[:_SHOWN_PROBLEMS]:
        where = ""
        if problem.index is not None:
            where = f"records[{problem.index}]" + (f".{problem.field}" if problem.field else "")
            where += ": "
        shown.append(f"{problem.code}: {where}{problem.message}")
    more = len(outcome.problems) - len(shown)
    return (
        f"seed batch {planned.describe()} with sequence {sequence} was rejected: "
        + "; ".join(shown)
        + (f" (and {more} more problems)" if more > 0 else "")
    )
