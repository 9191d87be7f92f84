"""Reads `RatingFacts` from the graph: a fixed number of queries for any number of enterprises."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from neo4j import AsyncDriver, Record, RoutingControl

from graph_schema.dates import add_months
from graph_schema.read_model import read_records
from hub.credit import cypher
from hub.credit.facts import NetworkLink, PathStep, RatingFacts
from hub.credit.model import NetworkRules, RatingModel

SEARCH_VERSION = 1
"""Bumped whenever the search would find other links in the same graph, so networks stored
by an older search are not taken for this one's (`network_search_key`)."""


def network_search_key(rules: NetworkRules) -> str:
    """What a network search's result depends on besides the graph and the day: this search
    and the rules' hops and shareholding threshold (not the points, nor which lists count:
    the links name every list, and the engine picks)."""
    return f"{SEARCH_VERSION}:{rules.max_hops}:{rules.min_shareholding_ratio}"


StoredNetworks = Callable[[], Awaitable[Mapping[str, Sequence[NetworkLink]]]]
"""Reads the networks some enterprises have already, as a search as of the day of the facts
found them in this graph (`CreditRecomputer`'s, from the networks it stored)."""


async def gather_facts(
    driver: AsyncDriver,
    database: str,
    usccs: list[str],
    as_of: dt.date,
    model: RatingModel,
    stored: StoredNetworks | None = None,
) -> dict[str, RatingFacts]:
    """The facts of each known enterprise of `usccs`, valid at `as_of`, over the windows and
    the network the rating model says. With `stored`, the enterprises it gives a network are
    not searched: it is read beside the facts, and the others are searched after."""
    params = {
        "usccs": usccs,
        "as_of": as_of,
        "orders_since": add_months(as_of, -model.orders.window_months),
        "collections_since": add_months(as_of, -model.collections.window_months),
    }
    facts = read_records(driver, database, cypher.RATING_FACTS, params)
    network: dict[str, Sequence[NetworkLink]]
    if stored is None:
        # two independent reads: the server runs them side by side
        records, found = await asyncio.gather(
            facts, network_links(driver, database, usccs, as_of, model.network)
        )
        network = dict(found)
    else:
        records, known = await asyncio.gather(facts, stored())
        unknown = [uscc for uscc in usccs if uscc not in known]
        network = {**await network_links(driver, database, unknown, as_of, model.network), **known}
    return {
        record["uscc"]: _facts(record, as_of, network.get(record["uscc"], [])) for record in records
    }


@dataclass(frozen=True)
class Edge:
    """One enterprise hop: to `next`, through `rels` (and the person or address `mid`)."""

    next: str
    rels: tuple[str, ...]
    mid: PathStep | None


async def network_links(
    driver: AsyncDriver, database: str, usccs: list[str], as_of: dt.date, rules: NetworkRules
) -> dict[str, list[NetworkLink]]:
    """Each enterprise's listed neighbours within `rules.max_hops`, at the fewest hops, with a
    path; a shareholding is a tie from `rules.min_shareholding_ratio`.

    The neighbourhood is read a level at a time (`cypher.NETWORK_STEP`, one query per level
    for all of `usccs`, which leaves out the neighbours that cannot lead to a listed one in
    the hops left), then searched breadth first here: per enterprise, the first path in key
    order among those with the fewest hops, so the same graph gives the same evidence.
    """
    max_hops = rules.max_hops
    edges: dict[str, list[Edge]] = {}
    entries: dict[str, list[dict[str, str]]] = {}
    frontier = set(usccs)
    for level in range(max_hops):
        wanted = sorted(u for u in frontier if u not in edges)
        if not wanted:
            break
        params = {
            "usccs": wanted,
            "as_of": as_of,
            "remaining": max_hops - level - 1,
            "tie_ratio": rules.min_shareholding_ratio,
        }
        # read positionally, not validated: these records are many and hold only strings
        records, _, _ = await driver.execute_query(
            cypher.NETWORK_STEP, params, routing_=RoutingControl.READ, database_=database
        )
        for uscc in wanted:
            edges[uscc] = []
        for uscc, found_edges in (r.values() for r in records):
            out = edges[uscc]
            for after, rels, mid_label, mid_key, found in found_edges:
                mid = PathStep(mid_label, mid_key) if mid_label else None
                out.append(Edge(after, tuple(rels), mid))
                if found:
                    entries[after] = [{"id": e[0], "list": e[1]} for e in found]
        frontier = {edge.next for uscc in wanted for edge in edges[uscc]}
    return nearest_listed(usccs, edges, entries, max_hops)


