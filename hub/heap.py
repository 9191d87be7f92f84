"""The collector tuned for a server: what start built is frozen out of it, and it runs less often.

Profiled under load (issue 20), full collections of 90-130 ms came about every 50 requests and
made the long p95/p99: each walked the schema, the rule files and the driver, built at start and
alive until the end. `gc.freeze()` moves them to the permanent generation, so a collection walks
only what requests allocate; a larger young threshold makes collections rarer, each short.
"""

from __future__ import annotations

import gc


def settle_after_start(young_threshold: int) -> None:
    """Collect once, freeze what survives (the long-lived start-up heap), then raise the young
    generation's threshold; the older generations keep their ratios."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)
