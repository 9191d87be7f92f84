"""An enterprise's credit profile as of a date, put together from the graph: its facts gathered
and rated, the list entries a caller's lists show, and the joint measures that apply to it.

Plain functions over the driver and the loaded rule files; who may see which enterprise, list
or field is decided by the caller (`hub.api.credit` asks `auth.policy`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from neo4j import AsyncDriver

from hub.credit.engine import Rating, active_list_entries, rate
from hub.credit.facts import ListEntryFact, RatingFacts
from hub.credit.gather import gather_facts
from hub.credit.model import RatingModel
from hub.credit.reads import StoredCoverage


@dataclass(frozen=True)
class RatedFacts:
    """The rating of an enterprise as of a date, and the facts it was computed from."""

    rating: Rating
    facts: RatingFacts


async def rate_as_of(
    driver: AsyncDriver, database: str, model: RatingModel, uscc: str, day: dt.date
) -> RatedFacts:
    """Rate `uscc` on `day` from the facts valid then (and its network within the model's
    hops); computed, not the stored rating."""
    facts = await gather_facts(driver, database, [uscc], day, model)
    return RatedFacts(rating=rate(model, facts[uscc]), facts=facts[uscc])


@dataclass(frozen=True)
class ListEntryAsOf:
    """A list entry of the enterprise listed by the date, and whether it is in force then."""

    entry: ListEntryFact
    in_force: bool


def list_entries_shown(facts: RatingFacts, lists: Collection[str]) -> list[ListEntryAsOf]:
    """The entries of the lists in `lists` (those the caller may see), in force or not."""
    in_force = {entry.id for entry in active_list_entries(facts)}
    return [
        ListEntryAsOf(entry=e, in_force=e.id in in_force)
        for e in facts.list_entries
        if e.list in lists
    ]


def department_measures(row: StoredCoverage, department: str | None) -> list[str]:
    """The measures a coverage row sets for `department`, or for every department when None."""
    return [m.measure for m in row.measures_of(department)]


def is_listed(rows: Iterable[StoredCoverage]) -> bool:
    """Whether a punishment list entry of the enterprise itself is in force (not only a tie)."""
    return any(r.kind == "PUNISHMENT" and r.subject_role == "ENTERPRISE" for r in rows)
