"""Loads generated chunks into Neo4j with the upsert statements of `graph_schema.writes`.

Each chunk's rows are written kind by kind in `WRITE_ORDER` (zones, departments, enterprises and
persons before the relationships and facts that refer to them), in UNWIND batches of
`BATCH_ROWS` rows, one auto-committed transaction each. The next chunk is generated in a worker
thread while the current one is written. Loading is idempotent: loading the same chunks again
changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from neo4j import AsyncDriver, RoutingControl

from graph_schema.writes import WRITE_ORDER, write_rows
from hub.seed.generator import SeedChunk

BATCH_ROWS: Final = 5000
"""Rows per UNWIND statement."""

_EMPTY: Final = "MATCH (e:Enterprise) RETURN count(e) = 0 AS empty"


class SeedLoadError(RuntimeError):
    """Rows referred to nodes that were not there (a generator bug), or of an unknown kind."""


@dataclass(frozen=True)
class SeedStats:
    """What a load wrote: rows per fact kind, their total, enterprises, and the time taken."""

    counts: dict[str, int]
    total_records: int
    enterprises: int
    elapsed_s: float

    @property
    def records_per_s(self) -> float:
        return self.total_records / self.elapsed_s if self.elapsed_s > 0 else 0.0


async def graph_is_empty(driver: AsyncDriver, database: str) -> bool:
    """Whether the graph has no Enterprise node (migration records do not count)."""
    records, _, _ = await driver.execute_query(
        _EMPTY, database_=database, routing_=RoutingControl.READ
    )
    return bool(records[0]["empty"])


async def load_zone(
    driver: AsyncDriver,
    database: str,
    chunks: Iterable[SeedChunk],
    progress: Callable[[int], None] | None = None,
    *,
    batch_rows: int = BATCH_ROWS,
) -> SeedStats:
    """Write every chunk; `progress` gets the number of enterprises loaded after each chunk.

    Raises `SeedLoadError` if a chunk has rows of an unknown kind or rows whose endpoints are
    missing (which the generator never produces).
    """
    started = time.perf_counter()
    counts = dict.fromkeys(WRITE_ORDER, 0)
    enterprises = 0
    iterator = iter(chunks)
    pending = asyncio.ensure_future(asyncio.to_thread(next, iterator, None))
    try:
        while (chunk := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(next, iterator, None))
            unknown = sorted(set(chunk.rows) - set(WRITE_ORDER))
            if unknown:
                raise SeedLoadError(f"chunk {chunk.index} has rows of unknown kinds {unknown}")
            for kind in WRITE_ORDER:
                rows = chunk.rows.get(kind, [])
                for start in range(0, len(rows), batch_rows):
                    batch = rows[start : start + batch_rows]
                    written = await write_rows(driver, kind, batch, database=database)
                    if written != len(batch):
                        raise SeedLoadError(
                            f"chunk {chunk.index}: {len(batch) - written} of {len(batch)} "
                            f"{kind} rows refer to nodes that do not exist"
                        )
                counts[kind] += len(rows)
            enterprises = chunk.enterprises_done
            if progress is not None:
                progress(enterprises)
    finally:
        if not pending.done():
            pending.cancel()
    return SeedStats(
        counts={kind: n for kind, n in counts.items() if n},
        total_records=sum(counts.values()),
        enterprises=enterprises,
        elapsed_s=time.perf_counter() - started,
    )
