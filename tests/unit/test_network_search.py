"""The network search's breadth-first step, and the network as stored for re-use; no database.

`hub.credit.gather.nearest_listed` follows only the edges to enterprises that can still reach
a listed one in the hops left. Here it is held, on drawn neighbourhoods (several ties to one
neighbour, through persons, addresses or directly; enterprises whose edges were not read;
listed enterprises anywhere, the searched ones too), to the plain breadth-first search that
follows every edge: the same listed enterprises at the same hops by the same paths.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.credit.facts import NetworkLink, PathStep
from hub.credit.gather import Edge, nearest_listed
from hub.credit.rating_store import network_links_from_json, network_links_json

NODES = [f"E{i}" for i in range(9)]
MIDS = [None, PathStep("Person", "p1"), PathStep("Person", "p2"), PathStep("Address", "a1")]
RELS: dict[str | None, list[tuple[str, ...]]] = {
    None: [("SHAREHOLDER_OF",)],
    "Person": [
        ("LEGAL_REPRESENTATIVE_OF", "OFFICER_OF"),
        ("OFFICER_OF", "LEGAL_REPRESENTATIVE_OF"),
        ("SHAREHOLDER_OF", "SHAREHOLDER_OF"),
    ],
    "Address": [("REGISTERED_AT", "REGISTERED_AT")],
}


@st.composite
def neighbourhoods(
    draw: st.DrawFn,
) -> tuple[list[str], dict[str, list[Edge]], dict[str, list[dict[str, str]]], int]:
    # whose edges were read: most, as in a search's neighbourhood
    read = draw(st.lists(st.sampled_from(NODES), min_size=len(NODES) - 3, unique=True))
    edges: dict[str, list[Edge]] = {}
    for node in read:
        out = []
        for _ in range(draw(st.integers(0, 3))):
            mid = draw(st.sampled_from(MIDS))
            rels = draw(st.sampled_from(RELS[mid.label if mid else None]))
            nxt = draw(st.sampled_from([n for n in NODES if n != node]))
            out.append(Edge(nxt, rels, mid))
        edges[node] = out
    listed = draw(st.lists(st.sampled_from(NODES), min_size=1, max_size=3, unique=True))
    entries = {
        node: [{"id": f"L-{node}-{k}", "list": "ABNORMAL_OPERATION"} for k in range(1 + i % 2)]
        for i, node in enumerate(listed)
    }
    sources = draw(st.lists(st.sampled_from(NODES), min_size=1, unique=True))
    return sources, edges, entries, draw(st.integers(1, 4))


def every_edge_search(
    sources: list[str],
    edges: dict[str, list[Edge]],
    entries: dict[str, list[dict[str, str]]],
    max_hops: int,
) -> dict[str, list[NetworkLink]]:
    """The search as it was before it pruned: breadth first over every edge in key order."""
    ordered = {
        u: sorted(out, key=lambda e: (e.next, e.mid.key if e.mid else "", e.rels))
        for u, out in edges.items()
    }
    found: dict[str, list[NetworkLink]] = {}
    for source in sources:
        parent: dict[str, tuple[str, Edge] | None] = {source: None}
        level, links = [source], []
        for hops in range(1, max_hops + 1):
            reached = []
            for node in level:
                for edge in ordered.get(node, ()):
                    if edge.next not in parent:
                        parent[edge.next] = (node, edge)
                        reached.append(edge.next)
            for node in reached:
                if node in entries:
                    steps = [PathStep("Enterprise", node)]
                    at = node
                    while (link := parent[at]) is not None:
                        before, edge = link
                        if edge.mid is not None:
                            steps.append(PathStep(edge.mid.label, edge.mid.key, edge.rels[1]))
                        steps.append(PathStep("Enterprise", before, edge.rels[0]))
                        at = before
                    ids = sorted(e["id"] for e in entries[node])
                    lists = tuple(sorted({e["list"] for e in entries[node]}))
                    path = tuple(reversed(steps))
                    links.append(NetworkLink(node, hops, path, tuple(ids), lists))
            level = reached
        found[source] = links
    return found


@settings(max_examples=300)
@given(neighbourhoods())
def test_the_pruned_search_finds_what_the_search_of_every_edge_finds(
    drawn: tuple[list[str], dict[str, list[Edge]], dict[str, list[dict[str, str]]], int],
) -> None:
    sources, edges, entries, max_hops = drawn
    assert nearest_listed(sources, edges, entries, max_hops) == every_edge_search(
        sources, edges, entries, max_hops
    )


def test_a_listed_enterprise_past_a_dead_end_is_found_at_its_fewest_hops() -> None:
    # E0 - E1 (a dead end, first in key order) and E0 - E2 - E3 (listed): E3 at 2 hops via E2
    edges = {
        "E0": [Edge("E1", ("SHAREHOLDER_OF",), None), Edge("E2", ("SHAREHOLDER_OF",), None)],
        "E1": [],
        "E2": [Edge("E3", ("REGISTERED_AT", "REGISTERED_AT"), PathStep("Address", "a1"))],
    }
    entries = {"E3": [{"id": "L3", "list": "ABNORMAL_OPERATION"}]}
    [link] = nearest_listed(["E0"], edges, entries, 3)["E0"]
    assert (link.uscc, link.hops, link.entry_ids) == ("E3", 2, ("L3",))
    assert [(s.label, s.key, s.relationship) for s in link.path] == [
        ("Enterprise", "E0", "SHAREHOLDER_OF"),
        ("Enterprise", "E2", "REGISTERED_AT"),
        ("Address", "a1", "REGISTERED_AT"),
        ("Enterprise", "E3", None),
    ]
    assert nearest_listed(["E0"], edges, entries, 2)["E0"] == [link]  # the last hop counts
    assert nearest_listed(["E0"], edges, entries, 1) == {"E0": []}


@given(neighbourhoods())
def test_a_stored_network_reads_back_as_it_was(
    drawn: tuple[list[str], dict[str, list[Edge]], dict[str, list[dict[str, str]]], int],
) -> None:
    for links in nearest_listed(*drawn).values():
        text = network_links_json(links)
        assert network_links_from_json(text) == links
        assert network_links_json(network_links_from_json(text)) == text
