"""The commodity query's data: what an HS code names, and what the goods lists say of it.

Two versioned data files beside this module, read and validated at import (a broken one stops
the hub at start): `hs_nomenclature.json` (the HS 2022 chapters, and the headings written down
so far) and `goods_lists.json` (the cross-border e-commerce retail import list and GACC Order
43's tables of prohibited and restricted articles, each entry with its source). Both are
partial by design and say so: a code the files do not hold is "not known", never "not listed".
Pure: no I/O after import, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from connectors.records.fields import HS_CODE_PATTERN
from graph_schema.datafile import load_data_file

HERE: Final = Path(__file__).parent
NOMENCLATURE_PATH: Final = HERE / "hs_nomenclature.json"
GOODS_LISTS_PATH: Final = HERE / "goods_lists.json"

HS_CODE: Final = re.compile(HS_CODE_PATTERN)
"""A declared HS code, 6 to 10 digits: the records' `HsCode` (connectors.records.fields)."""
HS_PREFIX: Final = re.compile(r"^[0-9]{2,10}$")
"""A chapter, heading or longer prefix of an HS code (a filter, a list entry)."""


class CommodityDataError(ValueError):
    """A commodity data file is not valid; the message names the file and every problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Titled(_Frozen):
    code: str
    title: str = Field(min_length=1)


class Nomenclature(_Frozen):
    """HS chapters (2 digits) and headings (4 digits) with their titles."""

    version: int = Field(ge=1)
    nomenclature: str = Field(min_length=1)
    source: str = Field(min_length=1)
    completeness: str = Field(min_length=1)
    reserved: dict[str, str]
    chapters: tuple[Titled, ...]
    headings: tuple[Titled, ...]

    @model_validator(mode="after")
    def _codes(self) -> Self:
        problems = [
            f"chapter {c.code!r} is not two digits"
            for c in self.chapters
            if not re.fullmatch(r"[0-9]{2}", c.code)
        ]
        problems += [
            f"heading {h.code!r} is not four digits" for h in self.headings if len(h.code) != 4
        ]
        chapters = {c.code for c in self.chapters}
        problems += [
            f"heading {h.code} has no chapter {h.code[:2]}"
            for h in self.headings
            if h.code[:2] not in chapters
        ]
        for kind, items in (("chapter", self.chapters), ("heading", self.headings)):
            codes = [i.code for i in items]
            problems += [
                f"{kind} {c} twice" for c in sorted({c for c in codes if codes.count(c) > 1})
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Effect(StrEnum):
    """What a list entry says of the goods under its code."""

    LISTED = "LISTED"
    """On the positive list: may be imported as cross-border e-commerce retail."""
    DELISTED = "DELISTED"
    """Taken off the positive list by the list's latest edition."""
    PROHIBITED_IMPORT = "PROHIBITED_IMPORT"
    PROHIBITED_EXPORT = "PROHIBITED_EXPORT"
    RESTRICTED_IMPORT = "RESTRICTED_IMPORT"
    RESTRICTED_EXPORT = "RESTRICTED_EXPORT"


class Source(_Frozen):
    id: str = Field(min_length=1)
    instrument: str = Field(min_length=1)
    issued_by: str = Field(min_length=1, alias="issuedBy")
    effective_from: str = Field(alias="effectiveFrom")
    number: str = Field(min_length=1)
    confirmed_by: str = Field(min_length=1, alias="confirmedBy")


class ListEntry(_Frozen):
    code: str = Field(pattern=HS_PREFIX.pattern)
    effect: Effect
    item: str = Field(min_length=1)
    mapping: str | None = None
    """How an item named in words maps onto the code (tables that name articles, not codes)."""
    source: str = Field(min_length=1)


class GoodsList(_Frozen):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1, alias="nameEn")
    kind: Literal["POSITIVE", "PROHIBITION", "RESTRICTION"]
    edition: str = Field(min_length=1)
    source: str = Field(min_length=1)
    completeness: Literal["PARTIAL", "COMPLETE"]
    why: str = Field(min_length=1)
    entries: tuple[ListEntry, ...]


class GoodsLists(_Frozen):
    version: int = Field(ge=1)
    sources: tuple[Source, ...]
    lists: tuple[GoodsList, ...]

    @model_validator(mode="after")
    def _sourced(self) -> Self:
        known = {s.id for s in self.sources}
        problems = [
            f"list {g.id}: unknown source {g.source!r}" for g in self.lists if g.source not in known
        ]
        problems += [
            f"list {g.id}, entry {e.code}: unknown source {e.source!r}"
            for g in self.lists
            for e in g.entries
            if e.source not in known
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)


def load_nomenclature(path: Path = NOMENCLATURE_PATH) -> Nomenclature:
    return load_data_file(Nomenclature, path, "HS nomenclature", CommodityDataError)


