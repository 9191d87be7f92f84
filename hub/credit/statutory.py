"""Each department's statutory measures from its own classification: `statutory.json`, as data.

Customs measures follow the customs tier, tax measures the tax grade and refund class, SAFE
measures the SAFE class, each under the regime in force on the day the department acts
(`graph_schema.schemes`: GACC Order 251 until 2026-03-31, Order 282 from 2026-04-01). Nothing
here follows from the zone's composite grade: that grade drives only the zone's own services
(`model.json`, `treatments`), never another authority's statutory measure.

`statutory_measures(catalog, facts, department)` is pure: the facts of one enterprise as of a
date in, the measures with their basis and the classification that triggered each out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.model import ClassificationScheme
from graph_schema.schemes import SCHEME_DEPARTMENT, SCHEMES
from hub.credit.engine import effective_classifications
from hub.credit.facts import RatingFacts

DEFAULT_STATUTORY_PATH = Path(__file__).with_name("statutory.json")


class StatutoryError(ValueError):
    """The statutory measures file is not valid; the message names the file and the problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LegalMeasure(_Frozen):
    """One measure and the instrument (and article, where confirmed) that gives it."""

    measure: str = Field(min_length=1)
    basis: str = Field(min_length=1)


ValueMeasures = dict[str, tuple[LegalMeasure, ...]]
"""A regime's measures by classification value."""


class StatutoryCatalog(_Frozen):
    """Per scheme, per regime (ids of `graph_schema/schemes.json`), per value: the measures."""

    version: str = Field(min_length=1)
    note: str = ""
    schemes: dict[ClassificationScheme, dict[str, ValueMeasures]]

    @model_validator(mode="after")
    def _matches_the_schemes(self) -> Self:
        problems = []
        for scheme in ClassificationScheme:
            regimes = SCHEMES.schemes[scheme].regimes
            given = self.schemes.get(scheme, {})
            expected = [regime.id for regime in regimes]
            if sorted(given) != sorted(expected):
                problems.append(
                    f"schemes.{scheme.value}: regimes {', '.join(sorted(given)) or 'none'}, "
                    f"expected those of graph_schema/schemes.json: {', '.join(expected)}"
                )
                continue
            for regime in regimes:
                values = given[regime.id]
                unknown = [v for v in values if v not in regime.values]
                missing = [v for v in regime.values if v not in values]
                where = f"schemes.{scheme.value}.{regime.id}"
                if unknown:
                    problems.append(
                        f"{where}: {', '.join(unknown)} did not exist under {regime.instrument}"
                    )
                if missing:
                    problems.append(f"{where}: no measures for {', '.join(missing)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True)
class StatutoryMeasure:
    """A measure a department applies because of its own classification of the enterprise."""

    department: str
    measure: str
    basis: str
    scheme: str
    value: str
    regime: str
    """The regime the measure is taken from: the one in force on the date asked."""
    trigger: str
    """The classification's id."""
    since: dt.date


def statutory_measures(
    catalog: StatutoryCatalog, facts: RatingFacts, department: str | None = None
) -> list[StatutoryMeasure]:
    """The measures of `department` (every department when None) from the classifications in
    effect at `facts.as_of`, under the regime in force that day; a date before the first
    modelled regime, or a value the regime then in force does not have, gives none."""
    found = []
    for scheme_name, fact in sorted(effective_classifications(facts).items()):
        scheme = ClassificationScheme(scheme_name)
        owner = SCHEME_DEPARTMENT[scheme].value
        if department is not None and owner != department:
            continue
        regime = next((r for r in SCHEMES.schemes[scheme].regimes if r.covers(facts.as_of)), None)
        if regime is None:
            continue
        for item in catalog.schemes[scheme][regime.id].get(fact.value, ()):
            found.append(
                StatutoryMeasure(
                    department=owner,
                    measure=item.measure,
                    basis=item.basis,
                    scheme=scheme.value,
                    value=fact.value,
                    regime=regime.id,
                    trigger=fact.id,
                    since=fact.effective_from,
                )
            )
    return found


def statutory_catalog_from_data(data: Any, source: str = "<data>") -> StatutoryCatalog:
    """Validate a catalogue given as parsed JSON; `source` names it in errors."""
    return validate_data(StatutoryCatalog, data, "statutory measures", source, StatutoryError)


def load_statutory(path: Path | str | None = None) -> StatutoryCatalog:
    """Read and validate the statutory measures: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_STATUTORY_PATH
    return load_data_file(StatutoryCatalog, source, "statutory measures", StatutoryError)
