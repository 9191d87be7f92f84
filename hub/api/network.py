"""The network in the API: relationshipGraph, paths and ultimateOwners (scope graph:read).

Each resolver checks its arguments against the limits in settings, reads through
`hub.network`, and maps the result to GraphQL types. The root enterprise goes through the
caller's visibility filter first, like every enterprise read. A person's name is masked and the ID
fragment left out unless the caller holds pii:read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

import strawberry

from auth.policy import mask_person_name
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_uscc, shown
from hub.api.pagination import bounded
from hub.network import (
    TIE_TYPES,
    GraphEdge,
    GraphNode,
    effective_owners,
    relationship_graph,
    shortest_paths,
    upstream_holdings,
)


@strawberry.type(
    name="GraphNode", description="An enterprise, person, address, phone or warehouse."
)
class NetworkNode:
    id: str = strawberry.field(description="Stable within a graph read; edges refer to it.")
    label: str
    key: str | None = strawberry.field(
        description="USCC, person key, address key, phone number or warehouse id."
    )
    name: str | None
    zone: str | None
    status: str | None
    grade: str | None = strawberry.field(description="The stored credit grade (enterprises).")
    listed: bool | None = strawberry.field(
        description="An authoritative list entry is in force (enterprises)."
    )
    id_masked: str | None


@strawberry.type(name="GraphEdge", description="A relationship between two nodes.")
class NetworkEdge:
    id: str
    type: str
    source: str
    target: str
    since: dt.date | None
    until: dt.date | None
    ratio: float | None
    role: str | None


@strawberry.type(description="The network around an enterprise.")
class RelationshipGraph:
    root: NetworkNode
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool = strawberry.field(description="True when the node limit cut the graph.")


@strawberry.type(description="One shortest path between two enterprises.")
class NetworkPath:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


@strawberry.type(description="A step of a shareholding chain: `holder` holds `ratio` of `held`.")
class ChainLink:
    holder: str
    held: str
    ratio: float


@strawberry.type(description="A holder whose effective share reaches the threshold.")
class UltimateOwner:
    key: str = strawberry.field(description="USCC, or the person's key.")
    label: str
    name: str
    share: float = strawberry.field(
        description="Effective share: products along chains, summed over chains, cycles included."
    )
    ultimate: bool = strawberry.field(description="Held by no one (persons always).")
    chains: list[list[ChainLink]] = strawberry.field(description="Its simple chains to the target.")


def _types(relation_types: list[str] | None) -> tuple[str, ...]:
    if relation_types is None:
        return TIE_TYPES
    unknown = sorted(set(relation_types) - set(TIE_TYPES))
    if unknown or not relation_types:
        raise bad_user_input(
            f"relationTypes {', '.join(shown(t) for t in unknown[:10]) or '(empty)'} not drawable; "
            f"use some of {', '.join(TIE_TYPES)}",
            argument="relationTypes",
        )
    return tuple(sorted(set(relation_types)))


def _node(info: Info, node: GraphNode) -> NetworkNode:
    private = node.label == "Person" and not info.context.principal.has("pii:read")
    return NetworkNode(
        id=node.id,
        label=node.label,
        key=node.key,
        name=mask_person_name(node.name or "") if private else node.name,
        zone=node.zone,
        status=node.status,
        grade=node.grade,
        listed=node.listed,
        id_masked=None if private else node.id_masked,
    )


def _enterprises(nodes: Iterable[GraphNode]) -> list[str | None]:
    """The USCCs of the enterprises among `nodes`: whose data the answer carries."""
    return [node.key for node in nodes if node.label == "Enterprise"]


def _edge(edge: GraphEdge) -> NetworkEdge:
    return NetworkEdge(
        id=edge.id,
        type=edge.type,
        source=edge.source,
        target=edge.target,
        since=edge.since,
        until=edge.until,
        ratio=edge.ratio,
        role=edge.role,
    )


async def graph_around(
    info: Info,
    uscc: str,
    depth: int | None,
    relation_types: list[str] | None,
    limit: int | None,
) -> RelationshipGraph | None:
    types = _types(relation_types)
    limits = info.context.services.settings.limits
    depth = bounded(depth, limits.graph_depth, "depth")
    limit = bounded(limit, limits.graph_nodes, "limit")
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None
    services = info.context.services
    graph = await relationship_graph(
        services.driver,
        services.database,
        uscc,
        depth=depth,
        types=types,
        limit=limit,
        as_of=info.context.now.date(),
    )
    if graph is None:
        return None
    info.context.loaders.touch(info.path, [uscc, *_enterprises([graph.root, *graph.nodes])])
    return RelationshipGraph(
        root=_node(info, graph.root),
        nodes=[_node(info, n) for n in graph.nodes],
        edges=[_edge(e) for e in graph.edges],
        truncated=graph.truncated,
    )


async def paths_between(
    info: Info, source: str, target: str, max_hops: int | None, relation_types: list[str] | None
) -> list[NetworkPath]:
    types = _types(relation_types)
    limits = info.context.services.settings.limits
    max_hops = bounded(max_hops, limits.path_hops, "maxHops")
    loader = info.context.loaders.enterprise
    if await loader.load(source) is None or await loader.load(target) is None:
        return []
    services = info.context.services
    found = await shortest_paths(
        services.driver,
        services.database,
        source,
        target,
        max_hops=max_hops,
        types=types,
        limit=limits.paths.default,
        as_of=info.context.now.date(),
    )
    # "no path" is an answer about both; each path names the enterprises along it
    touched = [source, target, *(u for nodes, _ in found for u in _enterprises(nodes))]
    info.context.loaders.touch(info.path, touched)
    return [
        NetworkPath(nodes=[_node(info, n) for n in nodes], edges=[_edge(e) for e in edges])
        for nodes, edges in found
    ]


async def owners_of(info: Info, uscc: str, threshold: float) -> list[UltimateOwner] | None:
    if not 0 < threshold <= 1:
        raise bad_user_input(
            f"threshold must be above 0 and at most 1, got {threshold}", argument="threshold"
        )
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None
    services = info.context.services
    holdings = await upstream_holdings(
        services.driver, services.database, uscc, info.context.now.date()
    )
    masked = not info.context.principal.has("pii:read")
    owners = effective_owners(uscc, holdings, threshold)
    links = [link for owner in owners for chain in owner.chains for link in chain]
    info.context.loaders.touch(
        info.path,
        [
            uscc,
            *(o.key for o in owners if o.label == "Enterprise"),
            *(link.held for link in links),
            *(link.holder for link in links if link.holder_label == "Enterprise"),
        ],
    )
    return [
        UltimateOwner(
            key=owner.key,
            label=owner.label,
            name=mask_person_name(owner.name) if masked and owner.label == "Person" else owner.name,
            share=owner.share,
            ultimate=owner.ultimate,
            chains=[
                [ChainLink(holder=h.holder, held=h.held, ratio=h.ratio) for h in chain]
                for chain in owner.chains
            ],
        )
        for owner in owners
    ]


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        description="The network around an enterprise: nodes within `depth` relationships "
        "of `relationTypes` (default 2, at most 3), at most `limit` of them (default 500, at "
        "most 2,000), nearest first, and the edges between them; each enterprise with its "
        "grade and list status. Defaults and maxima are the limits table's (HUB_LIMITS__*)."
    )
    async def relationship_graph(
        self,
        info: Info,
        uscc: str,
        depth: int | None = None,
        relation_types: list[str] | None = None,
        limit: int | None = None,
    ) -> RelationshipGraph | None:
        return await graph_around(info, checked_uscc(uscc), depth, relation_types, limit)

    @strawberry.field(
        description="The shortest paths (up to 25) between two enterprises, `maxHops` long at most "
        "(default 4, at most 6; the limits table's HUB_LIMITS__PATHS, __PATH_HOPS)."
    )
    async def paths(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_hops: int | None = None,
        relation_types: list[str] | None = None,
    ) -> list[NetworkPath]:
        return await paths_between(
            info, checked_uscc(from_), checked_uscc(to), max_hops, relation_types
        )

    @strawberry.field(
        description="Holders whose effective share of the enterprise (products along "
        "shareholding chains, summed over chains, cycles included) reaches `threshold`."
    )
    async def ultimate_owners(
        self, info: Info, uscc: str, threshold: float = 0.25
    ) -> list[UltimateOwner] | None:
        return await owners_of(info, checked_uscc(uscc), threshold)
