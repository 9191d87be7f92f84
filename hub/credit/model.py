"""The rating model as versioned data: `model.json` beside this module, validated on load.

`load_model()` reads the packaged model (or another file) and checks what JSON schema alone
cannot: grade bands contiguous over 0..100, every classification value and list kind known to
`graph_schema.model`, a treatment for every grade. Errors are `ModelError`s naming the problem.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.model import ClassificationScheme, EnterpriseStatus, ListKind, Severity
from graph_schema.schemes import SCHEME_VALUES

DEFAULT_MODEL_PATH = Path(__file__).with_name("model.json")
"""The packaged rating model."""

Grade = Literal["A", "B", "C", "D", "M", "N"]
"""The scored grades, M (too new or too little data) and N (not graded: the registration was
revoked or deregistered by the date; the score is still computed)."""
ScoredGrade = Literal["A", "B", "C", "D"]
GRADES: tuple[Grade, ...] = ("A", "B", "C", "D", "M", "N")
SCORE_MIN, SCORE_MAX = 0, 100


class ModelError(ValueError):
    """The rating model file is not valid; the message names the file and the problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Band(_Frozen):
    """Scores from `min` to `max` inclusive rate `grade`."""

    grade: ScoredGrade
    min: int = Field(ge=SCORE_MIN, le=SCORE_MAX)
    max: int = Field(ge=SCORE_MIN, le=SCORE_MAX)


class Base(_Frozen):
    points: int = Field(ge=SCORE_MIN, le=SCORE_MAX)
    basis: str


class MRules(_Frozen):
    """Grade M: under `min_age_months` old at as_of, or (if `thin_data`) nothing to judge on."""

    min_age_months: int = Field(ge=0)
    thin_data: bool
    basis: str


class NotGradedRule(_Frozen):
    """Grade N: an enterprise whose registry status (this one) took effect by as_of."""

    basis: str


class Rule(_Frozen):
    """The points of one classification value or list kind; `forces` makes the grade D."""

    points: int
    forces: Literal["D"] | None = None
    basis: str


class SchemeRules(_Frozen):
    scheme: ClassificationScheme
    code_prefix: str
    label: str  # how reasons name the scheme, e.g. "customs credit tier"
    values: dict[str, Rule]


class SeverityRule(_Frozen):
    points: int = Field(le=0)
    basis: str


class PenaltyRules(_Frozen):
    """Penalties in their publicity period (`graph_schema.publicity`, the periods the law
    sets, which connectors check too), decaying linearly to `decay_floor_percent`."""

    severities: dict[Severity, SeverityRule]
    decay_floor_percent: int = Field(ge=0, le=100)
    cap: int = Field(le=0)


class ListRules(_Frozen):
    kinds: dict[ListKind, Rule]
    cap: int = Field(le=0)


class OverdueRule(_Frozen):
    points: int = Field(le=0)
    cap: int = Field(le=0)
    basis: str


class DefaultRule(_Frozen):
    points: int = Field(le=0)
    basis: str


class LoanRules(_Frozen):
    overdue: OverdueRule
    default: DefaultRule
    cap: int = Field(le=0)


class Tier(_Frozen):
    """A rate of `min_percent` or more earns `points` (the first tier that applies)."""

    min_percent: int = Field(ge=0, le=100)
    points: int


def _check_tiers(tiers: tuple[Tier, ...], where: str) -> None:
    percents = [tier.min_percent for tier in tiers]
    if (
        not tiers
        or percents != sorted(percents, reverse=True)
        or len(set(percents)) != len(percents)
    ):
        raise ValueError(f"{where}: tiers must run from the highest min_percent down, no repeats")
    if percents[-1] != 0:
        raise ValueError(f"{where}: the last tier must have min_percent 0 so every rate has one")


class OrderRules(_Frozen):
    window_months: int = Field(ge=1)
    min_orders: int = Field(ge=1)
    tiers: tuple[Tier, ...]
    basis: str

    @model_validator(mode="after")
    def _tiers(self) -> Self:
        _check_tiers(self.tiers, "orders")
        return self


class CollectionRules(_Frozen):
    """Export proceeds received from abroad against the exports declared (every mode) over
    the `window_months` up to the rating's date."""

    window_months: int = Field(ge=1)
    min_declared_cny: Decimal = Field(gt=0)
    tiers: tuple[Tier, ...]
    basis: str

    @model_validator(mode="after")
    def _tiers(self) -> Self:
        _check_tiers(self.tiers, "collections")
        return self


class NetworkRules(_Frozen):
    """Each listed enterprise within `max_hops`: `hop1_points` halved per hop beyond 1. A
    shareholding is a tie of the network from `min_shareholding_ratio` (a share, 0..1)."""

    max_hops: int = Field(ge=1)
    min_shareholding_ratio: float = Field(gt=0, le=1)
    hop1_points: int = Field(le=0)
    lists: tuple[ListKind, ...]
    cap: int = Field(le=0)
    basis: str


