"""Issue 13's leaks, each through the real HTTP API (or websocket) of a served hub, each refusal
beside its allowed twin. The expected answers are written out here, not asked of the policy.

The graph: E1 (the subject) is classified SAFE class C, is on the SAFE class C list (not
published) and on the abnormal-operation list (published); its legal representative Wang also
represents E0, which is on the serious dishonesty list, so E1's rating carries a network factor
one hop away through a person.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest
import websockets
from graph_kit import DATABASE, eventually, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

E0, E1 = (make_uscc("9", "1", "410200", f"LK{i:06d}") for i in (0, 1))
BANK = "bank-a"
WANG_KEY = "wang-key"

GRAPH = """
UNWIND [[$e0, 'Listed Co.'], [$e1, 'Subject Co.']] AS e
CREATE (:Enterprise {uscc: e[0], name: e[1], zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $e0}), (e1:Enterprise {uscc: $e1})
CREATE (wang:Person {personKey: $wang, name: 'Wang Wei'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2021-01-01')}]->(e1)
CREATE (e0)-[:LISTED]->(:ListEntry {id: 'SD-0', list: 'SERIOUS_DISHONESTY',
        department: 'SAMR', listedOn: date('2025-03-01'), expiresOn: date('2029-03-01')})
CREATE (e1)-[:LISTED]->(:ListEntry {id: 'SAFE-C-1', list: 'SAFE_CLASS_C',
        department: 'SAFE', listedOn: date('2025-06-01'), expiresOn: date('2028-06-01')})
CREATE (e1)-[:LISTED]->(:ListEntry {id: 'AB-1', list: 'ABNORMAL_OPERATION',
        department: 'SAMR', listedOn: date('2025-06-01')})
CREATE (e1)-[:CLASSIFIED]->(:Classification {id: 'CL-SAFE-1', department: 'SAFE',
        scheme: 'SAFE_GOODS_TRADE', value: 'C', effectiveFrom: date('2025-01-01')})
"""

GRANT = """mutation($i: String!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s, expiresAt: $x) { id }
}"""

CONSENTED_FIELDS = "uscc classifications { value } listEntries { id list }"
THROUGH_ENTERPRISE = f"query($u: String!) {{ enterprise(uscc: $u) {{ {CONSENTED_FIELDS} }} }}"
THROUGH_PAGE = f"{{ enterprises(first: 10) {{ edges {{ node {{ {CONSENTED_FIELDS} }} }} }} }}"
THROUGH_ENTITIES = f"""query($r: [_Any!]!) {{
  _entities(representations: $r) {{ ... on Enterprise {{ {CONSENTED_FIELDS} }} }}
}}"""
FACTORS = """query($u: String!) { creditProfile(uscc: $u) {
  factors { code points reason evidence paths { label key relationship } } } }"""
PERSON_KEYS = """query($u: String!) { creditProfile(uscc: $u) {
  factors { code paths { label personKey } } } }"""


async def build(driver: AsyncDriver) -> None:
    await driver.execute_query(GRAPH, e0=E0, e1=E1, wang=WANG_KEY, database_=DATABASE)


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def in_a_month() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).isoformat()


async def lender(hub_url: str, graph: AsyncDriver, kind: str, scopes: list[str]) -> str:
    """A bank's or insurer's token, E1 having consented to it for `scopes`."""
    token = await token_for(hub_url, graph, kind, institution=BANK)
    own = await token_for(hub_url, graph, "enterprise", institution=E1)
    granted = await ask(hub_url, own, GRANT, i=BANK, s=scopes, x=in_a_month())
    assert "errors" not in granted, granted
    return token


def forbidden(body: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (".".join(str(p) for p in e["path"]), e["extensions"]["reason"]) for e in body["errors"]
    )


@pytest.mark.parametrize("kind", ["bank", "insurer"])
async def test_a_consent_without_credit_read_shows_no_credit_data_on_any_path(
    graph: AsyncDriver, hub_url: str, kind: str
) -> None:
    await build(graph)
    token = await lender(hub_url, graph, kind, ["enterprise:read"])

    one = await ask(hub_url, token, THROUGH_ENTERPRISE, u=E1)
    assert one["data"] == {"enterprise": {"uscc": E1, "classifications": None, "listEntries": None}}
    assert forbidden(one) == [
        ("enterprise.classifications", "no_consent"),
        ("enterprise.listEntries", "no_consent"),
    ]
    assert one["errors"][0]["message"] == (
        "Enterprise.classifications needs a consent of this enterprise covering credit:read"
    )

    page = await ask(hub_url, token, THROUGH_PAGE)
    assert page["data"]["enterprises"]["edges"] == [
        {"node": {"uscc": E1, "classifications": None, "listEntries": None}}
    ]
    entities = await ask(
        hub_url, token, THROUGH_ENTITIES, r=[{"__typename": "Enterprise", "uscc": E1}]
    )
    assert entities["data"]["_entities"] == [
        {"uscc": E1, "classifications": None, "listEntries": None}
    ]
    profile = await ask(
        hub_url, token, "query($u: String!) { creditProfile(uscc: $u) { grade } }", u=E1
    )
    assert profile["data"] == {"creditProfile": None}


@pytest.mark.parametrize("kind", ["bank", "insurer"])
async def test_a_consent_covering_credit_read_shows_them_but_no_unpublished_list(
    graph: AsyncDriver, hub_url: str, kind: str
) -> None:
    await build(graph)
    token = await lender(hub_url, graph, kind, ["enterprise:read", "credit:read"])
    expected = {
        "uscc": E1,
        "classifications": [{"value": "C"}],
        # SAFE class C is a supervisory classification, not a published list
        "listEntries": [{"id": "AB-1", "list": "ABNORMAL_OPERATION"}],
    }
    one = await ask(hub_url, token, THROUGH_ENTERPRISE, u=E1)
    assert one == {"data": {"enterprise": expected}}
    page = await ask(hub_url, token, THROUGH_PAGE)
    assert page == {"data": {"enterprises": {"edges": [{"node": expected}]}}}
    entities = await ask(
        hub_url, token, THROUGH_ENTITIES, r=[{"__typename": "Enterprise", "uscc": E1}]
    )
    assert entities == {"data": {"_entities": [expected]}}


async def test_a_supervisor_sees_the_unpublished_list_entry(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    one = await ask(hub_url, customs, THROUGH_ENTERPRISE, u=E1)
    entries = sorted(e["id"] for e in one["data"]["enterprise"]["listEntries"])
    assert entries == ["AB-1", "SAFE-C-1"]


@pytest.mark.parametrize("kind", ["customs", "tax", "safe", "commerce", "samr"])
async def test_a_person_on_a_rating_path_is_no_key_without_pii_or_graph_read(
    graph: AsyncDriver, hub_url: str, kind: str
) -> None:
    await build(graph)
    token = await token_for(hub_url, graph, kind)
    body = await ask(hub_url, token, FACTORS, u=E1)
    [network] = [f for f in body["data"]["creditProfile"]["factors"] if f["code"] == "NETWORK_RISK"]
    assert network["paths"] == [
        [
            {"label": "Enterprise", "key": E1, "relationship": "LEGAL_REPRESENTATIVE_OF"},
            {"label": "Person", "key": None, "relationship": "LEGAL_REPRESENTATIVE_OF"},
            {"label": "Enterprise", "key": E0, "relationship": None},
        ]
    ]
    keys = await ask(hub_url, token, PERSON_KEYS, u=E1)
    # factors: SAFE_C, LIST_SAFE_CLASS_C, LIST_ABNORMAL_OPERATION, NETWORK_RISK
    assert forbidden(keys) == [
        (f"creditProfile.factors.3.paths.0.{step}.personKey", "missing_scope") for step in range(3)
    ]
    assert WANG_KEY not in json.dumps(keys)


async def test_a_regulator_sees_the_person_key_on_the_path(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    token = await token_for(hub_url, graph, "regulator")
    body = await ask(hub_url, token, PERSON_KEYS, u=E1)
    assert "errors" not in body
    [network] = [f for f in body["data"]["creditProfile"]["factors"] if f["code"] == "NETWORK_RISK"]
    assert network["paths"] == [
        [
            {"label": "Enterprise", "personKey": None},
            {"label": "Person", "personKey": WANG_KEY},
            {"label": "Enterprise", "personKey": None},
        ]
    ]


async def test_an_enterprise_sees_how_far_its_listed_relation_is_not_who(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=E1)
    body = await ask(hub_url, own, FACTORS, u=E1)
    [network] = [f for f in body["data"]["creditProfile"]["factors"] if f["code"] == "NETWORK_RISK"]
    assert network == {
        "code": "NETWORK_RISK",
        "points": -12,
        "reason": "a related enterprise on a list the rating counts is 1 hop away",
        "evidence": [],
        "paths": [],
    }
    text = json.dumps(body)
    assert E0 not in text and "SD-0" not in text
    # and it may not read that enterprise itself
    other = await ask(hub_url, own, "query($u: String!) { enterprise(uscc: $u) { name } }", u=E0)
    assert other == {"data": {"enterprise": None}}


async def test_a_supervisor_sees_whom_the_network_factor_points_at(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    body = await ask(hub_url, customs, FACTORS, u=E1)
    [network] = [f for f in body["data"]["creditProfile"]["factors"] if f["code"] == "NETWORK_RISK"]
    assert network["reason"] == (
        f"{E0} on the SERIOUS_DISHONESTY list is 1 hop away via LEGAL_REPRESENTATIVE_OF"
    )
    assert network["evidence"] == ["SD-0"]


async def subscribe(hub_url: str, token: str, query: str, *, refused: bool) -> list[str]:
    """Open a graphql-transport-ws subscription, then ping twice: the messages received up
    to the second pong and, when `refused`, up to the subscription's `complete`."""
    url = hub_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await ws.send(json.dumps({"type": "ping"}))
        await ws.send(json.dumps({"type": "ping"}))
        seen: list[str] = []
        while seen.count("pong") < 2 or (refused and "complete" not in seen):
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            seen.append(message["type"])
            payload = message.get("payload") or {}
            errors = payload if message["type"] == "error" else payload.get("errors", [])
            seen += [f"{e['extensions']['code']}: {e['message']}" for e in errors]
        return [m for m in seen if m != "pong"]


async def audited_reads(graph: AsyncDriver) -> int:
    records, _, _ = await graph.execute_query(
        "MATCH (a:AuditRecord) RETURN count(a) AS n", database_=DATABASE
    )
    return int(records[0]["n"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "subscription { ratingChanged { uscc grade } }",
            "Subscription.ratingChanged is not available to public clients",
        ),
        (
            "subscription { listStatusChanged { uscc lists } }",
            "Subscription.listStatusChanged is not available to public clients",
        ),
    ],
)
async def test_a_public_client_cannot_open_a_subscription(
    graph: AsyncDriver, hub_url: str, query: str, message: str
) -> None:
    await build(graph)
    public = await token_for(hub_url, graph, "public")
    before = await audited_reads(graph)
    # refused when it starts, before any change: an execution error, then complete
    assert await subscribe(hub_url, public, query, refused=True) == [
        "next",
        f"FORBIDDEN: {message}",
        "complete",
    ]
    assert await audited_reads(graph) == before  # nothing read, nothing audited as a read


