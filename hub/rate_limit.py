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
import os
import secrets
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
_HEADER = struct.Struct("<8s16s8x")  # magic, the salt of the key digests
_MAGIC = b"HUBRATE1"
SHARED_SLOTS = 16_384
"""Clients a shared table holds at once. A client's slot is one of `_PROBES` after a point its
salted digest picks; a newcomer finding them all taken takes the one counted longest ago (an
idle client's, whose bucket has refilled: a fresh one)."""
_PROBES = 32
_SIZE = _HEADER.size + SHARED_SLOTS * _SLOT.size


class SharedBuckets:
    """The buckets of every worker of an instance, in a table of slots in the file `path`, read
    and written in place (`pread`/`pwrite`, so a file cut short under a running worker is
    rebuilt, never a crash), each change under an exclusive `flock` of the file. Clients are
    told apart by an 8-byte BLAKE2b digest of their id keyed by a random salt the table keeps,
    so where a client's slot lies cannot be worked out from outside."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._salt = b""
        with self.changing():
            pass

    @contextlib.contextmanager
    def changing(self) -> Iterator[SharedBuckets]:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            self._check_header()
            yield self
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _check_header(self) -> None:
        header = os.pread(self._fd, _HEADER.size, 0)
        if os.fstat(self._fd).st_size == _SIZE and header[:8] == _MAGIC:
            self._salt = _HEADER.unpack(header)[1]
            return
        # new, or damaged (cut short, overwritten): every client starts with a full bucket
        self._salt = secrets.token_bytes(16)
        os.ftruncate(self._fd, 0)
        os.ftruncate(self._fd, _SIZE)
        os.pwrite(self._fd, _HEADER.pack(_MAGIC, self._salt), 0)

    def _slot(self, key: str) -> tuple[int, int, Bucket | None]:
        digest = hashlib.blake2b(key.encode(), digest_size=8, key=self._salt).digest()
        held_by = int.from_bytes(digest, "little") or 1
        first = held_by % (SHARED_SLOTS - _PROBES + 1)
        window = os.pread(self._fd, _PROBES * _SLOT.size, _HEADER.size + first * _SLOT.size)
        oldest, oldest_at = first, math.inf
        for step in range(_PROBES):
            held, tokens, at = _SLOT.unpack_from(window, step * _SLOT.size)
            if held == held_by:
                return first + step, held_by, (tokens, at)
            if held == 0:
                return first + step, held_by, None
            if at < oldest_at:
                oldest, oldest_at = first + step, at
        return oldest, held_by, None

    def get(self, key: str) -> Bucket | None:
        return self._slot(key)[2]

    def put(self, key: str, bucket: Bucket) -> None:
        index, held_by, _ = self._slot(key)
        os.pwrite(self._fd, _SLOT.pack(held_by, *bucket), _HEADER.size + index * _SLOT.size)

    def close(self) -> None:
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

    def _sound(self, bucket: Bucket, now: float) -> bool:
        tokens, last = bucket
        return 0.0 <= tokens <= self.burst and math.isfinite(last) and last <= now

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0

    def take(self, key: str) -> float | None:
        """Spend one request of `key`: None if allowed, else the seconds until one is."""
        with self.buckets.changing() as table:
            now = self.clock()
            found = table.get(key)
            # a bucket counted "later" than now was left by a run before the machine restarted;
            # one out of range was not written by a limiter: both start full
            tokens, last = (
                found if found is not None and self._sound(found, now) else (self.burst, now)
            )
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
