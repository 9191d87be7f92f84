"""The audit trail through the API: reads are recorded with who, why and which enterprises;
an enterprise reads its own access log; the whole log needs audit:read."""

from __future__ import annotations

import httpx
import pytest
from graph_kit import DATABASE, eventually, token_for
from neo4j import AsyncDriver
from test_enterprise_api import FOCUS, PARENT, build_graph

from auth.audit.chain import verify_chain

LOG = """query($n: Int) {
  myAccessLog(first: $n) { seq clientId kind operation enterprises purpose outcome } }"""


@pytest.fixture
async def zone(graph: AsyncDriver) -> AsyncDriver:
    await build_graph(graph)
    return graph


async def call(hub_url: str, token: str, query: str, purpose: str | None = None, **variables):
    headers = {"Authorization": f"Bearer {token}"}
    if purpose:
        headers["X-Purpose"] = purpose
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    return response.json()


async def test_a_read_is_in_the_enterprises_access_log(zone, hub_url):
    regulator = await token_for(hub_url, zone, "regulator")
    body = await call(
        hub_url,
        regulator,
        "query Profile($u: String!) { enterprise(uscc: $u) { name penalties { id } } }",
        purpose="annual risk review",
        u=FOCUS,
    )
    assert body["data"]["enterprise"]["name"]
    mine = await token_for(hub_url, zone, "enterprise", institution=FOCUS)

    async def logged():
        entries = (await call(hub_url, mine, LOG, n=10))["data"]["myAccessLog"]
        return [e for e in entries if e["kind"] == "regulator"]

    [entry] = await eventually(logged)
    assert entry["operation"] == "Profile"
    assert entry["enterprises"] == [FOCUS]
    assert entry["purpose"] == "annual risk review"
    assert entry["outcome"] == "ok"
    # another enterprise's log does not show it
    other = await token_for(hub_url, zone, "enterprise", institution=PARENT)
    theirs = (await call(hub_url, other, LOG, n=50))["data"]["myAccessLog"]
    assert all(FOCUS not in e["enterprises"] for e in theirs)
    assert (await verify_chain(zone, DATABASE)).ok


async def test_the_whole_log_needs_audit_read(zone, hub_url):
    customs = await token_for(hub_url, zone, "customs")
    body = await call(hub_url, customs, "{ auditLog { seq } }")
    assert body["data"]["auditLog"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "scopes": ["audit:read"],
        "reason": "missing_scope",
    }
    regulator = await token_for(hub_url, zone, "regulator")
    await call(hub_url, regulator, "query($u: String!) { enterprise(uscc: $u) { name } }", u=FOCUS)

    query = "{ auditLog(first: 20) { seq kind enterprises outcome } }"

    async def logged():
        entries = (await call(hub_url, regulator, query))["data"]["auditLog"]
        return entries if any(e["enterprises"] == [FOCUS] for e in entries) else None

    entries = await eventually(logged)
    assert entries, "the regulator's read was not recorded"
    # the refused attempt by customs was recorded too, as denied
    recorded = [{k: e[k] for k in ("kind", "enterprises", "outcome")} for e in entries]
    assert {"kind": "customs", "enterprises": [], "outcome": "denied"} in recorded
    assert [e["seq"] for e in entries] == sorted((e["seq"] for e in entries), reverse=True)
