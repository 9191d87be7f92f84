"""Reads of what the recomputer stored: list coverage and rating history, as plain data."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver
from pydantic import BaseModel, ConfigDict, Json, model_validator

from graph_schema.read_model import (
    BlankIfNull,
    EmptyIfNull,
    GraphDate,
    GraphDateTime,
    ReadModel,
    read_records,
)
from hub.credit import cypher
from hub.credit.facts import PathStep


class StoredMeasure(BaseModel):
    """One stored measure and its legal basis (`hub.credit.joint_rules.LegalMeasure`)."""

    model_config = ConfigDict(frozen=True)

    measure: str
    basis: str


def _measures_with_basis(raw: Any, basis: Any) -> Any:
    """The stored measures (JSON text) as {department: [{measure, basis}]}. Rows written
    before measures carried their own basis (rules 2026.1) hold plain strings: each takes
    the row's basis, so a deployment's stored rows read until they are recomputed."""
    measures = json.loads(raw) if isinstance(raw, str | bytes) else raw
    if not isinstance(measures, dict):
        return measures  # refused by the field's type, naming it
    return {
        department: [
            {"measure": item, "basis": basis} if isinstance(item, str) else item for item in items
        ]
        if isinstance(items, list)
        else items
        for department, items in measures.items()
    }


class StoredCoverage(ReadModel):
    """A coverage node as stored (see `hub.credit.coverage.Coverage`), with its withdrawal;
    its path and measures are stored as JSON text, each measure with its legal basis."""

    id: str
    kind: str
    list: str
    cause: str
    department: str
    subject_type: str
    subject_key: str
    subject_name: BlankIfNull = ""
    subject_role: str
    relation: str
    zone: str | None = None
    depth: int
    valid_from: GraphDate
    valid_until: GraphDate | None = None
    withdrawn_on: GraphDate | None = None
    path: Json[tuple[PathStep, ...]]
    evidence: EmptyIfNull[str] = ()
    measures: dict[str, tuple[StoredMeasure, ...]]
    basis: str
    rules_version: str

    @model_validator(mode="before")
    @classmethod
    def _old_measures_take_the_row_basis(cls, data: Any) -> Any:
        if isinstance(data, dict) and "measures" in data:
            data = {**data, "measures": _measures_with_basis(data["measures"], data.get("basis"))}
        return data

    def applies_on(self, day: dt.date) -> bool:
        return (
            self.valid_from <= day
            and (self.valid_until is None or day < self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )

    def measures_of(self, department: str | None) -> tuple[StoredMeasure, ...]:
        """The measures the row sets for `department`, or for every department when None."""
        if department is None:
            return tuple(m for items in self.measures.values() for m in items)
        return self.measures.get(department, ())


class StoredRating(ReadModel):
    """A rating as the recomputer stored it."""

    id: str
    score: int
    grade: str
    forced_by: str | None = None
    model_version: str
    as_of: GraphDate
    computed_at: GraphDateTime
    superseded_at: GraphDateTime | None = None
    treatment: str


@dataclass(frozen=True)
class ListQuery:
    """A page of a consolidated list: filters, the lists the caller may see, the keyset."""

    kind: str  # PUNISHMENT | INCENTIVE
    lists: Sequence[str]
    as_of: dt.date
    limit: int
    after: str | None = None
    list: str | None = None
    subject_type: str | None = None
    zone: str | None = None
    department: str | None = None
    only_uscc: str | None = None
    listed_only: bool = False  # only rows of the listed subjects themselves (publication)
    include_ended: bool = False


async def joint_list_page(
    driver: AsyncDriver, database: str, query: ListQuery
) -> tuple[int, list[StoredCoverage]]:
    """How many rows the query's filter keeps over all pages, and its page of them."""
    records = await read_records(
        driver,
        database,
        cypher.JOINT_LIST_PAGE,
        {
            "kind": query.kind,
            "lists": list(query.lists),
            "as_of": query.as_of,
            "limit": query.limit,
            "after": query.after,
            "list": query.list,
            "subject_type": query.subject_type,
            "zone": query.zone,
            "department": query.department,
            "only_uscc": query.only_uscc,
            "listed_only": query.listed_only,
            "include_ended": query.include_ended,
        },
    )
    (record,) = records
    return int(record["total"]), [StoredCoverage.model_validate(c) for c in record["page"]]


async def subjects_of_facts(
    driver: AsyncDriver, database: str, ids: Sequence[str]
) -> tuple[set[str], set[str]]:
    """The enterprises and persons the facts `ids` are about: a list entry's, penalty's or
    classification's subject, and an order's seller (whom its payment, waybill and
    inventory list rate)."""
    if not ids:
        return set(), set()
    records = await read_records(driver, database, cypher.FACT_SUBJECTS, {"ids": sorted(ids)})
    if not records:
        return set(), set()
    return set(records[0]["usccs"]), set(records[0]["keys"])


async def enterprise_coverage(
    driver: AsyncDriver, database: str, uscc: str, as_of: dt.date, lists: Sequence[str]
) -> list[StoredCoverage]:
    """The punishment and incentive coverage that applies to an enterprise on `as_of`."""
    records = await read_records(
        driver,
        database,
        cypher.ENTERPRISE_COVERAGE,
        {"uscc": uscc, "as_of": as_of, "lists": list(lists)},
    )
    return [StoredCoverage.model_validate(record["c"]) for record in records]


async def rating_history(
    driver: AsyncDriver, database: str, uscc: str, limit: int
) -> list[StoredRating]:
    records = await read_records(
        driver, database, cypher.RATING_HISTORY, {"uscc": uscc, "limit": limit}
    )
    return [StoredRating.model_validate(record["r"]) for record in records]
