"""Reads `RatingFacts` from the graph: a fixed number of queries for any number of enterprises."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from neo4j import AsyncDriver, RoutingControl

from hub.credit import cypher
from hub.credit.facts import (
    ClassificationFact,
    ListEntryFact,
    LoanFact,
    NetworkLink,
    OrderCheck,
    PathStep,
    PenaltyFact,
    RatingFacts,
)
from hub.repository import read_rows

WINDOW_DAYS = 365  # "over 12 months"


async def gather_facts(
    driver: AsyncDriver, database: str, usccs: list[str], as_of: dt.date, max_hops: int = 3
) -> dict[str, RatingFacts]:
    """The facts of each known enterprise of `usccs`, valid at `as_of`."""
    params = {"usccs": usccs, "as_of": as_of, "since": as_of - dt.timedelta(days=WINDOW_DAYS)}
    # two independent reads: the server runs them side by side
    rows, network = await asyncio.gather(
        read_rows(driver, database, cypher.RATING_FACTS, params),
        network_links(driver, database, usccs, as_of, max_hops),
    )
    return {row["uscc"]: _facts(row, as_of, network.get(row["uscc"], [])) for row in rows}


@dataclass(frozen=True)
class _Edge:
    """One enterprise hop: to `next`, through `rels` (and the person or address `mid`)."""

    next: str
    rels: tuple[str, ...]
    mid: PathStep | None


async def network_links(
    driver: AsyncDriver, database: str, usccs: list[str], as_of: dt.date, max_hops: int
) -> dict[str, list[NetworkLink]]:
    """Each enterprise's listed neighbours within `max_hops`, at the fewest hops, with a path.

    The neighbourhood is read a level at a time (`cypher.NETWORK_STEP`, one query per level
    for all of `usccs`), then searched breadth first here: per enterprise, the first path in
    key order among those with the fewest hops, so the same graph gives the same evidence.
    """
    edges: dict[str, list[_Edge]] = {}
    entries: dict[str, list[dict[str, str]]] = {}
    frontier = set(usccs)
    for level in range(max_hops):
        wanted = sorted(u for u in frontier if u not in edges)
        if not wanted:
            break
        params = {"usccs": wanted, "as_of": as_of, "listed_only": level == max_hops - 1}
        # plain values, no temporal conversion: these rows are many and hold only strings
        records, _, _ = await driver.execute_query(
            cypher.NETWORK_STEP, params, routing_=RoutingControl.READ, database_=database
        )
        for uscc in wanted:
            edges[uscc] = []
        for uscc, after, rels, mid_label, mid_key, found in (r.values() for r in records):
            mid = PathStep(mid_label, mid_key) if mid_label else None
            edges[uscc].append(_Edge(after, tuple(rels), mid))
            if found:
                entries[after] = [{"id": e[0], "list": e[1]} for e in found]
        frontier = {edge.next for uscc in wanted for edge in edges[uscc]}
    for found in edges.values():
        found.sort(key=lambda e: (e.next, e.mid.key if e.mid else "", e.rels))
    return {uscc: _nearest_listed(uscc, edges, entries, max_hops) for uscc in usccs}


def _nearest_listed(
    source: str,
    edges: dict[str, list[_Edge]],
    entries: dict[str, list[dict[str, str]]],
    max_hops: int,
) -> list[NetworkLink]:
    parent: dict[str, tuple[str, _Edge] | None] = {source: None}
    level = [source]
    links = []
    for hops in range(1, max_hops + 1):
        reached = []
        for uscc in level:
            for edge in edges.get(uscc, ()):
                if edge.next not in parent:
                    parent[edge.next] = (uscc, edge)
                    reached.append(edge.next)
        for uscc in reached:
            if uscc in entries:
                links.append(_link(uscc, hops, _path(uscc, parent), entries[uscc]))
        level = reached
    return links


def _path(target: str, parent: dict[str, tuple[str, _Edge] | None]) -> tuple[PathStep, ...]:
    steps: list[PathStep] = [PathStep("Enterprise", target)]
    node = target
    while (link := parent[node]) is not None:
        previous, edge = link
        if edge.mid is None:
            steps.append(PathStep("Enterprise", previous, edge.rels[0]))
        else:
            steps.append(PathStep(edge.mid.label, edge.mid.key, edge.rels[1]))
            steps.append(PathStep("Enterprise", previous, edge.rels[0]))
        node = previous
    return tuple(reversed(steps))


def _facts(row: dict[str, Any], as_of: dt.date, network: list[NetworkLink]) -> RatingFacts:
    return RatingFacts(
        uscc=row["uscc"],
        as_of=as_of,
        registered_on=row["registeredOn"],
        name=row.get("name") or "",
        zone=row.get("zone"),
        penalties=tuple(
            PenaltyFact(
                id=p["id"],
                department=p["department"],
                severity=p["severity"],
                decided_on=p["decidedOn"],
                public_until=p.get("publicUntil"),
                repaired_on=p.get("repairedOn"),
            )
            for p in sorted(row["penalties"], key=lambda p: p["id"])
        ),
        list_entries=tuple(
            ListEntryFact(
                id=entry["id"],
                list=entry["list"],
                department=entry["department"],
                listed_on=entry["listedOn"],
                expires_on=entry.get("expiresOn"),
                removed_on=entry.get("removedOn"),
            )
            for entry in sorted(row["listEntries"], key=lambda e: e["id"])
        ),
        classifications=tuple(
            ClassificationFact(
                id=c["id"],
                department=c["department"],
                scheme=c["scheme"],
                value=c["value"],
                effective_from=c["effectiveFrom"],
                effective_to=c.get("effectiveTo"),
            )
            for c in sorted(row["classifications"], key=lambda c: c["id"])
        ),
        orders=tuple(
            OrderCheck(
                id=o["id"],
                ordered_on=o["orderedOn"],
                matched=o["reason"] is None,
                reason=o["reason"],
            )
            for o in sorted(row["orders"], key=lambda o: o["id"])
        ),
        declared_exports_cny=_money(row["declaredExports"]),
        collected_cny=_money(row["collected"]),
        loans=tuple(
            LoanFact(
                id=loan["id"],
                status=loan["status"],
                granted_on=loan["grantedOn"],
                due_on=loan["dueOn"],
            )
            for loan in sorted(row["loans"], key=lambda loan: loan["id"])
        ),
        network=tuple(sorted(network, key=lambda link: (link.hops, link.uscc))),
    )


def _link(
    uscc: str, hops: int, path: tuple[PathStep, ...], found: list[dict[str, str]]
) -> NetworkLink:
    ordered = sorted(found, key=lambda e: e["id"])
    return NetworkLink(
        uscc=uscc,
        hops=hops,
        path=path,
        entry_ids=tuple(e["id"] for e in ordered),
        lists=tuple(sorted({e["list"] for e in ordered})),
    )


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
