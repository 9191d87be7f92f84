"""Reads of the network: the graph around an enterprise, paths, and upstream shareholdings.

The graph is read a level at a time (one query per level for the whole frontier) and cut at
`limit` nodes, nearest levels first; only edges between kept nodes are returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncDriver

from hub.network import cypher
from hub.network.ownership import Holding
from hub.repository import read_rows

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


@dataclass(frozen=True)
class GraphNode:
    id: str
    label: str
    key: str | None
    name: str | None
    zone: str | None = None
    status: str | None = None
    grade: str | None = None
    listed: bool | None = None
    id_masked: str | None = None


@dataclass(frozen=True)
class GraphEdge:
    id: str
    type: str
    source: str
    target: str
    since: dt.date | None = None
    until: dt.date | None = None
    ratio: float | None = None
    role: str | None = None


@dataclass(frozen=True)
class NetworkGraph:
    root: GraphNode
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    truncated: bool


def _node(row: dict[str, Any]) -> GraphNode:
    return GraphNode(
        id=row["id"],
        label=row["label"],
        key=row.get("key"),
        name=row.get("name"),
        zone=row.get("zone"),
        status=row.get("status"),
        grade=row.get("grade"),
        listed=row.get("listed"),
        id_masked=row.get("idMasked"),
    )


def _edge(row: dict[str, Any]) -> GraphEdge:
    return GraphEdge(
        id=row["id"],
        type=row["type"],
        source=row["source"],
        target=row["target"],
        since=row.get("since"),
        until=row.get("until"),
        ratio=row.get("ratio"),
        role=row.get("role"),
    )


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
    roots = await read_rows(driver, database, cypher.GRAPH_ROOT, {"uscc": uscc, "as_of": as_of})
    if not roots:
        return None
    root = _node(roots[0]["node"])
    nodes: dict[str, GraphNode] = {root.id: root}
    edges: dict[str, GraphEdge] = {}
    frontier = [root.id]
    truncated = False
    for _ in range(depth):
        if not frontier or truncated:
            break
        rows = await read_rows(
            driver,
            database,
            cypher.GRAPH_LEVEL,
            {"ids": frontier, "types": list(types), "as_of": as_of},
        )
        reached: list[str] = []
        for row in rows:
            node, edge = _node(row["node"]), _edge(row["edge"])
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
    rows = await read_rows(
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
        (tuple(_node(n) for n in row["nodes"]), tuple(_edge(e) for e in row["edges"]))
        for row in rows
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
        rows = await read_rows(
            driver, database, cypher.HOLDERS, {"usccs": frontier, "as_of": as_of}
        )
        frontier = []
        for row in rows:
            holdings.append(
                Holding(
                    holder=row["key"],
                    holder_label=row["label"],
                    holder_name=row.get("name") or "",
                    held=row["held"],
                    ratio=float(row["ratio"] or 0),
                )
            )
            if row["label"] == "Enterprise" and row["key"] not in seen:
                seen.add(row["key"])
                frontier.append(row["key"])
    return holdings
