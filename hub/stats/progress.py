"""A zone's figures set against its plan targets: the actual each target's metric names, the
period it covers, and how far along it is (pure: the figures come from `reads`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from graph_schema.dates import add_months
from graph_schema.read_model import ReadModel
from hub.stats.targets import METRICS, Comparison, Kind, Plan, Target, Unit, ZonePlan

CENT: Final = Decimal("0.01")


def yuan(cents: int) -> Decimal:
    """An amount summed in fen as yuan with two decimals (exact, unlike a float sum)."""
    return (Decimal(cents) / 100).quantize(CENT)


def flow_start(as_of: dt.date) -> dt.date:
    """The first day of the 12 months to `as_of` (`as_of` itself is the last)."""
    return add_months(as_of, -12) + dt.timedelta(days=1)


class ZoneFigures(ReadModel):
    """What the graph says about a zone on an as-of date (`cypher.ZONE_FIGURES`)."""

    zone: str
    registered: int
    """Enterprises registered on the day, traders or not."""
    cbec_operators: int
    new_cbec_enterprises: int
    industry_belts: int
    declared_cents: int


@dataclass(frozen=True)
class ZoneProgress:
    """One target of a zone's plan against the zone's figure for it."""

    zone: str
    plan: Plan
    target: Target
    period_from: dt.date | None
    """A flow's first day; None for a stock."""
    as_of: dt.date
    actual: Decimal | None
    """None: the hub does not measure it (see `target.actual`)."""

    @property
    def unit(self) -> Unit:
        return METRICS[self.target.metric].unit

    @property
    def label(self) -> str:
        return METRICS[self.target.metric].label

    @property
    def goal(self) -> Decimal:
        """The target's number: whole for counts, yuan with two decimals for money."""
        number = self.target.target
        return number.quantize(CENT) if self.unit is Unit.CNY else number.quantize(Decimal(1))

    @property
    def progress(self) -> float | None:
        """actual / target; None when not measured."""
        return None if self.actual is None else float(self.actual / self.goal)

    @property
    def met(self) -> bool | None:
        """Whether the actual already satisfies the target ("more than" is strict)."""
        if self.actual is None:
            return None
        if self.target.comparison is Comparison.MORE_THAN:
            return self.actual > self.goal
        return self.actual >= self.goal


def _actual(metric: str, figures: ZoneFigures) -> Decimal | None:
    if not METRICS[metric].measured:
        return None
    if metric == "cbec_declared_value_cny":
        return yuan(figures.declared_cents)
    counts = {
        "cbec_operators": figures.cbec_operators,
        "new_cbec_enterprises": figures.new_cbec_enterprises,
        "industry_belts": figures.industry_belts,
    }
    return Decimal(counts[metric])


def zone_progress(
    planned: ZonePlan, figures: ZoneFigures, as_of: dt.date
) -> tuple[ZoneProgress, ...]:
    """Each target of the zone's plan against its `figures` on `as_of`."""
    return tuple(
        ZoneProgress(
            zone=figures.zone,
            plan=planned.plan,
            target=target,
            period_from=flow_start(as_of) if target.kind is Kind.FLOW else None,
            as_of=as_of,
            actual=_actual(target.metric, figures),
        )
        for target in planned.targets
    )