def load_goods_lists(path: Path = GOODS_LISTS_PATH) -> GoodsLists:
    return load_data_file(GoodsLists, path, "goods lists", CommodityDataError)


NOMENCLATURE: Final = load_nomenclature()
GOODS_LISTS: Final = load_goods_lists()


class PositiveListStatus(StrEnum):
    """Where a code stands on the cross-border e-commerce retail import list, as far as the
    hub's (partial) copy tells."""

    LISTED = "LISTED"
    """A listed line covers the whole code."""
    SOME_LINES = "SOME_LINES"
    """Listed lines lie under the code (it is wider than they are); others may not be listed."""
    NOT_LISTED = "NOT_LISTED"
    """The latest edition took the code off the list."""
    NOT_KNOWN = "NOT_KNOWN"
    """The hub's copy holds no line for it: on or off the list is not known here."""


@dataclass(frozen=True)
class Match:
    """A list entry that bears on the asked code: `covers` when the entry's code is the asked
    code or a prefix of it (it applies to all of it), else the entry is a narrower line under it."""

    goods_list: GoodsList
    entry: ListEntry
    covers: bool


@dataclass(frozen=True)
class Description:
    code: str
    chapter: Titled | None
    heading: Titled | None
    reserved: str | None
    matches: tuple[Match, ...]
    positive_list: PositiveListStatus


HS_WRITTEN: Final = re.compile(r"^[0-9]{4}(\.?[0-9]{2}(\.?[0-9]{2,4})?)?$")
"""How a code may be written: digits, a dot allowed only after the heading (4 digits) and
after the subheading (6): 610910, 6109.10, 6109.10.00, 6109.1000."""


class HsCodeError(ValueError):
    """A code the commodity query refuses; the message says what is wrong with it, `rule`
    names the check (hs_code_format, hs_code_chapter)."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


def checked_hs_code(code: str, hs: Nomenclature = NOMENCLATURE) -> str:
    """The code without surrounding spaces and dots ("6109.10" is written "610910"); an
    `HsCodeError` when it is not 6 to 10 digits, has a dot elsewhere than after the heading or
    the subheading, or its first two digits are no HS chapter (00, 77 reserved, 98, 99)."""
    written = code.strip()
    cleaned = written.replace(".", "")
    if not HS_CODE.fullmatch(cleaned) or not HS_WRITTEN.fullmatch(written):
        raise HsCodeError(
            "must be 6 to 10 digits, a dot allowed only after the heading and the subheading "
            "(610910, 6109.10, 6109.10.00)",
            "hs_code_format",
        )
    chapter = cleaned[:2]
    if chapter in hs.reserved:
        raise HsCodeError(
            f"names chapter {chapter}, which the HS reserves ({hs.reserved[chapter]}): no goods "
            "are classified in it",
            "hs_code_chapter",
        )
    if all(c.code != chapter for c in hs.chapters):
        raise HsCodeError(
            f"names chapter {chapter}, which is not an HS chapter (01 to 97)", "hs_code_chapter"
        )
    return cleaned


def describe(
    code: str, lists: GoodsLists = GOODS_LISTS, hs: Nomenclature = NOMENCLATURE
) -> Description:
    """What the data files say of a valid HS code (`checked_hs_code`)."""
    chapter = next((c for c in hs.chapters if c.code == code[:2]), None)
    heading = next((h for h in hs.headings if h.code == code[:4]), None)
    matches = tuple(
        Match(goods_list, entry, covers=code.startswith(entry.code))
        for goods_list in lists.lists
        for entry in goods_list.entries
        if code.startswith(entry.code) or entry.code.startswith(code)
    )
    return Description(
        code=code,
        chapter=chapter,
        heading=heading,
        reserved=hs.reserved.get(code[:2]),
        matches=matches,
        positive_list=_positive(matches),
    )


def _positive(matches: tuple[Match, ...]) -> PositiveListStatus:
    positive = [m for m in matches if m.goods_list.kind == "POSITIVE"]
    covering = [m for m in positive if m.covers]
    if covering:
        # the longest covering entry is the most specific line
        best = max(covering, key=lambda m: len(m.entry.code))
        return (
            PositiveListStatus.LISTED
            if best.entry.effect is Effect.LISTED
            else PositiveListStatus.NOT_LISTED
        )
    if any(m.entry.effect is Effect.LISTED for m in positive):
        return PositiveListStatus.SOME_LINES
    return PositiveListStatus.NOT_KNOWN


__all__ = [
    "GOODS_LISTS",
    "NOMENCLATURE",
    "CommodityDataError",
    "Description",
    "Effect",
    "GoodsLists",
    "HsCodeError",
    "Match",
    "Nomenclature",
    "PositiveListStatus",
    "checked_hs_code",
    "describe",
    "load_goods_lists",
    "load_nomenclature",
]
