"""Each pilot zone's plan targets as versioned data (`targets.json`), validated on load.

A target quotes the seed it comes from (`docs/seeds/`), says what it counts (`measure`),
whether that is a flow over a year or a stock on a day (`kind`), and how the hub computes
the actual; a zone whose plan sets no target for it has an empty list and a `note` saying why
(its `passage` quotes what the plan says instead).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file

DEFAULT_TARGETS_PATH = Path(__file__).with_name("targets.json")

Metric = Literal[
    "cbec_operators",
    "new_cbec_enterprises",
    "cbec_declared_value_cny",
    "industry_belts",
    "industrial_parks",
]


class Kind(StrEnum):
    FLOW = "FLOW"  # counted or summed over the 12 months to the as-of date
    STOCK = "STOCK"  # counted on the as-of date


class Unit(StrEnum):
    COUNT = "COUNT"
    CNY = "CNY"  # yuan, to the fen


class Comparison(StrEnum):
    MORE_THAN = "MORE_THAN"  # "more than 1000", "exceeded 10 billion"
    AT_LEAST = "AT_LEAST"  # a plain number: "11 industrial parks"


class MetricShape(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Kind
    unit: Unit
    label: str
    measured: bool = True


METRICS: Final[dict[str, MetricShape]] = {
    "cbec_operators": MetricShape(
        kind=Kind.STOCK, unit=Unit.COUNT, label="CBEC operators (filed, registered)"
    ),
    "new_cbec_enterprises": MetricShape(
        kind=Kind.FLOW, unit=Unit.COUNT, label="new CBEC enterprises in the year (first filing)"
    ),
    "cbec_declared_value_cny": MetricShape(
        kind=Kind.FLOW, unit=Unit.CNY, label="declared CBEC export and import value in the year"
    ),
    "industry_belts": MetricShape(
        kind=Kind.STOCK, unit=Unit.COUNT, label="industry belts with enough CBEC operators"
    ),
    "industrial_parks": MetricShape(
        kind=Kind.STOCK, unit=Unit.COUNT, label="CBEC industrial parks", measured=False
    ),
}
"""What the hub computes for each metric: the kind and unit a target of it must state."""


class TargetsError(ValueError):
    """The targets file is not valid; the message names the file and the problem."""


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Plan(_Data):
    """The plan a zone's targets come from: its seed file, issue date and horizon."""

    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    seed: str = Field(min_length=1)
    """The seed file (in `docs/seeds/`) the quotes are taken from."""
    witness_seed: str | None = None
    """Another translation of the same plan, which each target's `witness` is quoted from."""
    language: Literal["en", "fr", "pt", "zh"]
    issued: dt.date
    issued_quote: str = Field(min_length=1)
    """The issue date as the seed writes it."""
    horizon_quote: str | None
    """The seed's words for when the targets are due ("Through three years ...")."""
    deadline: dt.date | None
    deadline_basis: str | None
    """How the deadline follows from the seed, or why there is none."""

    @model_validator(mode="after")
    def _horizon(self) -> Plan:
        if self.deadline is not None and self.deadline <= self.issued:
            raise ValueError(f"deadline {self.deadline} is not after issued {self.issued}")
        if self.deadline is not None and not (self.horizon_quote and self.deadline_basis):
            raise ValueError("a deadline needs the horizon_quote and deadline_basis it rests on")
        return self


class Target(_Data):
    """One number the plan sets, what the hub counts for it, and the words it rests on."""

    metric: Metric
    quote: str = Field(min_length=1)
    """The seed's words, exactly as in the seed file."""
    english: str | None
    """The hub's English rendering of a quote in another language."""
    witness: str | None
    """The same words in the plan's `witness_seed`, where there is one."""
    comparison: Comparison
    target: Decimal = Field(gt=0)
    kind: Kind
    measure: str = Field(min_length=1)
    actual: str = Field(min_length=1)
    """How the hub computes the actual (or why it does not)."""
    proxy: str | None
    """When the actual stands in for what the plan counts: what it is instead, and why."""

    @model_validator(mode="after")
    def _shape(self) -> Target:
        shape = METRICS[self.metric]
        if self.kind is not shape.kind:
            raise ValueError(f"{self.metric} is a {shape.kind} the hub computes, not a {self.kind}")
        if shape.unit is Unit.COUNT and self.target != self.target.to_integral_value():
            raise ValueError(f"{self.metric} counts: its target {self.target} is not whole")
        return self


class ZonePlan(_Data):
    plan: Plan
    note: str = Field(min_length=1)
    """What to know of the plan's text; for a zone without targets, why it has none."""
    passage: str = Field(min_length=1)
    """The plan's sentence on its goals, quoted from the seed; every target quotes part of it."""
    targets: tuple[Target, ...]

    @model_validator(mode="after")
    def _explained(self) -> ZonePlan:
        if not self.targets and not self.note.startswith("No target for the zone."):
            raise ValueError(
                "a zone without targets needs a note starting 'No target for the zone.'"
            )
        outside = [t.metric for t in self.targets if t.quote not in self.passage]
        if outside:
            raise ValueError(f"quotes not in the zone's passage: {outside}")
        if self.plan.language != "en":
            untranslated = [t.metric for t in self.targets if not t.english]
            if untranslated:
                raise ValueError(f"quotes in {self.plan.language} need `english`: {untranslated}")
        witnessed = self.plan.witness_seed is not None
        if any((t.witness is not None) != witnessed for t in self.targets):
            raise ValueError("every target quotes the witness_seed, and only when there is one")
        metrics = [t.metric for t in self.targets]
        if len(set(metrics)) != len(metrics):
            raise ValueError(f"a metric appears twice: {metrics}")
        return self


class PlanTargets(_Data):
    version: str = Field(min_length=1)
    cbec_filing_kinds: tuple[str, ...] = Field(min_length=1)
    """The `filing@1` kinds that make an enterprise a cross-border e-commerce enterprise."""
    cbec_filing_basis: str = Field(min_length=1)
    flow_window: str = Field(min_length=1)
    belt_min_cbec_operators: int = Field(ge=1)
    belt_basis: str = Field(min_length=1)
    zones: dict[str, ZonePlan]

    @model_validator(mode="after")
    def _belt_threshold_stated(self) -> PlanTargets:
        # the threshold is stated once as data; every text that repeats it must agree
        stated = f"at least {self.belt_min_cbec_operators} "
        texts = [self.belt_basis] + [
            t.actual for z in self.zones.values() for t in z.targets if t.metric == "industry_belts"
        ]
        if any(stated not in text for text in texts):
            raise ValueError(f"a belt text does not say '{stated.strip()}' CBEC operators")
        return self


def load_targets(path: Path | str | None = None) -> PlanTargets:
    source = Path(path) if path is not None else DEFAULT_TARGETS_PATH
    return load_data_file(PlanTargets, source, "plan targets", TargetsError)
