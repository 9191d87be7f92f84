"""Reads of the network: the graph around an enterprise, paths, and upstream shareholdings.

The graph is read a level at a time (one query per level for the whole frontier) and cut at
`limit` nodes, nearest levels first; only edges between kept nodes are returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from neo4j import AsyncDriver

from graph_schema.read_model import GraphDate, ReadModel, read_records
from hub.network import cypher
from hub.network.ownership import Holding

TIE_TYPES: tuple[str, ...] = (
    "LEGAL_REPRESENTATIVE_OF",
    "OFFICER_OF",
    "SHAREHOLDER_OF",
    "REGISTERED_AT",
    "USES_PHONE",
    "OPERATES",
)
"""The relationships a network is drawn with (relationType filters choose among them)."""

MAX_OWNERSHIP_LEVELS = 10


class GraphNode(ReadModel):
    """A node of the network as `cypher._NODE` shows it."""

    id: str
    label: str
    key: str | None = None
    name: str | None = None
    zone: str | None = None
    status: str | None = None
    grade: str | None = None
    listed: bool | None = None
    id_masked: str | None = None


class GraphEdge(ReadModel):
    """A relationship of the network as `cypher._EDGE` shows it."""

    id: str
    type: str
    source: str
    target: str
    since: GraphDate | None = None
    until: GraphDate | None = None
    ratio: float | None = None
    role: str | None = None


@dataclass(frozen=True)
class NetworkGraph:
    root: GraphNode
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    truncated: bool


async def relationship_graph(
    driver: AsyncDriver,
    database: str,
    uscc: str,
    *,
    depth: int,
    types: tuple[str, ...],
    limit: int,
    as_of: dt.date,
) -> NetworkGraph | None:
    """The nodes within `depth` relationships of the enterprise, at most `limit` of them."""
    roots = await read_records(driver, database, cypher.GRAPH_ROOT, {"uscc": uscc, "as_of": as_of})
    if not roots:
        return None
    root = GraphNode.model_validate(roots[0]["node"])
    nodes: dict[str, GraphNode] = {root.id: root}
    edges: dict[str, GraphEdge] = {}
    frontier = [root.id]
    truncated = False
    for _ in range(depth):
        if not frontier or truncated:
            break
        records = await read_records(
            driver,
            database,
            cypher.GRAPH_LEVEL,
            {"ids": frontier, "types": list(types), "as_of": as_of},
        )
        reached: list[str] = []
        for record in records:
            node = GraphNode.model_validate(record["node"])
            edge = GraphEdge.model_validate(record["edge"])
            if node.id not in nodes:
                if len(nodes) >= limit:
                    truncated = True
                    continue
                nodes[node.id] = node
                reached.append(node.id)
            edges[edge.id] = edge
        frontier = reached
    kept = tuple(e for e in edges.values() if e.source in nodes and e.target in nodes)
    return NetworkGraph(root, tuple(nodes.values()), kept, truncated)


async def shortest_paths(
    driver: AsyncDriver,
    database: str,
    source: str,
    target: str,
    *,
    max_hops: int,
    types: tuple[str, ...],
    limit: int,
    as_of: dt.date,
) -> list[tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]]]:
    records = await read_records(
        driver,
        database,
        cypher.SHORTEST_PATHS,
        {
            "from": source,
            "to": target,
            "max_hops": max_hops,
            "types": list(types),
            "limit": limit,
            "as_of": as_of,
        },
    )
    return [
        (
            tuple(GraphNode.model_validate(node) for node in record["nodes"]),
            tuple(GraphEdge.model_validate(edge) for edge in record["edges"]),
        )
        for record in records
    ]


async def upstream_holdings(
    driver: AsyncDriver, database: str, uscc: str, as_of: dt.date
) -> list[Holding]:
    """Every shareholding in force above the enterprise, a level at a time (cycles stop)."""
    holdings: list[Holding] = []
    seen = {uscc}
    frontier = [uscc]
    for _ in range(MAX_OWNERSHIP_LEVELS):
        if not frontier:
            break
        records = await read_records(
            driver, database, cypher.HOLDERS, {"usccs": frontier, "as_of": as_of}
        )
        frontier = []
        for record in records:
            # `Holding` is the pure ownership code's type (also built by the API): no ReadModel
            holdings.append(
                Holding(
                    holder=record["key"],
                    holder_label=record["label"],
                    holder_name=record["name"] or "",
                    held=record["held"],
                    ratio=float(record["ratio"] or 0),
                )
            )
            if record["label"] == "Enterprise" and record["key"] not in seen:
                seen.add(record["key"])
                frontier.append(record["key"])
    return holdings
