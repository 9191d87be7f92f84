"""The publicity and repair rules of penalties, as dated data: `publicity.json` beside this module.

The file holds one regime per instrument, in date order (`graph_schema.regimes`): NDRC Order 58
of 2023 (失信行为纠正后的信用信息修复管理办法(试行), 2023-05-01 to 2026-03-31), then NDRC Order
36 (信用修复管理办法, from 2026-04-01). Each gives, per severity, whether such penalties are
published, how long (`shortest_months` to `longest_months` after the decision; the department
picks `publicUntil` within them) and how long they must have been public before they may be
repaired (`repair_after_months`), each with its basis.

**The regime applying to a penalty is the one in force on its decision date** (`regime_for`):
a penalty decided in 2025 keeps Order 58's periods, one decided in May 2026 has Order 36's. A
penalty decided before the first regime the hub models is held to that first regime (Order 58
governed the publicity and repair of older penalties from 2023-05-01).

Readers: a connector's `penalty@1` record (`publicUntil` within its period, `repairedOn` not
before its minimum publicity) and `penalty.repair@1` / `repair.decision@1` (checked in
Cypher against the stored penalty, by the twin `graph_schema.predicates.repair_eligible_from`
of `repairable_from`), the enterprise's repair application (`hub.repairs`), and the rating
model; `PUBLICITY.public_until` is the one rule that a penalty recorded without `publicUntil`
is public for the longest period of its regime.
`PUBLICITY.period(severity)` without a date answers for the latest regime. `PUBLICITY` is read
and validated when this module is first imported, so a broken file stops the hub (and any
tool) at start; its `version` is raised on every change.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file
from graph_schema.dates import add_months
from graph_schema.model import Severity
from graph_schema.regimes import Dated, check_sequence

DEFAULT_PUBLICITY_PATH: Final = Path(__file__).with_name("publicity.json")
"""The packaged publicity and repair rules."""


class PublicityError(ValueError):
    """The publicity file is not valid; the message names the file and every problem."""


class RepairStatus(StrEnum):
    """Where an enterprise's application for the repair of one of its penalties stands: filed
    (PENDING), then the deciding department's `repair.decision@1` (GRANTED or REFUSED)."""

    PENDING = "PENDING"
    GRANTED = "GRANTED"
    REFUSED = "REFUSED"


REPAIR_DECISIONS: Final = frozenset({RepairStatus.GRANTED, RepairStatus.REFUSED})
"""The answers a department may give to a pending repair application."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Unpublished(_Frozen):
    """Penalties of this severity are not published, so there is nothing to repair."""

    published: Literal[False]
    basis: str = Field(min_length=1)


class Period(_Frozen):
    """A penalty is public from `shortest_months` to `longest_months` calendar months after
    its decision, and may be repaired once it has been public `repair_after_months`."""

    published: Literal[True] = True
    shortest_months: int = Field(ge=1)
    longest_months: int = Field(ge=1)
    repair_after_months: int = Field(ge=1)
    basis: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.shortest_months > self.longest_months:
            raise ValueError(
                f"shortest_months {self.shortest_months} is above "
                f"longest_months {self.longest_months}"
            )
        if self.repair_after_months > self.longest_months:
            raise ValueError(
                f"repair_after_months {self.repair_after_months} is above "
                f"longest_months {self.longest_months}: publicity would end first"
            )
        return self


class PublicityRegime(Dated):
    """One instrument's publicity and repair rules, each severity's with its basis."""

    repair_basis: str = Field(min_length=1)
    """What a repair ends under this instrument (publicity, sharing, use), with the article."""
    severities: dict[Severity, Period | Unpublished]

    @model_validator(mode="after")
    def _every_severity(self) -> Self:
        missing = [s.value for s in Severity if s not in self.severities]
        if missing:
            raise ValueError(f"severities: no entry for {', '.join(missing)}")
        return self

    def period(self, severity: Severity) -> Period | None:
        """The severity's period under this regime; None when such penalties are unpublished."""
        rule = self.severities[severity]
        return rule if isinstance(rule, Period) else None

    def basis(self, severity: Severity) -> str:
        return self.severities[severity].basis