class Composite(_Frozen):
    """How the composite grade is named, so an officer cannot take it for a tax grade, a
    customs tier or a SAFE class: its name and a label for each grade."""

    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    labels: dict[Grade, str]
    note: str = Field(min_length=1)


class Treatment(_Frozen):
    """The zone's own services for an enterprise of a composite grade (never another
    authority's statutory measure: those are in `hub/credit/statutory.json`)."""

    name: str
    measures: tuple[str, ...]
    basis: str


class RatingModel(_Frozen):
    """The whole rating model; see docs/credit-model.md."""

    version: str = Field(min_length=1)
    composite: Composite
    base: Base
    bands: tuple[Band, ...]
    m_rules: MRules
    not_graded: dict[EnterpriseStatus, NotGradedRule]
    classifications: tuple[SchemeRules, ...]
    penalties: PenaltyRules
    list_entries: ListRules
    loans: LoanRules
    orders: OrderRules
    collections: CollectionRules
    network: NetworkRules
    treatments: dict[Grade, Treatment]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = [
            *_band_problems(self.bands),
            *_classification_problems(self.classifications),
        ]
        missing_kinds = [kind.value for kind in ListKind if kind not in self.list_entries.kinds]
        if missing_kinds:
            problems.append(f"list_entries.kinds: no rule for {', '.join(missing_kinds)}")
        missing_severities = [s.value for s in Severity if s not in self.penalties.severities]
        if missing_severities:
            problems.append(f"penalties.severities: no rule for {', '.join(missing_severities)}")
        unlabelled = [grade for grade in GRADES if grade not in self.composite.labels]
        if unlabelled:
            problems.append(f"composite.labels: no label for grade {', '.join(unlabelled)}")
        if EnterpriseStatus.ACTIVE in self.not_graded:
            problems.append("not_graded: an ACTIVE registration is always graded")
        missing_grades = [grade for grade in GRADES if grade not in self.treatments]
        if missing_grades:
            problems.append(f"treatments: no treatment for grade {', '.join(missing_grades)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def band_of(self, score: int) -> ScoredGrade:
        """The grade whose band holds `score` (0..100)."""
        for band in self.bands:
            if band.min <= score <= band.max:
                return band.grade
        raise ValueError(f"score {score} is outside the bands")

    def top_of(self, grade: ScoredGrade) -> int:
        """The highest score of a grade's band."""
        return next(band.max for band in self.bands if band.grade == grade)


def _band_problems(bands: tuple[Band, ...]) -> list[str]:
    problems = [
        f"bands: band {b.grade} has min {b.min} above max {b.max}" for b in bands if b.min > b.max
    ]
    grades = [band.grade for band in bands]
    for grade in ("A", "B", "C", "D"):
        if grades.count(grade) != 1:
            problems.append(f"bands: grade {grade} appears {grades.count(grade)} times, not once")
    if problems:
        return problems
    ordered = sorted(bands, key=lambda band: band.min, reverse=True)
    if ordered[0].max != SCORE_MAX:
        problems.append(f"bands: the top band {ordered[0].grade} ends at {ordered[0].max}, not 100")
    if ordered[-1].min != SCORE_MIN:
        problems.append(
            f"bands: the bottom band {ordered[-1].grade} starts at {ordered[-1].min}, not 0"
        )
    for upper, lower in itertools.pairwise(ordered):
        if lower.max + 1 < upper.min:
            problems.append(
                f"bands: gap between {lower.grade} (to {lower.max}) and {upper.grade} "
                f"(from {upper.min}): scores {lower.max + 1}-{upper.min - 1} have no grade"
            )
        elif lower.max + 1 > upper.min:
            problems.append(
                f"bands: {lower.grade} (to {lower.max}) overlaps {upper.grade} (from {upper.min})"
            )
    return problems


def _classification_problems(schemes: tuple[SchemeRules, ...]) -> list[str]:
    problems = []
    seen = [rules.scheme for rules in schemes]
    for scheme in ClassificationScheme:
        if seen.count(scheme) != 1:
            problems.append(
                f"classifications: scheme {scheme.value} appears "
                f"{seen.count(scheme)} times, not once"
            )
    for rules in schemes:
        allowed = SCHEME_VALUES[rules.scheme]
        unknown = [value for value in rules.values if value not in allowed]
        if unknown:
            problems.append(
                f"classifications.{rules.scheme.value}: unknown value {', '.join(unknown)} "
                f"(allowed: {', '.join(allowed)})"
            )
        missing = [value for value in allowed if value not in rules.values]
        if missing:
            problems.append(
                f"classifications.{rules.scheme.value}: no rule for {', '.join(missing)}"
            )
    return problems


def model_from_data(data: Any, source: str = "<data>") -> RatingModel:
    """Validate a model given as parsed JSON; `source` names it in errors."""
    return validate_data(RatingModel, data, "credit model", source, ModelError)


def load_model(path: Path | str | None = None) -> RatingModel:
    """Read and validate the rating model: the packaged `model.json` unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_MODEL_PATH
    return load_data_file(RatingModel, source, "credit model", ModelError)
