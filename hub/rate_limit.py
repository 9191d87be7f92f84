"""Per-client rate limits: a token bucket per OAuth client, answered with 429 and Retry-After.

The buckets are the instance's: its worker processes (`HUB_WORKERS`) share one table in a file
of the data directory (`SharedBuckets`, each change under an exclusive lock), so a client gets
the instance's limit whichever worker its connections reach. Behind a load balancer each
instance limits on its own, so a client's effective limit is the per-instance limit times the
instances it reaches (see docs/scaling.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import math
import mmap
import os
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

_PRUNE_AT = 10_000
"""Buckets a process keeps before the idle full ones are dropped (a full one is a fresh one)."""

Bucket = tuple[float, float]
"""The tokens left and the instant (`time.monotonic`, the same in every process) they were
counted at."""


@dataclass
class ProcessBuckets:
    """The buckets in this process (one worker)."""

    table: dict[str, Bucket] = field(default_factory=dict)

    @contextlib.contextmanager
    def changing(self) -> Iterator[ProcessBuckets]:
        yield self

    def get(self, key: str) -> Bucket | None:
        return self.table.get(key)

    def put(self, key: str, bucket: Bucket) -> None:
        self.table[key] = bucket

    def prune(self, now: float, full_after: float) -> None:
        if len(self.table) > _PRUNE_AT:
            self.table = {k: (t, at) for k, (t, at) in self.table.items() if now - at < full_after}


_SLOT = struct.Struct("<Qdd")  # key digest (0: free), tokens, counted at
SHARED_SLOTS = 16_384
"""Clients a shared table holds at once; a newcomer finding its probe window full takes the
slot counted longest ago (an idle client's, whose bucket has refilled: a fresh one)."""
_PROBES = 32


class SharedBuckets:
    """The buckets of every worker of an instance, in a fixed table of slots in `path` (made at
    first use), each change under an exclusive `flock` of the file. Clients are told apart by
    an 8-byte BLAKE2b digest of their id."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = SHARED_SLOTS * _SLOT.size
        with self._locked():
            if os.fstat(self._fd).st_size < size:
                os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def changing(self) -> Iterator[SharedBuckets]:
        with self._locked():
            yield self

    def _slot(self, key: str) -> tuple[int, int, Bucket | None]:
        digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
        digest = digest or 1
        start = digest % SHARED_SLOTS
        oldest, oldest_at = start, math.inf
        for step in range(_PROBES):
            index = (start + step) % SHARED_SLOTS
            held, tokens, at = _SLOT.unpack_from(self._map, index * _SLOT.size)
            if held == digest:
                return index, digest, (tokens, at)
            if held == 0:
                return index, digest, None
            if at < oldest_at:
                oldest, oldest_at = index, at
        return oldest, digest, None

    def get(self, key: str) -> Bucket | None:
        return self._slot(key)[2]

    def put(self, key: str, bucket: Bucket) -> None:
        index, digest, _ = self._slot(key)
        _SLOT.pack_into(self._map, index * _SLOT.size, digest, *bucket)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


@dataclass
class RateLimiter:
    """`per_minute` requests a minute per key on average, up to `burst` at once."""

    per_minute: int
    burst: int
    clock: Callable[[], float] = time.monotonic
    buckets: ProcessBuckets | SharedBuckets = field(default_factory=ProcessBuckets)

    def __post_init__(self) -> None:
        if self.per_minute < 1 or self.burst < 1:
            raise ValueError("a rate limit needs per_minute >= 1 and burst >= 1")

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0

    def take(self, key: str) -> float | None:
        """Spend one request of `key`: None if allowed, else the seconds until one is."""
        with self.buckets.changing() as table:
            now = self.clock()
            found = table.get(key)
            # a bucket counted "later" than now was left by a run before the machine restarted
            tokens, last = found if found is not None and found[1] <= now else (self.burst, now)
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                table.put(key, (tokens - 1.0, now))
                if isinstance(table, ProcessBuckets):
                    table.prune(now, self.burst / self.rate)
                return None
            table.put(key, (tokens, now))
            return (1.0 - tokens) / self.rate


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds, at least 1 (RFC 9110 allows no fractions)."""
    return str(max(1, math.ceil(seconds)))
