"""Reads of what the recomputer stored: list coverage and rating history, as plain data."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver

from hub.credit import cypher
from hub.credit.facts import PathStep
from hub.repository import read_rows


@dataclass(frozen=True)
class StoredCoverage:
    """A coverage row as stored (see `hub.credit.coverage.Coverage`), with its withdrawal."""

    id: str
    kind: str
    list: str
    cause: str
    department: str
    subject_type: str
    subject_key: str
    subject_name: str
    subject_role: str
    relation: str
    zone: str | None
    depth: int
    valid_from: dt.date
    valid_until: dt.date | None
    withdrawn_on: dt.date | None
    path: tuple[PathStep, ...]
    evidence: tuple[str, ...]
    measures: dict[str, tuple[str, ...]]
    basis: str
    rules_version: str

    def applies_on(self, day: dt.date) -> bool:
        return (
            self.valid_from <= day
            and (self.valid_until is None or day < self.valid_until)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


@dataclass(frozen=True)
class StoredRating:
    id: str
    score: int
    grade: str
    forced_by: str | None
    model_version: str
    as_of: dt.date
    computed_at: dt.datetime
    superseded_at: dt.datetime | None
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
    include_ended: bool = False


def _coverage(row: dict[str, Any]) -> StoredCoverage:
    return StoredCoverage(
        id=row["id"],
        kind=row["kind"],
        list=row["list"],
        cause=row["cause"],
        department=row["department"],
        subject_type=row["subjectType"],
        subject_key=row["subjectKey"],
        subject_name=row.get("subjectName") or "",
        subject_role=row["subjectRole"],
        relation=row["relation"],
        zone=row.get("zone"),
        depth=row["depth"],
        valid_from=row["validFrom"],
        valid_until=row.get("validUntil"),
        withdrawn_on=row.get("withdrawnOn"),
        path=tuple(
            PathStep(step["label"], step["key"], step["relationship"])
            for step in json.loads(row["path"])
        ),
        evidence=tuple(row.get("evidence") or ()),
        measures={dept: tuple(texts) for dept, texts in json.loads(row["measures"]).items()},
        basis=row["basis"],
        rules_version=row["rulesVersion"],
    )


async def joint_list_page(
    driver: AsyncDriver, database: str, query: ListQuery
) -> list[StoredCoverage]:
    rows = await read_rows(
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
            "include_ended": query.include_ended,
        },
    )
    return [_coverage(row["c"]) for row in rows]


async def enterprise_coverage(
    driver: AsyncDriver, database: str, uscc: str, as_of: dt.date, lists: Sequence[str]
) -> list[StoredCoverage]:
    """The punishment and incentive rows that apply to an enterprise on `as_of`."""
    rows = await read_rows(
        driver,
        database,
        cypher.ENTERPRISE_COVERAGE,
        {"uscc": uscc, "as_of": as_of, "lists": list(lists)},
    )
    return [_coverage(row["c"]) for row in rows]


async def rating_history(
    driver: AsyncDriver, database: str, uscc: str, limit: int
) -> list[StoredRating]:
    rows = await read_rows(driver, database, cypher.RATING_HISTORY, {"uscc": uscc, "limit": limit})
    return [
        StoredRating(
            id=r["id"],
            score=r["score"],
            grade=r["grade"],
            forced_by=r.get("forcedBy"),
            model_version=r["modelVersion"],
            as_of=r["asOf"],
            computed_at=r["computedAt"],
            superseded_at=r.get("supersededAt"),
            treatment=r["treatment"],
        )
        for r in (row["r"] for row in rows)
    ]
