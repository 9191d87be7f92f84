"""Shared pieces of the benchmarks: a fresh Neo4j, a hub server process, latency statistics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from auth.keys import rotate_signing_key
from hub.localdb import LocalNeo4j, free_port


@contextlib.contextmanager
def fresh_neo4j(heap_mb: int = 2048, pagecache_mb: int = 2048) -> Iterator[str]:
    """A new, empty local Neo4j in a temporary directory; yields its Bolt URI."""
    external = os.environ.get("BENCH_NEO4J_URI")
    if external:
        yield external
        return
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as home:
        db = LocalNeo4j(Path(home), port=free_port(), heap_mb=heap_mb, pagecache_mb=pagecache_mb)
        uri = db.start(parent_pid=os.getpid())
        try:
            yield uri
        finally:
            db.stop()


@contextlib.contextmanager
def hub_process(neo4j_uri: str) -> Iterator[str]:
    """The hub served by uvicorn in its own process (so the load client does not share a GIL)."""
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="hub-bench-data-"))
    rotate_signing_key(data_dir / "keys")  # a production hub makes no signing key itself
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "HUB_PORT": str(port),
        "HUB_PRODUCTION": "true",
        "HUB_DATA_DIR": str(data_dir),
        # the load generator is one client: the per-client rate limit would measure itself
        "HUB_RATE_LIMIT_PER_MINUTE": str(10**9),
        "HUB_RATE_LIMIT_BURST": str(10**9),
    }
    # the log goes to a file: a pipe nobody reads fills up and stops the hub mid-run
    log_path = data_dir / "hub.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                tail = log_path.read_bytes().decode(errors="replace")[-2000:]
                raise RuntimeError(f"the hub exited: {tail}")
            time.sleep(0.2)
        else:
            raise RuntimeError("the hub did not become ready within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@dataclass(frozen=True)
class Latencies:
    count: int
    elapsed_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    samples: tuple[float, ...] = field(default=(), repr=False, compare=False)
    """Each call's time in ms (to merge runs taken in turns with others)."""

    @classmethod
    def of(cls, samples: Sequence[float], elapsed_s: float) -> Latencies:
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        return cls(len(samples), elapsed_s, cuts[49], cuts[94], cuts[98], tuple(samples))

    @classmethod
    def merged(cls, runs: Sequence[Latencies]) -> Latencies:
        """The runs as one: their samples together, their times added."""
        return cls.of([s for run in runs for s in run.samples], sum(r.elapsed_s for r in runs))

    @property
    def per_second(self) -> float:
        return self.count / self.elapsed_s

    def line(self) -> str:
        return (
            f"p50 {self.p50_ms:6.2f} ms  p95 {self.p95_ms:6.2f} ms  p99 {self.p99_ms:6.2f} ms  "
            f"{self.per_second:8.1f} req/s  ({self.count} requests)"
        )


async def run_concurrently(
    call: Callable[[int], Awaitable[None]], requests: int, concurrency: int
) -> Latencies:
    """Run `call(i)` for i in range(requests) with `concurrency` workers; time each call."""
    samples: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            start = time.perf_counter()
            await call(i)
            samples.append((time.perf_counter() - start) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Latencies.of(samples, time.perf_counter() - started)
