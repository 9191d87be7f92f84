"""Rules that switch with their dates: a regime is one instrument's rules, in force from a day
to a day, and a rule file holds the regimes of one matter in date order.

`in_force(regimes, day)` picks the regime an officer must apply on `day` (GACC Order 251 until
2026-03-31, Order 282 from 2026-04-01). `check_sequence` is what a loader asks of a list of
regimes: in date order, no overlap, no gap, only the last open-ended, so every day from the
first regime on has exactly one.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class RegimeError(LookupError):
    """No regime of the matter is in force on the day asked; the message names both."""


class Dated(BaseModel):
    """One regime: `instrument` in force from `from` to `until` (its last day; null: still in
    force). `id` is how data and answers name it, e.g. GACC_ORDER_282."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(min_length=1, pattern=r"^[A-Z0-9_]+$")
    instrument: str = Field(min_length=1)
    in_force_from: dt.date = Field(alias="from")
    in_force_until: dt.date | None = Field(default=None, alias="until")

    def covers(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )


class _HasDates(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def in_force_from(self) -> dt.date: ...
    @property
    def in_force_until(self) -> dt.date | None: ...
    def covers(self, day: dt.date) -> bool: ...


R = TypeVar("R", bound=_HasDates)


def check_sequence(regimes: Sequence[_HasDates], matter: str) -> list[str]:
    """The problems of a matter's regimes (empty when they are sound): none at all, out of
    date order, overlapping, with a gap, ending before they start, or open-ended but last."""
    if not regimes:
        return [f"{matter}: no regime"]
    problems = []
    for regime in regimes:
        if regime.in_force_until is not None and regime.in_force_until < regime.in_force_from:
            problems.append(
                f"{matter}: regime {regime.id} ends ({regime.in_force_until}) before it starts "
                f"({regime.in_force_from})"
            )
    ids = [regime.id for regime in regimes]
    if len(set(ids)) != len(ids):
        problems.append(f"{matter}: a regime id appears twice ({', '.join(ids)})")
    for earlier, later in itertools.pairwise(regimes):
        if earlier.in_force_until is None:
            problems.append(
                f"{matter}: regime {earlier.id} is open-ended but {later.id} follows it"
            )
            continue
        expected = earlier.in_force_until + dt.timedelta(days=1)
        if later.in_force_from != expected:
            word = "gap" if later.in_force_from > expected else "overlap"
            problems.append(
                f"{matter}: {word} between {earlier.id} (until {earlier.in_force_until}) and "
                f"{later.id} (from {later.in_force_from}); the next regime must start "
                f"{expected}"
            )
    return problems


def in_force(regimes: Sequence[R], day: dt.date, matter: str) -> R:
    """The regime of `matter` in force on `day`, or RegimeError naming the first day covered."""
    for regime in regimes:
        if regime.covers(day):
            return regime
    first = min(regime.in_force_from for regime in regimes)
    raise RegimeError(
        f"no {matter} regime is in force on {day.isoformat()}; the hub models them from "
        f"{first.isoformat()}"
    )


def regime_named(regimes: Sequence[R], regime_id: str) -> R | None:
    return next((regime for regime in regimes if regime.id == regime_id), None)


__all__ = ["Dated", "RegimeError", "check_sequence", "in_force", "regime_named"]
