"""Rows: which enterprises a caller may see at all. A hidden enterprise must be
indistinguishable from one the hub does not know."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver
from test_enterprise_api import FOCUS, PARENT, build_graph, uscc

from graph_schema.uscc import make_uscc

BANK = "bank-of-kaifeng"
UNKNOWN = make_uscc("9", "1", "410100", "MA999998")
PROBE = """query($u: String!) {
  enterprise(uscc: $u) { uscc name }
  enterprises(first: 100) { totalCount edges { node { uscc } } }
}"""


async def ask(hub_url: str, token: str, uscc_: str) -> dict:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital loan review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post("/graphql", json={"query": PROBE, "variables": {"u": uscc_}})
    assert response.status_code == 200
    return response.json()


async def consent(
    driver: AsyncDriver, uscc_: str, *, expires: dt.datetime, revoked: dt.datetime | None = None
) -> None:
    await driver.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:CONSENTED]->(:Consent {id: randomUUID(), institution: $bank,
                   scopes: ['enterprise:read', 'credit:read', 'financing:read'],
                   purpose: 'WORKING_CAPITAL', grantedAt: datetime(),
                   expiresAt: $expires, revokedAt: $revoked})""",
        u=uscc_,
        bank=BANK,
        expires=expires,
        revoked=revoked,
        database_=DATABASE,
    )


@pytest.fixture
async def zone(graph: AsyncDriver) -> AsyncDriver:
    await build_graph(graph)
    return graph


async def test_a_bank_without_consent_sees_nothing_not_even_existence(zone, hub_url):
    token = await token_for(hub_url, zone, "bank", institution=BANK)
    hidden = await ask(hub_url, token, FOCUS)
    unknown = await ask(hub_url, token, UNKNOWN)
    assert hidden == unknown  # same answer, byte for byte, as for a USCC nobody registered
    assert hidden["data"]["enterprise"] is None
    assert hidden["data"]["enterprises"] == {"totalCount": 0, "edges": []}
    assert "errors" not in hidden


async def test_a_bank_sees_exactly_the_enterprises_with_active_consent(zone, hub_url):
    now = dt.datetime.now(dt.UTC)
    await consent(zone, FOCUS, expires=now + dt.timedelta(days=30))
    await consent(zone, PARENT, expires=now - dt.timedelta(days=1))  # expired
    await consent(zone, uscc(3), expires=now + dt.timedelta(days=30), revoked=now)  # revoked
    token = await token_for(hub_url, zone, "bank", institution=BANK)
    seen = await ask(hub_url, token, FOCUS)
    assert seen["data"]["enterprise"]["uscc"] == FOCUS
    assert seen["data"]["enterprises"]["totalCount"] == 1
    assert [e["node"]["uscc"] for e in seen["data"]["enterprises"]["edges"]] == [FOCUS]
    for other in (PARENT, uscc(3)):
        assert (await ask(hub_url, token, other))["data"]["enterprise"] is None
    # another bank, same enterprise: nothing
    rival = await token_for(hub_url, zone, "bank", institution="another-bank")
    assert (await ask(hub_url, rival, FOCUS))["data"]["enterprise"] is None


async def test_an_enterprise_sees_only_itself(zone, hub_url):
    token = await token_for(hub_url, zone, "enterprise", institution=FOCUS)
    mine = await ask(hub_url, token, FOCUS)
    assert mine["data"]["enterprise"]["uscc"] == FOCUS
    assert mine["data"]["enterprises"]["totalCount"] == 1
    other = await ask(hub_url, token, PARENT)
    assert other["data"]["enterprise"] is None
    # its shareholder enterprise is hidden too, even when reached through a relation
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": "query($u: String!) { enterprise(uscc: $u) { shareholders { ratio "
                "enterprise { uscc } } } }",
                "variables": {"u": FOCUS},
            },
        )
    holders = response.json()["data"]["enterprise"]["shareholders"]
    assert {"ratio": 0.6, "enterprise": None} in holders


async def test_a_bank_must_say_why(zone, hub_url):
    token = await token_for(hub_url, zone, "bank", institution=BANK)
    async with httpx.AsyncClient(base_url=hub_url) as client:
        response = await client.post(
            "/graphql",
            json={"query": PROBE, "variables": {"u": FOCUS}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"


@pytest.mark.parametrize(
    ("authorization", "code"),
    [(None, "missing_token"), ("Bearer not.a.jwt", "malformed"), ("Basic abc", "malformed")],
)
async def test_graphql_without_a_valid_token_is_401(zone, hub_url, authorization, code):
    headers = {"Authorization": authorization} if authorization else {}
    async with httpx.AsyncClient(base_url=hub_url) as client:
        response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == code
