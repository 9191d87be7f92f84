"""Each department's classification scheme as dated data: `schemes.json` beside this module.

A scheme's values are those of the regime in force on a classification's effective date: the
customs tiers are three under GACC Order 251 (until 2026-03-31) and five under Order 282 (from
2026-04-01), so a CERTIFIED tier dated 2025 is refused (`values_on`). `SCHEME_VALUES` is every
value a scheme has ever had, which is what a rule file must give points to. `SCHEMES` is read
and validated when this module is first imported, so a broken file stops the hub at start.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file
from graph_schema.model import ClassificationScheme, Department
from graph_schema.regimes import Dated, check_sequence, in_force

DEFAULT_SCHEMES_PATH: Final = Path(__file__).with_name("schemes.json")


class SchemesError(ValueError):
    """The schemes file is not valid; the message names the file and every problem."""


class SchemeRegime(Dated):
    """The values a scheme allows while its instrument is in force."""

    values: tuple[str, ...] = Field(min_length=1)


class Scheme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    department: Department
    regimes: tuple[SchemeRegime, ...]


class Schemes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    schemes: dict[ClassificationScheme, Scheme]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        problems = [
            f"schemes: no entry for {scheme.value}"
            for scheme in ClassificationScheme
            if scheme not in self.schemes
        ]
        for scheme, entry in self.schemes.items():
            problems += check_sequence(entry.regimes, f"schemes.{scheme.value}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def regime_on(self, scheme: ClassificationScheme, day: dt.date) -> SchemeRegime:
        """The regime of `scheme` in force on `day`; RegimeError before the first one."""
        return in_force(self.schemes[scheme].regimes, day, f"{scheme.value} classification")

    def values_ever(self, scheme: ClassificationScheme) -> tuple[str, ...]:
        """Every value the scheme has had under any regime, in first-seen order."""
        seen: dict[str, None] = {}
        for regime in self.schemes[scheme].regimes:
            seen.update(dict.fromkeys(regime.values))
        return tuple(seen)


def load_schemes(path: Path | str | None = None) -> Schemes:
    """Read and validate the schemes: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_SCHEMES_PATH
    return load_data_file(Schemes, source, "classification schemes", SchemesError)


SCHEMES: Final = load_schemes()
"""The packaged classification schemes, validated at import."""

SCHEME_VALUES: Final[dict[ClassificationScheme, tuple[str, ...]]] = {
    scheme: SCHEMES.values_ever(scheme) for scheme in ClassificationScheme
}
"""Every value each scheme has had: what the rating model must give points to."""

SCHEME_DEPARTMENT: Final[dict[ClassificationScheme, Department]] = {
    scheme: SCHEMES.schemes[scheme].department for scheme in ClassificationScheme
}
"""The department that classifies under each scheme."""


def refusal(scheme: ClassificationScheme, value: str, effective_from: dt.date) -> str | None:
    """Why `value` cannot be a `scheme` classification effective from that day (the value did
    not exist under the regime then in force, or no regime was), or None when it can."""
    regimes = SCHEMES.schemes[scheme].regimes
    regime = next((r for r in regimes if r.covers(effective_from)), None)
    if regime is None:
        return (
            f"no {scheme.value} regime is in force on {effective_from}; the hub models them "
            f"from {regimes[0].in_force_from}"
        )
    if value in regime.values:
        return None
    when = [r for r in regimes if value in r.values]
    since = f"; it exists under {', '.join(f'{r.id} (from {r.in_force_from})' for r in when)}"
    return (
        f"{value!r} is not a value of scheme {scheme.value} on {effective_from}: "
        f"{regime.instrument} allows {', '.join(regime.values)}" + (since if when else "")
    )


__all__ = [
    "DEFAULT_SCHEMES_PATH",
    "SCHEMES",
    "SCHEME_DEPARTMENT",
    "SCHEME_VALUES",
    "Scheme",
    "SchemeRegime",
    "Schemes",
    "SchemesError",
    "load_schemes",
    "refusal",
]
