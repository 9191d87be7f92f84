"""The provider rating model as versioned data: `provider_model.json` beside this module.

`load_provider_model()` reads and validates it as `hub.credit.model.load_model` does the
composite model: grade bands contiguous over 0..100, mismatch tiers from the highest share
down to 0, a rule for every severity, list kind and premises status, a label for every grade.
Errors are `ProviderModelError`s naming the file and the problem.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.model import ListKind, PremisesStatus, Severity
from hub.credit.model import SCORE_MAX, SCORE_MIN, Band, Tier

DEFAULT_PROVIDER_MODEL_PATH = Path(__file__).with_name("provider_model.json")
"""The packaged provider rating model."""

ProviderGrade = Literal["A", "B", "C", "D", "M"]
"""The scored grades and M (the enterprise holds no provider role: nothing to judge)."""
GRADES: tuple[ProviderGrade, ...] = ("A", "B", "C", "D", "M")


class ProviderModelError(ValueError):
    """The provider model file is not valid; the message names the file and the problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Base(_Frozen):
    points: int = Field(ge=SCORE_MIN, le=SCORE_MAX)
    basis: str


class MismatchRules(_Frozen):
    """The share of the provider's checked documents whose order fails the three-document
    check, counted once it has `min_documents` of them in the window."""

    min_documents: int = Field(ge=1)
    tiers: tuple[Tier, ...]
    basis: str

    @model_validator(mode="after")
    def _tiers(self) -> Self:
        percents = [tier.min_percent for tier in self.tiers]
        if not percents or percents != sorted(set(percents), reverse=True) or percents[-1] != 0:
            raise ValueError(
                "mismatches: tiers must run from the highest min_percent down to 0, no repeats"
            )
        return self


class Rule(_Frozen):
    """The points of one severity, list kind or premises status; `forces` makes the grade D."""

    points: int
    forces: Literal["D"] | None = None
    basis: str


class PenaltyRules(_Frozen):
    severities: dict[Severity, Rule]
    cap: int = Field(le=0)


class ListRules(_Frozen):
    kinds: dict[ListKind, Rule]
    cap: int = Field(le=0)


class PremisesRules(_Frozen):
    statuses: dict[PremisesStatus, Rule]
    cap: int = Field(le=0)


class ProviderModel(_Frozen):
    """The whole provider model; see docs/subjects.md."""

    version: str = Field(min_length=1)
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    note: str = Field(min_length=1)
    base: Base
    bands: tuple[Band, ...]
    window_months: int = Field(ge=1)
    mismatches: MismatchRules
    penalties: PenaltyRules
    list_entries: ListRules
    premises: PremisesRules
    labels: dict[ProviderGrade, str]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        problems = _band_problems(self.bands)
        for where, given, known in (
            ("penalties.severities", self.penalties.severities, Severity),
            ("list_entries.kinds", self.list_entries.kinds, ListKind),
            ("premises.statuses", self.premises.statuses, PremisesStatus),
        ):
            missing = [item.value for item in known if item not in given]
            if missing:
                problems.append(f"{where}: no rule for {', '.join(missing)}")
        unlabelled = [grade for grade in GRADES if grade not in self.labels]
        if unlabelled:
            problems.append(f"labels: no label for grade {', '.join(unlabelled)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def band_of(self, score: int) -> Literal["A", "B", "C", "D"]:
        """The grade whose band holds `score` (0..100)."""
        return next(band.grade for band in self.bands if band.min <= score <= band.max)

    def top_of(self, grade: str) -> int:
        """The highest score of a grade's band."""
        return next(band.max for band in self.bands if band.grade == grade)


def _band_problems(bands: tuple[Band, ...]) -> list[str]:
    grades = sorted(band.grade for band in bands)
    if grades != ["A", "B", "C", "D"]:
        return [f"bands: grades {grades}, not A, B, C and D once each"]
    ordered = sorted(bands, key=lambda band: band.min)
    problems = [] if ordered[0].min == SCORE_MIN else ["bands: the bottom band does not start at 0"]
    if ordered[-1].max != SCORE_MAX:
        problems.append("bands: the top band does not end at 100")
    for lower, upper in itertools.pairwise(ordered):
        if lower.max + 1 != upper.min:
            problems.append(
                f"bands: {lower.grade} ends at {lower.max} but {upper.grade} starts at "
                f"{upper.min}: bands must follow each other without gap or overlap"
            )
    return problems


def provider_model_from_data(data: Any, source: str = "<data>") -> ProviderModel:
    """Validate a model given as parsed JSON; `source` names it in errors."""
    return validate_data(ProviderModel, data, "provider model", source, ProviderModelError)


def load_provider_model(path: Path | str | None = None) -> ProviderModel:
    """Read and validate the provider model: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_PROVIDER_MODEL_PATH
    return load_data_file(ProviderModel, source, "provider model", ProviderModelError)