class Publicity(_Frozen):
    """The regimes in date order; `regime_for` picks the one applying to a penalty."""

    version: int = Field(ge=1)
    regimes: tuple[PublicityRegime, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sequence(self) -> Self:
        problems = check_sequence(self.regimes, "publicity")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def regime_for(self, decided_on: dt.date) -> PublicityRegime:
        """The regime in force on the decision date; the first one for a decision before it."""
        for regime in self.regimes:
            if regime.covers(decided_on):
                return regime
        return self.regimes[0]  # check_sequence leaves no gap: only days before the first

    @property
    def latest(self) -> PublicityRegime:
        return self.regimes[-1]

    @property
    def severities(self) -> dict[Severity, Period | None]:
        """Each severity's widest period over the regimes (the longest `longest_months`; None:
        never published): what bounds the days a penalty can still be public, whichever
        regime it was decided under."""
        widest: dict[Severity, Period | None] = {}
        for severity in Severity:
            periods = [p for r in self.regimes if (p := r.period(severity)) is not None]
            widest[severity] = max(periods, key=lambda p: p.longest_months, default=None)
        return widest

    def period(self, severity: Severity, decided_on: dt.date | None = None) -> Period | None:
        """The severity's publicity period under the regime of a decision on `decided_on` (the
        latest regime when no date is given); None when such penalties are not published."""
        regime = self.latest if decided_on is None else self.regime_for(decided_on)
        return regime.period(severity)

    def bounds(self, severity: Severity, decided_on: dt.date | None = None) -> tuple[int, int]:
        """The shortest and longest publicity, in months, of a published severity."""
        period = self.period(severity, decided_on)
        if period is None:
            raise ValueError(f"{severity.value} penalties are not published")
        return period.shortest_months, period.longest_months

    def public_until(
        self, severity: Severity, decided_on: dt.date, recorded: dt.date | None
    ) -> dt.date | None:
        """The day a penalty's publicity ends: the recorded `publicUntil`, else the longest
        period its regime allows (a department that sent no date is held to the longest); None
        for a severity that is not published."""
        period = self.period(severity, decided_on)
        if period is None:
            return None
        return recorded if recorded is not None else add_months(decided_on, period.longest_months)

    def repairable_from(self, severity: Severity, decided_on: dt.date) -> dt.date | None:
        """The first day a penalty decided on `decided_on` may be repaired: once its minimum
        publicity has passed; None for a severity that is not published (nothing to repair)."""
        period = self.period(severity, decided_on)
        if period is None:
            return None
        return add_months(decided_on, period.repair_after_months)

    def repair_refusal(self, severity: Severity, decided_on: dt.date, day: dt.date) -> str | None:
        """Why a penalty decided on `decided_on` cannot be repaired on `day` (not published, or
        its minimum publicity not yet passed: the message names the day it becomes eligible
        and the rule's basis), or None when it can."""
        regime = self.regime_for(decided_on)
        period = regime.period(severity)
        if period is None:
            return f"a {severity.value} penalty is not published, so not repaired ({regime.id})"
        eligible = add_months(decided_on, period.repair_after_months)
        if day >= eligible:
            return None
        return (
            f"a {severity.value} penalty decided {decided_on} may be repaired from {eligible}, "
            f"after {period.repair_after_months} months of publicity, not on {day} "
            f"({regime.id}: {period.basis})"
        )


def load_publicity(path: Path | str | None = None) -> Publicity:
    """Read and validate the publicity rules: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_PUBLICITY_PATH
    return load_data_file(Publicity, source, "publicity rules", PublicityError)


PUBLICITY: Final = load_publicity()
"""The packaged publicity and repair rules, validated at import."""

__all__ = [
    "DEFAULT_PUBLICITY_PATH",
    "PUBLICITY",
    "REPAIR_DECISIONS",
    "Period",
    "Publicity",
    "PublicityError",
    "PublicityRegime",
    "RepairStatus",
    "Unpublished",
    "load_publicity",
]
