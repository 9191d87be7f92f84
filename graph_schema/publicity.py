"""The publicity periods of penalties, as versioned data: `publicity.json` beside this module.

One source for two readers: a connector's `penalty@1` record must carry a `publicUntil` within
its severity's period (`connectors.records.models`), and the rating model counts a penalty
recorded without one as public for the longest period (`hub.credit.engine`). `PUBLICITY` is
read and validated when this module is first imported, so a broken file stops the hub (and
any tool) at start; its `version` is raised on every change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file
from graph_schema.model import Severity

DEFAULT_PUBLICITY_PATH: Final = Path(__file__).with_name("publicity.json")
"""The packaged publicity periods."""


class PublicityError(ValueError):
    """The publicity file is not valid; the message names the file and every problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Frozen):
    """A penalty is public from `shortest_months` to `longest_months` calendar months after
    its decision; the department picks the end within them (`publicUntil`)."""

    shortest_months: int = Field(ge=1)
    longest_months: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.shortest_months > self.longest_months:
            raise ValueError(
                f"shortest_months {self.shortest_months} is above "
                f"longest_months {self.longest_months}"
            )
        return self


class Publicity(_Frozen):
    """Each severity's publicity period; null for a severity that is never published."""

    version: int = Field(ge=1)
    basis: str = Field(min_length=1)
    severities: dict[Severity, Period | None]

    @model_validator(mode="after")
    def _every_severity(self) -> Self:
        missing = [s.value for s in Severity if s not in self.severities]
        if missing:
            raise ValueError(f"severities: no entry for {', '.join(missing)}")
        return self

    def period(self, severity: Severity) -> Period | None:
        """The severity's publicity period; None when such penalties are not published."""
        return self.severities[severity]

    def bounds(self, severity: Severity) -> tuple[int, int]:
        """The shortest and longest publicity, in months, of a published severity."""
        period = self.severities[severity]
        if period is None:
            raise ValueError(f"{severity.value} penalties are not published")
        return period.shortest_months, period.longest_months


def load_publicity(path: Path | str | None = None) -> Publicity:
    """Read and validate the publicity periods: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_PUBLICITY_PATH
    return load_data_file(Publicity, source, "publicity periods", PublicityError)


PUBLICITY: Final = load_publicity()
"""The packaged publicity periods, validated at import."""

__all__ = [
    "DEFAULT_PUBLICITY_PATH",
    "PUBLICITY",
    "Period",
    "Publicity",
    "PublicityError",
    "load_publicity",
]
