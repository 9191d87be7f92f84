"""Per-client rate limits: a token bucket per OAuth client, answered with 429 and Retry-After.

The buckets live in the process: behind a load balancer each hub instance limits on its own,
so a client's effective limit is the per-instance limit times the instances it reaches (see
docs/scaling.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_PRUNE_AT = 10_000
"""Buckets kept before the idle full ones are dropped (a full bucket is a fresh one)."""


@dataclass
class RateLimiter:
    """`per_minute` requests a minute per key on average, up to `burst` at once."""

    per_minute: int
    burst: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.per_minute < 1 or self.burst < 1:
            raise ValueError("a rate limit needs per_minute >= 1 and burst >= 1")

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0

    def take(self, key: str) -> float | None:
        """Spend one request of `key`: None if allowed, else the seconds until one is."""
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > _PRUNE_AT:
                self._prune(now)
            return None
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate
        self._buckets = {
            k: (t, at) for k, (t, at) in self._buckets.items() if now - at < full_after
        }


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds, at least 1 (RFC 9110 allows no fractions)."""
    return str(max(1, math.ceil(seconds)))
