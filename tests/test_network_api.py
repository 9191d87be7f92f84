"""relationshipGraph, paths and ultimateOwners through the API, on hand-built graphs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from auth.policy import mask_person_name
from graph_schema.uscc import make_uscc
from hub.network import Holding, effective_owners


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"NW{i:06d}")


# E0 and E1 share their legal representative Wang; E0 and E2 share an address; E2 is on the
# serious dishonesty list with a stored grade D; E3 is alone.
NETWORK = """
UNWIND range(0, 3) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'E' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $u[0]}), (e1:Enterprise {uscc: $u[1]}), (e2:Enterprise {uscc: $u[2]})
CREATE (wang:Person {personKey: 'wang', name: 'Wang Wei', idMasked: '4101**********4426'})
CREATE (a:Address {key: 'no 1 road', text: 'No. 1 Road'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2021-01-01')}]->(e1),
       (e0)-[:REGISTERED_AT {since: date('2020-01-01')}]->(a),
       (e2)-[:REGISTERED_AT {since: date('2020-01-01')}]->(a)
SET e2.creditGrade = 'D'
CREATE (e2)-[:LISTED]->(:ListEntry {id: 'L1', list: 'SERIOUS_DISHONESTY', department: 'SAMR',
        listedOn: date('2025-01-01')})
"""

GRAPH = """query($u: String!, $d: Int!, $t: [String!], $n: Int!) {
  relationshipGraph(uscc: $u, depth: $d, relationTypes: $t, limit: $n) {
    truncated root { key }
    nodes { id label key name grade listed }
    edges { type source target since }
  }
}"""


async def build(driver: AsyncDriver) -> None:
    await driver.execute_query(NETWORK, u=[u(i) for i in range(4)], database_=DATABASE)


def keys(graph: dict[str, Any]) -> list[str]:
    return sorted(node["key"] for node in graph["nodes"])


async def test_the_graph_grows_by_depth_and_filters_by_relation_type(graph, gql) -> None:
    await build(graph)
    one = (await gql(GRAPH, u=u(0), d=1, t=None, n=500))["data"]["relationshipGraph"]
    assert keys(one) == sorted([u(0), "wang", "no 1 road"]) and not one["truncated"]
    two = (await gql(GRAPH, u=u(0), d=2, t=None, n=500))["data"]["relationshipGraph"]
    assert keys(two) == sorted([u(0), u(1), u(2), "wang", "no 1 road"])
    assert len(two["edges"]) == 4
    by_key = {node["key"]: node for node in two["nodes"]}
    assert (by_key[u(2)]["grade"], by_key[u(2)]["listed"]) == ("D", True)
    assert by_key[u(1)]["listed"] is False and by_key["wang"]["listed"] is None
    assert by_key["wang"]["name"] == "Wang Wei"  # a regulator holds pii:read
    ids = {node["id"] for node in two["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in two["edges"])

    address_only = await gql(GRAPH, u=u(0), d=2, t=["REGISTERED_AT"], n=500)
    assert keys(address_only["data"]["relationshipGraph"]) == sorted([u(0), u(2), "no 1 road"])


async def test_the_node_limit_truncates_and_keeps_only_edges_between_kept_nodes(graph, gql) -> None:
    await build(graph)
    cut = (await gql(GRAPH, u=u(0), d=2, t=None, n=3))["data"]["relationshipGraph"]
    assert cut["truncated"] and len(cut["nodes"]) == 3
    ids = {node["id"] for node in cut["nodes"]}
    assert len(cut["edges"]) == 2
    assert all(e["source"] in ids and e["target"] in ids for e in cut["edges"])


async def test_limits_and_unknown_relation_types_are_named(graph, gql) -> None:
    await build(graph)
    deep = await gql(GRAPH, u=u(0), d=4, t=None, n=500)
    assert deep["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "depth must be between 1 and 3, got 4" in deep["errors"][0]["message"]
    odd = await gql(GRAPH, u=u(0), d=1, t=["FRIEND_OF"], n=500)
    assert "FRIEND_OF" in odd["errors"][0]["message"]
    assert "REGISTERED_AT" in odd["errors"][0]["message"]


async def test_a_caller_without_pii_sees_masked_person_names(graph, hub_url) -> None:
    await build(graph)
    token = await token_for(hub_url, graph, "regulator", scopes=["enterprise:read", "graph:read"])
    async with httpx.AsyncClient(base_url=hub_url) as client:
        body = (
            await client.post(
                "/graphql",
                json={"query": GRAPH, "variables": {"u": u(0), "d": 1, "t": None, "n": 50}},
                headers={"Authorization": f"Bearer {token}"},
            )
        ).json()
    names = {n["key"]: n["name"] for n in body["data"]["relationshipGraph"]["nodes"]}
    assert names["wang"] == mask_person_name("Wang Wei") != "Wang Wei"


PATHS = """query($a: String!, $b: String!, $h: Int!) {
  paths(from: $a, to: $b, maxHops: $h) { nodes { key } edges { type } }
}"""


async def test_shortest_paths_between_two_enterprises(graph, gql) -> None:
    await build(graph)
    found = (await gql(PATHS, a=u(1), b=u(2), h=6))["data"]["paths"]
    assert [[n["key"] for n in p["nodes"]] for p in found] == [
        [u(1), "wang", u(0), "no 1 road", u(2)]
    ]
    assert [e["type"] for e in found[0]["edges"]] == [
        "LEGAL_REPRESENTATIVE_OF",
        "LEGAL_REPRESENTATIVE_OF",
        "REGISTERED_AT",
        "REGISTERED_AT",
    ]
    assert (await gql(PATHS, a=u(1), b=u(2), h=3))["data"]["paths"] == []
    assert (await gql(PATHS, a=u(0), b=u(3), h=6))["data"]["paths"] == []


# P holds 80% of H1, H1 60% of H2, H2 70% of T: P's effective share is 0.8 x 0.6 x 0.7.
CHAIN = """
UNWIND range(0, 3) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'C' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (t:Enterprise {uscc: $u[0]}), (h2:Enterprise {uscc: $u[1]}), (h1:Enterprise {uscc: $u[2]})
CREATE (p:Person {personKey: 'p', name: 'Zhou Min'})
CREATE (p)-[:SHAREHOLDER_OF {ratio: 0.8, since: date('2020-01-01')}]->(h1),
       (h1)-[:SHAREHOLDER_OF {ratio: 0.6, since: date('2020-01-01')}]->(h2),
       (h2)-[:SHAREHOLDER_OF {ratio: 0.7, since: date('2020-01-01')}]->(t)
"""

OWNERS = """query($u: String!, $t: Float!) {
  ultimateOwners(uscc: $u, threshold: $t) { key label share ultimate chains { holder held ratio } }
}"""


async def test_ultimate_owners_through_a_three_level_chain(graph, gql) -> None:
    await graph.execute_query(CHAIN, u=[u(i) for i in range(4)], database_=DATABASE)
    owners = (await gql(OWNERS, u=u(0), t=0.25))["data"]["ultimateOwners"]
    assert [(o["key"], o["share"], o["ultimate"]) for o in owners] == [
        (u(1), pytest.approx(0.7), False),
        (u(2), pytest.approx(0.6 * 0.7), False),
        ("p", pytest.approx(0.8 * 0.6 * 0.7), True),
    ]
    assert owners[2]["chains"] == [
        [
            {"holder": "p", "held": u(2), "ratio": 0.8},
            {"holder": u(2), "held": u(1), "ratio": 0.6},
            {"holder": u(1), "held": u(0), "ratio": 0.7},
        ]
    ]
    assert [o["key"] for o in (await gql(OWNERS, u=u(0), t=0.5))["data"]["ultimateOwners"]] == [
        u(1)
    ]


def test_effective_shares_through_a_cycle() -> None:
    # A holds 60% of T; A is held 50% by B and 50% by Q; B is held 40% by A (a cycle) and
    # 60% by P. share(A) = 0.6 + 0.4 share(B), share(B) = 0.5 share(A): share(A) = 0.75,
    # share(B) = 0.375, Q = 0.5 x 0.75 = 0.375, P = 0.6 x 0.375 = 0.225.
    holdings = [
        Holding("A", "Enterprise", "A", "T", 0.6),
        Holding("B", "Enterprise", "B", "A", 0.5),
        Holding("Q", "Person", "Q", "A", 0.5),
        Holding("A", "Enterprise", "A", "B", 0.4),
        Holding("P", "Person", "P", "B", 0.6),
    ]
    owners = {o.key: o for o in effective_owners("T", holdings, threshold=0.2)}
    assert owners["A"].share == pytest.approx(0.75)
    assert owners["B"].share == pytest.approx(0.375)
    assert owners["Q"].share == pytest.approx(0.375) and owners["Q"].ultimate
    assert owners["P"].share == pytest.approx(0.225) and owners["P"].ultimate
    assert not owners["A"].ultimate
    # simple chains only: P -> B -> A -> T, never round the cycle
    assert [[h.held for h in c] for c in owners["P"].chains] == [["B", "A", "T"]]
    assert "P" not in {o.key for o in effective_owners("T", holdings, threshold=0.25)}
