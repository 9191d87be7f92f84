"""Every Cypher read of the network package, named and parameterised."""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import list_entry_in_force, tie_in_force

# What a node of the network shows, by label; an enterprise also its stored grade and whether
# an authoritative list entry is in force on $as_of.
_NODE = f"""{{id: elementId(m), label: labels(m)[0],
  key: coalesce(m.uscc, m.personKey, m.key, m.number, m.id),
  name: coalesce(m.name, m.text, m.number), zone: m.zone, status: m.status,
  grade: m.creditGrade, idMasked: m.idMasked,
  listed: CASE WHEN m:Enterprise THEN EXISTS {{
    MATCH (m)-[:LISTED]->(l:ListEntry)
    WHERE {list_entry_in_force("l", "$as_of")} }} ELSE null END}}"""

_EDGE = """{id: elementId(r), type: type(r), source: elementId(startNode(r)),
  target: elementId(endNode(r)), since: r.since, until: r.until, ratio: r.ratio, role: r.role}"""

GRAPH_ROOT: Final = f"""
MATCH (m:Enterprise {{uscc: $uscc}})
RETURN {_NODE} AS node
"""

# One level of the graph around a node set: every relationship of $types from each node of
# $ids to a network node (enterprise, person, address, phone, overseas warehouse).
GRAPH_LEVEL: Final = f"""
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
MATCH (n)-[r]-(m)
WHERE type(r) IN $types
  AND (m:Enterprise OR m:Person OR m:Address OR m:Phone OR m:OverseasWarehouse)
RETURN {_EDGE} AS edge, {_NODE} AS node
ORDER BY edge.id
"""

# The shortest paths between two enterprises over relationships of $types (the bound is the
# widest the API allows; $max_hops narrows it).
SHORTEST_PATHS: Final = f"""
MATCH (a:Enterprise {{uscc: $from}}), (b:Enterprise {{uscc: $to}})
MATCH p = ALL SHORTEST (a)-[rs WHERE type(rs) IN $types]-{{1,6}}(b)
WHERE length(p) <= $max_hops
WITH p LIMIT $limit
RETURN [m IN nodes(p) | {_NODE}] AS nodes, [r IN relationships(p) | {_EDGE}] AS edges
"""

# Who holds each enterprise of $usccs at $as_of (a tie's `until` is its last day).
HOLDERS: Final = f"""
UNWIND $usccs AS uscc
MATCH (:Enterprise {{uscc: uscc}})<-[r:SHAREHOLDER_OF]-(h)
WHERE {tie_in_force("r", "$as_of")}
RETURN uscc AS held, labels(h)[0] AS label, coalesce(h.uscc, h.personKey) AS key,
       h.name AS name, r.ratio AS ratio
"""
