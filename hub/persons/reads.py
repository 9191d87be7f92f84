"""Reading one person's profile facts from the graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import AsyncDriver

from graph_schema.read_model import read_records
from hub.persons import cypher
from hub.persons.facts import PersonFacts


@dataclass(frozen=True)
class PersonRead:
    """The facts, and whether the person's roles were cut at the limit."""

    facts: PersonFacts
    roles_truncated: bool


async def person_facts(
    driver: AsyncDriver,
    database: str,
    key: str,
    as_of: dt.date,
    lists: Sequence[str],
    role_limit: int,
) -> PersonRead | None:
    """The person with `key` on `as_of`, with the entries and coverage of `lists` (those the
    caller may see), at most `role_limit` ties (current first); None for an unknown key."""
    records = await read_records(
        driver,
        database,
        cypher.PERSON_PROFILE,
        {"key": key, "as_of": as_of, "lists": list(lists), "limit": role_limit + 1},
    )
    if not records:
        return None
    record = records[0].data()
    roles = record["roles"]
    facts = PersonFacts.model_validate({**record, "roles": roles[:role_limit], "asOf": as_of})
    return PersonRead(facts=facts, roles_truncated=len(roles) > role_limit)
