"""The audit trail in the API names the person (issue 21): an officer signed in to the console
reads an enterprise, and `auditLog` (regulators, operators) says which person it was; a
client's own read (client credentials) names nobody; the enterprise's `myAccessLog` names the
institution and kind, never the officer (their name is their personal data)."""

from __future__ import annotations

from typing import Any

import httpx
from graph_kit import eventually, token_for
from neo4j import AsyncDriver
from test_enterprise_api import FOCUS, build_graph
from test_people_sign_in import Console, console, person

__all__ = ["console"]  # the fixture, imported to be found

LOOK = "query {op}($u: String!) {{ enterprise(uscc: $u) {{ name }} }}"
AUDIT_LOG = """query($f: AuditFilter) { auditLog(filter: $f, first: 50) {
  operation clientId kind institution enterprises person { id name } } }"""
MY_LOG = "{ myAccessLog(first: 50) { operation kind institution } }"
MY_LOG_PERSON = "{ myAccessLog(first: 50) { operation person { id name } } }"


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    answer: dict[str, Any] = response.json()
    return answer


async def both_read(graph: AsyncDriver, console: Console, hub_url: str) -> None:
    """Li Wei of Zhengzhou customs reads FOCUS signed in; a customs client reads it too."""
    await build_graph(graph)
    await person(graph)  # li.wei, 李伟, customs at zhengzhou-customs
    officer = (await console.sign_in("li.wei"))["access_token"]
    client = await token_for(hub_url, graph, "customs", institution="zhengzhou-customs")
    for token, op in ((officer, "OfficerLook"), (client, "ClientLook")):
        read = await ask(hub_url, token, LOOK.format(op=op), u=FOCUS)
        assert read["data"]["enterprise"]["name"], read


async def test_the_audit_log_names_the_officer_and_not_a_client(
    graph: AsyncDriver, console: Console, hub_url: str
) -> None:
    await both_read(graph, console, hub_url)
    regulator = await token_for(hub_url, graph, "regulator")

    async def reads() -> list[dict[str, Any]]:
        answer = await ask(hub_url, regulator, AUDIT_LOG, f={"uscc": FOCUS})
        entries: list[dict[str, Any]] = answer["data"]["auditLog"]
        return entries if len(entries) == 2 else []

    entries = await eventually(reads)
    assert entries == [
        {
            "operation": "ClientLook",
            "clientId": entries[0]["clientId"],  # a generated id
            "kind": "customs",
            "institution": "zhengzhou-customs",
            "enterprises": [FOCUS],
            "person": None,
        },
        {
            "operation": "OfficerLook",
            "clientId": "hub-console",
            "kind": "customs",
            "institution": "zhengzhou-customs",
            "enterprises": [FOCUS],
            "person": {"id": "local:li.wei", "name": "李伟"},
        },
    ]
    assert entries[0]["clientId"] != "hub-console"

    # filtered by person: only Li Wei's read; someone else's filter finds none
    mine = await ask(hub_url, regulator, AUDIT_LOG, f={"person": "local:li.wei"})
    assert [(e["operation"], e["person"]) for e in mine["data"]["auditLog"]] == [
        ("OfficerLook", {"id": "local:li.wei", "name": "李伟"})
    ]
    nobody = await ask(hub_url, regulator, AUDIT_LOG, f={"person": "local:nobody"})
    assert nobody == {"data": {"auditLog": []}}


async def test_the_enterprise_sees_the_institution_but_not_the_officer(
    graph: AsyncDriver, console: Console, hub_url: str
) -> None:
    await both_read(graph, console, hub_url)
    own = await token_for(hub_url, graph, "enterprise", institution=FOCUS)

    async def reads() -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = (await ask(hub_url, own, MY_LOG))["data"]["myAccessLog"]
        looks = [e for e in entries if e["operation"].endswith("Look")]
        return looks if len(looks) == 2 else []

    assert await eventually(reads) == [
        {"operation": "ClientLook", "kind": "customs", "institution": "zhengzhou-customs"},
        {"operation": "OfficerLook", "kind": "customs", "institution": "zhengzhou-customs"},
    ]
    # asking for the officer is refused: the person needs audit:read, an enterprise has not
    refused = await ask(hub_url, own, MY_LOG_PERSON)
    errors = refused["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"FORBIDDEN"}
    assert {tuple(e["path"][-1:]) for e in errors} == {("person",)}
    looks = [e for e in refused["data"]["myAccessLog"] if e["operation"].endswith("Look")]
    assert looks == [
        {"operation": "ClientLook", "person": None},
        {"operation": "OfficerLook", "person": None},
    ]
