"""Reads of enterprise data from Neo4j: the hub's backend behind one small interface.

`EnterpriseReader` is what the GraphQL layer depends on; `Neo4jEnterpriseReader` runs the
named queries of `hub.cypher` with read routing, so on a cluster they go to secondaries.
Rows come back as plain dicts with Python dates, keyed by the enterprise they belong to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from neo4j import AsyncDriver, RoutingControl
from neo4j.graph import Entity
from neo4j.time import Date, DateTime

from hub import cypher

Row = dict[str, Any]


@dataclass(frozen=True)
class VisibilityFilter:
    """Which enterprises the caller may see, as the reads apply it: a fixed predicate of
    `auth.policy.VISIBILITY_PREDICATES` over `e`, and the parameters it reads."""

    predicate: str
    params: dict[str, Any]


@dataclass(frozen=True)
class EnterpriseFilter:
    zone: str | None = None
    industry_belt: str | None = None
    status: str | None = None
    name_contains: str | None = None


class EnterpriseReader(Protocol):
    async def enterprises(
        self, usccs: Sequence[str], visibility: VisibilityFilter
    ) -> dict[str, Row]: ...

    async def enterprise_page(
        self,
        where: EnterpriseFilter,
        after: str | None,
        limit: int,
        visibility: VisibilityFilter,
        relations: list[str],
    ) -> list[tuple[Row, dict[str, list[Row]]]]: ...

    async def enterprise_count(
        self, where: EnterpriseFilter, visibility: VisibilityFilter
    ) -> int: ...

    async def related(self, relation: str, usccs: Sequence[str]) -> dict[str, list[Row]]: ...

    async def profiles(
        self, usccs: Sequence[str], relations: list[str], visibility: VisibilityFilter
    ) -> dict[str, tuple[Row, dict[str, list[Row]]]]: ...


RELATED_QUERIES: Mapping[str, str] = {
    "legal_representatives": cypher.LEGAL_REPRESENTATIVES,
    "officers": cypher.OFFICERS,
    "shareholders": cypher.SHAREHOLDERS,
    "holdings": cypher.HOLDINGS,
    "addresses": cypher.ADDRESSES,
    "filings": cypher.FILINGS,
    "penalties": cypher.PENALTIES,
    "list_entries": cypher.LIST_ENTRIES,
    "classifications": cypher.CLASSIFICATIONS,
}
"""Relations that are loaded for many enterprises in one query (see hub.graphql.loaders)."""


async def read_rows(
    driver: AsyncDriver, database: str, query: str, params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Run a named read query and return its records as dicts of Python values."""
    records, _, _ = await driver.execute_query(
        query, dict(params), routing_=RoutingControl.READ, database_=database
    )
    return [native(record.data()) for record in records]


_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None), bytes})


def native(value: Any) -> Any:
    """Neo4j values to plain Python ones, recursively through lists and maps: temporal values to
    `datetime` ones, a node or relationship to the map of its properties. (One pass instead of
    the driver's `Record.data()` and then this; plain values are passed over without a call, a
    page of 100 enterprises holding some 2,000 of them.)"""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: v if type(v) in _PLAIN else native(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else native(v) for v in value]
    if isinstance(value, Date | DateTime):
        return value.to_native()
    if isinstance(value, Entity):
        return native(dict(value.items()))
    if isinstance(value, dict | list):  # subclasses, should a driver return them
        return native(dict(value) if isinstance(value, dict) else list(value))
    return value


def _filter_clause(where: EnterpriseFilter, after: str | None) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    fragments: list[str] = []
    values = {
        "zone": where.zone,
        "industry_belt": where.industry_belt,
        "status": where.status,
        "name_contains": where.name_contains,
        "after": after,
    }
    for name, value in values.items():
        if value is not None:
            fragments.append(cypher.ENTERPRISE_FILTERS[name])
            params[name] = value
    clause = "".join(f" AND {fragment}" for fragment in fragments)
    return clause, params


class Neo4jEnterpriseReader:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def _read(self, query: str, **params: Any) -> list[Row]:
        records, _, _ = await self._driver.execute_query(
            query,  # composed only from hub.cypher constants
            params,
            routing_=RoutingControl.READ,
            database_=self._database,
        )
        return [native(dict(record)) for record in records]

    async def enterprises(
        self, usccs: Sequence[str], visibility: VisibilityFilter
    ) -> dict[str, Row]:
        query = cypher.ENTERPRISES_BY_USCC.format(visible=visibility.predicate)
        found = await self._read(query, usccs=list(usccs), **visibility.params)
        return {row["uscc"]: row["enterprise"] for row in found}

    async def enterprise_page(
        self,
        where: EnterpriseFilter,
        after: str | None,
        limit: int,
        visibility: VisibilityFilter,
        relations: list[str],
    ) -> list[tuple[Row, dict[str, list[Row]]]]:
        """A page of enterprises in USCC order, each with the named relations, in one query."""
        clause, params = _filter_clause(where, after)
        query = cypher.enterprise_page_query(relations, clause, visibility.predicate)
        found = await self._read(query, limit=limit, **params, **visibility.params)
        return [
            (entry["enterprise"], {name: entry[name] for name in relations})
            for entry in found[0]["page"]
        ]

    async def enterprise_count(self, where: EnterpriseFilter, visibility: VisibilityFilter) -> int:
        clause, params = _filter_clause(where, None)
        query = cypher.ENTERPRISE_COUNT.format(where=clause, visible=visibility.predicate)
        found = await self._read(query, **params, **visibility.params)
        return int(found[0]["total"])

    async def related(self, relation: str, usccs: Sequence[str]) -> dict[str, list[Row]]:
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in await self._read(RELATED_QUERIES[relation], usccs=list(usccs)):
            grouped[row.pop("uscc")].append(row)
        return grouped

    async def profiles(
        self, usccs: Sequence[str], relations: list[str], visibility: VisibilityFilter
    ) -> dict[str, tuple[Row, dict[str, list[Row]]]]:
        """Enterprises with the named relations, read in one query."""
        query = cypher.profile_query(relations, visibility.predicate)
        found = await self._read(query, usccs=list(usccs), **visibility.params)
        return {
            row["uscc"]: (row["enterprise"], {name: row[name] for name in relations})
            for row in found
        }
