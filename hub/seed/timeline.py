"""One enterprise's classification under one scheme over time, as the seed builds it: segments
`(start, end, value)` of proleptic ordinals, `end` the first day no longer covered (None: still
in effect), sorted and never overlapping, as `classification@1` records carry them
(`effectiveFrom`, `effectiveTo`).

`overlay` puts a value over a period (a dishonest tier while its list entry is in force, refund
class 4 while a tax D lasts); `merged` joins neighbours of equal value, so one value over a
stretch of time is one record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

Segment = tuple[int, int | None, str]
"""`(start, end, value)`: `value` from `start` until the day before `end` (None: open)."""

_OPEN: Final = dt.date.max.toordinal() + 1  # past every real date: an open end while computing


def overlay(
    timeline: Sequence[Segment], start: int, end: int | None, value: str, *, within: bool = False
) -> list[Segment]:
    """`timeline` with `value` over [start, end); `within`: only where it already had a value
    (a refund class changes where there is one, it does not appear where there was none)."""
    stop = _OPEN if end is None else end
    pieces: list[tuple[int, int, str]] = []
    for first, last, held in timeline:
        until = _OPEN if last is None else last
        if first < start:
            pieces.append((first, min(until, start), held))
        if until > stop:
            pieces.append((max(first, stop), until, held))
        if within and max(first, start) < min(until, stop):
            pieces.append((max(first, start), min(until, stop), value))
    if not within:
        pieces.append((start, stop, value))
    return merged([(a, None if b == _OPEN else b, v) for a, b, v in pieces if a < b])


def merged(timeline: Sequence[Segment]) -> list[Segment]:
    """Sorted by start, with touching neighbours of the same value joined."""
    out: list[Segment] = []
    for segment in sorted(timeline, key=lambda s: s[0]):
        if out and out[-1][1] == segment[0] and out[-1][2] == segment[2]:
            out[-1] = (out[-1][0], segment[1], segment[2])
        else:
            out.append(segment)
    return out


def covering(timeline: Sequence[Segment], values: frozenset[str]) -> list[tuple[int, int | None]]:
    """The periods in which the timeline holds one of `values`."""
    return [(start, end) for start, end, value in timeline if value in values]


def relabelled(
    timeline: Sequence[Segment], values: Sequence[str], replacement: str, before: int
) -> list[Segment]:
    """`values` replaced by `replacement` until `before` (a refund class 1 or 2 within a first
    export's year is class 3 until then, and the class drawn after)."""
    split: list[Segment] = []
    for s, e, v in timeline:
        if v not in values or s >= before:
            split.append((s, e, v))
            continue
        split.append((s, before if e is None else min(e, before), replacement))
        if e is None or e > before:
            split.append((before, e, v))
    return merged(split)