def nearest_listed(
    usccs: Sequence[str],
    edges: Mapping[str, list[Edge]],
    entries: Mapping[str, list[dict[str, str]]],
    max_hops: int,
) -> dict[str, list[NetworkLink]]:
    """Breadth first from each of `usccs` over `edges` (each enterprise's, any order): the
    enterprises of `entries` (id and list of each entry) within `max_hops`, each at its fewest
    hops by the first path in key order (the edges in (next, person or address, relationships)
    order, the first to reach an enterprise its parent).

    Each search follows only the edges to enterprises that reach one of `entries` in the hops
    left, which changes nothing it finds: an enterprise that does not is on no path to one in
    reach, and the parent of one that does (the first of the level before to reach it) does
    too, so each enterprise that matters is reached at the same level from the same parent.
    """
    ordered = {
        u: sorted(out, key=lambda e: (e.next, e.mid.key if e.mid else "", e.rels))
        for u, out in edges.items()
    }
    # within[k]: the enterprises that reach one of `entries` in k hops or fewer
    within = [set(entries)]
    for _ in range(1, max_hops):
        before = within[-1]
        within.append(
            before | {u for u, out in ordered.items() if any(e.next in before for e in out)}
        )
    # ahead[k]: each enterprise's edges to those of within[k], still in order
    ahead = [
        {u: kept for u, out in ordered.items() if (kept := [e for e in out if e.next in near])}
        for near in within
    ]
    return {uscc: _nearest_listed(uscc, ahead, entries, max_hops) for uscc in usccs}


def _nearest_listed(
    source: str,
    ahead: list[dict[str, list[Edge]]],
    entries: Mapping[str, list[dict[str, str]]],
    max_hops: int,
) -> list[NetworkLink]:
    parent: dict[str, tuple[str, Edge] | None] = {source: None}
    level = [source]
    links = []
    for hops in range(1, max_hops + 1):
        onward = ahead[max_hops - hops]  # edges to what may still lead to a listed one
        reached = []
        for uscc in level:
            for edge in onward.get(uscc, ()):
                if edge.next not in parent:
                    parent[edge.next] = (uscc, edge)
                    reached.append(edge.next)
        for uscc in reached:
            if uscc in entries:
                links.append(_link(uscc, hops, _path(uscc, parent), entries[uscc]))
        level = reached
    return links


def _path(target: str, parent: dict[str, tuple[str, Edge] | None]) -> tuple[PathStep, ...]:
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


_FACT_LISTS = ("penalties", "listEntries", "classifications", "orders", "loans")
"""The record's lists of facts, each put in id order."""


def _facts(record: Record, as_of: dt.date, network: Sequence[NetworkLink]) -> RatingFacts:
    """An enterprise's facts from its `RATING_FACTS` record: each kind of fact in id order and
    the network nearest first, so the same graph always gives the same facts."""
    found = dict(zip(record.keys(), record.values(), strict=True))  # `data()` walks each value
    for kind in _FACT_LISTS:
        found[kind].sort(key=itemgetter("id"))
    found["asOf"] = as_of
    found["network"] = sorted(network, key=lambda link: (link.hops, link.uscc))
    return RatingFacts.model_validate(found)


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
