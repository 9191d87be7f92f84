"""The tables a USCC's structure is checked against, as data beside this module.

* `uscc_codes.json`: GB 32100-2015's registration authority codes (character 1) and the entity
  type codes each authority issues (character 2), with Chinese and English names;
* `divisions.json`: GB/T 2260 administrative division codes (characters 3-8), every province,
  prefecture and county-level code listed since the USCC reform of 2015-10-01, withdrawn ones
  included (a USCC never changes when its district is renamed or merged), plus ``100000`` for
  national registration authorities.

Both files say where their content comes from and what could not be confirmed.  They are read
and validated once, when this module is first imported, so a broken file stops the hub at start.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from graph_schema.datafile import load_data_file

__all__ = [
    "AUTHORITIES",
    "DEFAULT_CODES_PATH",
    "DEFAULT_DIVISIONS_PATH",
    "DIVISIONS",
    "Authority",
    "Divisions",
    "EntityType",
    "UsccCodes",
    "UsccTableError",
    "load_divisions",
    "load_uscc_codes",
]

DEFAULT_CODES_PATH: Final = Path(__file__).with_name("uscc_codes.json")
DEFAULT_DIVISIONS_PATH: Final = Path(__file__).with_name("divisions.json")

# one character of the GB 32100-2015 set (graph_schema.uscc.USCC_CHARSET: no I, O, S, V, Z)
CodeChar = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]$")]
DivisionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class UsccTableError(ValueError):
    """A USCC table file is not valid; the message names the file and every problem."""


class EntityType(BaseModel):
    """One entity type (character 2) under a registration authority."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    english: str = Field(min_length=1)


class Authority(BaseModel):
    """A registration authority (character 1) and the entity types it issues codes for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    english: str = Field(min_length=1)
    types: dict[CodeChar, EntityType] = Field(min_length=1)

    def describe_types(self) -> str:
        """``market regulation: 1 enterprise, 2 individual business, ...`` for messages."""
        listed = ", ".join(f"{code} {kind.english}" for code, kind in self.types.items())
        return f"{self.english}: {listed}"


class UsccCodes(BaseModel):
    """The GB 32100-2015 registration authority and entity type table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    standard: str = Field(min_length=1)
    source: str = Field(min_length=1)
    unconfirmed: str
    authorities: dict[CodeChar, Authority] = Field(min_length=1)

    def describe_authorities(self) -> str:
        """``1 establishment administration, ..., Y other authorities`` for messages."""
        return ", ".join(f"{code} {entry.english}" for code, entry in self.authorities.items())


class Divisions(BaseModel):
    """GB/T 2260 division codes a registration authority may stand in, with their names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    standard: str = Field(min_length=1)
    source: str = Field(min_length=1)
    snapshots: dict[dt.date, str] = Field(min_length=1)
    missing: str
    national: dict[DivisionCode, str] = Field(min_length=1)
    divisions: dict[DivisionCode, str] = Field(min_length=1)
    withdrawn: dict[DivisionCode, dt.date]
    """Codes no longer listed in the last snapshot, with the last snapshot that lists them."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = [
            f"withdrawn.{code}: not in divisions"
            for code in self.withdrawn
            if code not in self.divisions
        ]
        problems += [
            f"withdrawn.{code}: {day} is not one of the snapshots"
            for code, day in self.withdrawn.items()
            if day not in self.snapshots
        ]
        problems += [
            f"national.{code}: also a division" for code in self.national if code in self.divisions
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def name_of(self, code: str) -> str | None:
        """The name of a known code (a division or the national level), else None."""
        if code in self.divisions:
            return self.divisions[code]
        return self.national.get(code)


def load_uscc_codes(path: Path | str | None = None) -> UsccCodes:
    """Read and validate the authority and type table: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_CODES_PATH
    return load_data_file(UsccCodes, source, "USCC authority and type table", UsccTableError)


def load_divisions(path: Path | str | None = None) -> Divisions:
    """Read and validate the division codes: the packaged file unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_DIVISIONS_PATH
    return load_data_file(Divisions, source, "USCC division codes", UsccTableError)


AUTHORITIES: Final = load_uscc_codes()
"""The packaged GB 32100-2015 authority and type table, validated at import."""

DIVISIONS: Final = load_divisions()
"""The packaged GB/T 2260 division codes, validated at import."""
