"""The enterprise network for regulators: relationship graphs, paths, ultimate owners.

graph = await relationship_graph(driver, database, uscc, depth=2, types=TIE_TYPES, limit=500)
owners = effective_owners(target, holdings, threshold=0.25)  # pure, cycles handled
"""

from hub.network.ownership import Holding, Owner, effective_owners
from hub.network.reads import (
    TIE_TYPES,
    GraphEdge,
    GraphNode,
    NetworkGraph,
    relationship_graph,
    shortest_paths,
    upstream_holdings,
)

__all__ = [
    "TIE_TYPES",
    "GraphEdge",
    "GraphNode",
    "Holding",
    "NetworkGraph",
    "Owner",
    "effective_owners",
    "relationship_graph",
    "shortest_paths",
    "upstream_holdings",
]