async def test_a_regulator_may_open_a_subscription(graph: AsyncDriver, hub_url: str) -> None:
    # Its deliveries are tested in tests/auth/consent/test_watching.py; here: no refusal.
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    query = "subscription { ratingChanged { uscc } }"
    assert await subscribe(hub_url, regulator, query, refused=False) == []


FINANCING_CREDIT = """query($u: String!) {
  financingProfile(uscc: $u) { uscc grade score factorSummary } }"""


async def test_a_financing_consent_without_credit_read_shows_no_grade(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    token = await lender(hub_url, graph, "bank", ["enterprise:read", "financing:read"])
    body = await ask(hub_url, token, FINANCING_CREDIT, u=E1)
    assert body["data"] == {
        "financingProfile": {"uscc": E1, "grade": None, "score": None, "factorSummary": None}
    }
    assert forbidden(body) == [
        ("financingProfile.factorSummary", "missing_scope"),
        ("financingProfile.grade", "no_consent"),
        ("financingProfile.score", "no_consent"),
    ]


async def test_with_credit_read_too_the_financing_profile_shows_the_grade_not_the_factors(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    scopes = ["enterprise:read", "financing:read", "credit:read"]
    token = await lender(hub_url, graph, "bank", scopes)
    body = await ask(hub_url, token, FINANCING_CREDIT, u=E1)
    profile = body["data"]["financingProfile"]
    # the factors name SAFE class C, which a bank may not learn: explanation is credit:explain
    assert profile["factorSummary"] is None
    assert forbidden(body) == [("financingProfile.factorSummary", "missing_scope")]
    # 80 base, SAFE class C -15, on SAFE_CLASS_C -5 and ABNORMAL_OPERATION -10, network -12
    assert (profile["grade"], profile["score"]) == ("D", 38)


async def test_the_enterprise_a_network_factor_names_sees_the_read(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    named = await token_for(hub_url, graph, "enterprise", institution=E0)
    log = "{ myAccessLog(first: 20) { operation enterprises fields } }"
    query = "query %s($u: String!) { creditProfile(uscc: $u) { factors { code %s } } }"
    await ask(hub_url, customs, query % ("CodesOnly", ""), u=E1)  # names no other enterprise
    await ask(hub_url, customs, query % ("WithPaths", "paths { key }"), u=E1)

    # CodesOnly was written first: absent once WithPaths is there, it was never recorded for E0
    async def seen() -> list[dict[str, Any]]:
        entries = (await ask(hub_url, named, log))["data"]["myAccessLog"]
        return [e for e in entries if e["operation"] in {"CodesOnly", "WithPaths"}]

    assert await eventually(seen, timeout_s=30) == [
        {
            "operation": "WithPaths",
            "enterprises": [E0],  # its own log names only itself
            "fields": ["creditProfile.factors"],
        }
    ]


async def test_a_revoked_consent_ends_a_banks_reads_on_an_open_socket(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    token = await token_for(hub_url, graph, "bank", institution=BANK)
    own = await token_for(hub_url, graph, "enterprise", institution=E1)
    # one consent admits the enterprise, another lets the bank read its credit data
    for scopes in (["enterprise:read"], ["credit:read"]):
        granted = await ask(hub_url, own, GRANT, i=BANK, s=scopes, x=in_a_month())
    credit_consent = granted["data"]["grantConsent"]["id"]
    query = f'{{ enterprise(uscc: "{E1}") {{ uscc classifications {{ value }} }} }}'
    url = hub_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        init = {
            "type": "connection_init",
            "payload": {"Authorization": f"Bearer {token}", "X-Purpose": "working capital"},
        }
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"

        async def read(operation: str) -> dict[str, Any]:
            subscribe = {"id": operation, "type": "subscribe", "payload": {"query": query}}
            await ws.send(json.dumps(subscribe))
            answer = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
            assert (answer["id"], answer["type"]) == (operation, "next"), answer
            assert json.loads(await asyncio.wait_for(ws.recv(), timeout=30))["type"] == "complete"
            payload: dict[str, Any] = answer["payload"]
            return payload

        before = await read("before")
        assert before == {"data": {"enterprise": {"uscc": E1, "classifications": [{"value": "C"}]}}}
        revoke = "mutation($id: String!) { revokeConsent(id: $id) { id } }"
        assert "errors" not in await ask(hub_url, own, revoke, id=credit_consent)
        # the same socket, after the revocation: still admitted, no longer its credit data
        after = await read("after")
        assert after["data"] == {"enterprise": {"uscc": E1, "classifications": None}}
        assert forbidden(after) == [("enterprise.classifications", "no_consent")]
