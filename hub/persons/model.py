"""The person factor model as versioned data: `person_model.json` beside this module, validated
on load (at start, with the other rule files).

Each factor has its points per item and a cap; the two that say a measure applies to the person
(a list naming them, a joint measure covering them) force the level RESTRICTED; otherwise the
summed points fall in a band (`levels`, contiguous from 0). `load_person_model()` raises
`PersonModelError` naming the file and the problem.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.model import ListKind

DEFAULT_PERSON_MODEL_PATH = Path(__file__).with_name("person_model.json")
RESTRICTED = "RESTRICTED"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Points = Annotated[int, Field(ge=0, le=100)]


class PersonModelError(ValueError):
    """The person model file is not valid; the message names the file and the problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(_Frozen):
    """Summed points from `min` up to the next level's `min` give this level."""

    level: Text
    min: int = Field(ge=0)
    label: Text
    meaning: Text


class Restricted(_Frozen):
    level: Text
    label: Text
    meaning: Text


def _no_red_list(points: dict[ListKind, int], where: str) -> None:
    if ListKind.RED_LIST in points:
        raise ValueError(f"{where}: RED_LIST is an incentive, not an adverse record")


class ListFactor(_Frozen):
    """Points per list kind, for each entry (or each enterprise, its strongest entry)."""

    code: Text
    points: dict[ListKind, Points]
    cap: int = Field(ge=0)
    forces_restricted: bool = False
    basis: Text

    @model_validator(mode="after")
    def _punitive_lists(self) -> Self:
        _no_red_list(self.points, f"{self.code}.points")
        return self


class CountFactor(_Frozen):
    """The same points for each item, up to the cap."""

    code: Text
    points: Points
    cap: int = Field(ge=0)
    forces_restricted: bool = False
    basis: Text


class RevokedFactor(CountFactor):
    window_months: int = Field(ge=1, le=120)


class GradeFactor(CountFactor):
    grades: tuple[Text, ...] = Field(min_length=1)


class Factors(_Frozen):
    own_list_entry: ListFactor
    joint_measures: CountFactor
    role_in_listed_enterprise: ListFactor
    role_in_revoked_enterprise: RevokedFactor
    role_in_low_grade_enterprise: GradeFactor

    @model_validator(mode="after")
    def _unique_codes(self) -> Self:
        codes = [f.code for f in self.all()]
        if len(set(codes)) != len(codes):
            raise ValueError(f"factors: codes repeat: {', '.join(sorted(codes))}")
        return self

    def all(self) -> tuple[CountFactor | ListFactor, ...]:
        return (
            self.own_list_entry,
            self.joint_measures,
            self.role_in_listed_enterprise,
            self.role_in_revoked_enterprise,
            self.role_in_low_grade_enterprise,
        )


class PersonModel(_Frozen):
    """The whole model; see docs/subjects.md, "Persons"."""

    version: str = Field(min_length=1)
    basis: Text
    shareholder_min_ratio: float = Field(gt=0, le=1)
    levels: tuple[Level, ...] = Field(min_length=1)
    restricted: Restricted
    factors: Factors

    @model_validator(mode="after")
    def _bands_from_zero_upwards(self) -> Self:
        mins = [band.min for band in self.levels]
        if mins[0] != 0:
            raise ValueError("levels: the first level must start at 0 points")
        if any(later <= earlier for earlier, later in itertools.pairwise(mins)):
            raise ValueError("levels: each level must start above the one before")
        names = [band.level for band in self.levels] + [self.restricted.level]
        if len(set(names)) != len(names):
            raise ValueError(f"levels: names repeat: {', '.join(names)}")
        if self.restricted.level != RESTRICTED:
            raise ValueError(f"restricted.level: must be {RESTRICTED}")
        return self

    def band(self, points: int) -> Level:
        """The level `points` fall in (the highest band starting at or below them)."""
        return [band for band in self.levels if band.min <= points][-1]

    @property
    def order(self) -> tuple[str, ...]:
        """Every level, mildest first."""
        return (*(band.level for band in self.levels), self.restricted.level)


def person_model_from_data(data: Any, source: str = "<data>") -> PersonModel:
    """Validate a person model given as parsed JSON; `source` names it in errors."""
    return validate_data(PersonModel, data, "person model", source, PersonModelError)


def load_person_model(path: Path | str | None = None) -> PersonModel:
    """Read and validate the person model: the packaged one unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_PERSON_MODEL_PATH
    return load_data_file(PersonModel, source, "person model", PersonModelError)
