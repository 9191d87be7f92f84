"""The hub's clock: the instant a request, a batch or a rating works as of.

It is handed to `create_app` rather than read from the system wherever a date is needed, so
a test (or a replay of a past day) holds the whole hub at one chosen moment: consents expire,
financing windows close and ratings age by it. The service runs on `system_clock`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]
"""A source of the current instant, always timezone-aware UTC."""


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
