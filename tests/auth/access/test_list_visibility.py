"""Which list entries a caller sees is one answer on every path (issue 15): a bank or insurer
sees the same entries in `Enterprise.listEntries` as in `creditProfile.listEntries` (the
published lists, never SAFE class C), and a regulator sees the SAFE class C entry on both.
Through the real HTTP API of a served hub; the graph is `test_leaks`'s."""

from __future__ import annotations

import pytest
from graph_kit import token_for
from neo4j import AsyncDriver
from test_leaks import E1, ask, build, lender

LISTS = """query($u: String!) {
  enterprise(uscc: $u) { listEntries { id list } }
  creditProfile(uscc: $u) { listEntries { id list } }
}"""


@pytest.mark.parametrize("kind", ["bank", "insurer"])
async def test_a_lender_sees_the_same_list_entries_on_the_enterprise_and_its_rating(
    graph: AsyncDriver, hub_url: str, kind: str
) -> None:
    await build(graph)
    token = await lender(hub_url, graph, kind, ["enterprise:read", "credit:read"])
    body = await ask(hub_url, token, LISTS, u=E1)
    published = [{"id": "AB-1", "list": "ABNORMAL_OPERATION"}]
    assert body == {
        "data": {
            "enterprise": {"listEntries": published},
            "creditProfile": {"listEntries": published},
        }
    }


async def test_a_regulator_sees_the_safe_class_c_entry_on_both(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    token = await token_for(hub_url, graph, "regulator")
    body = await ask(hub_url, token, LISTS, u=E1)
    every = [
        {"id": "AB-1", "list": "ABNORMAL_OPERATION"},
        {"id": "SAFE-C-1", "list": "SAFE_CLASS_C"},
    ]
    assert "errors" not in body, body
    assert sorted(body["data"]["enterprise"]["listEntries"], key=lambda e: e["id"]) == every
    assert sorted(body["data"]["creditProfile"]["listEntries"], key=lambda e: e["id"]) == every
