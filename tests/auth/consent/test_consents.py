"""Consents through the API on a real server: grant, use, expiry by date, revocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

OWN = make_uscc("9", "1", "410200", "CN000001")
OTHER = make_uscc("9", "1", "410200", "CN000002")

GRANT = """mutation($i: String!, $p: ConsentPurpose!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: $p, scopes: $s, expiresAt: $x) {
    id uscc institution purpose scopes active expiresAt }
}"""
REVOKE = "mutation($id: String!) { revokeConsent(id: $id) { id active revokedAt } }"
MINE = "query($all: Boolean!) { myConsents(includeEnded: $all) { id institution active } }"
GRADE = "query($u: String!) { creditProfile(uscc: $u) { grade } enterprise(uscc: $u) { name } }"


async def build(driver: AsyncDriver) -> None:
    await driver.execute_query(
        """UNWIND [[$own, 'Own Co.'], [$other, 'Other Co.']] AS e
           CREATE (:Enterprise {uscc: e[0], name: e[1], zone: 'KAIFENG', status: 'ACTIVE',
                                registeredOn: date('2020-01-01')})""",
        own=OWN,
        other=OTHER,
        database_=DATABASE,
    )


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def later(days: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


async def test_a_consent_lets_one_bank_read_until_it_is_revoked(graph, hub_url) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=OWN)
    bank_a = await token_for(hub_url, graph, "bank", institution="bank-a")
    bank_b = await token_for(hub_url, graph, "bank", institution="bank-b")
    assert (await ask(hub_url, bank_a, GRADE, u=OWN))["data"] == {
        "creditProfile": None,
        "enterprise": None,
    }

    granted = await ask(
        hub_url,
        own,
        GRANT,
        i="bank-a",
        p="WORKING_CAPITAL",
        s=["credit:read", "enterprise:read"],
        x=later(30),
    )
    consent = granted["data"]["grantConsent"]
    assert (consent["uscc"], consent["institution"], consent["active"]) == (OWN, "bank-a", True)
    assert consent["scopes"] == ["credit:read", "enterprise:read"]

    seen = (await ask(hub_url, bank_a, GRADE, u=OWN))["data"]
    assert seen["enterprise"] == {"name": "Own Co."} and seen["creditProfile"]["grade"]
    # another bank, and another enterprise of the first bank: nothing, not even existence
    assert (await ask(hub_url, bank_b, GRADE, u=OWN))["data"]["enterprise"] is None
    assert (await ask(hub_url, bank_a, GRADE, u=OTHER))["data"]["enterprise"] is None

    revoked = await ask(hub_url, own, REVOKE, id=consent["id"])
    assert revoked["data"]["revokeConsent"]["active"] is False
    assert (await ask(hub_url, bank_a, GRADE, u=OWN))["data"]["enterprise"] is None
    assert (await ask(hub_url, own, MINE, all=False))["data"]["myConsents"] == []
    history = (await ask(hub_url, own, MINE, all=True))["data"]["myConsents"]
    assert [(c["id"], c["active"]) for c in history] == [(consent["id"], False)]


async def test_a_consent_ends_by_date(graph, hub_url) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=OWN)
    bank = await token_for(hub_url, graph, "bank", institution="bank-a")
    granted = await ask(
        hub_url, own, GRANT, i="bank-a", p="RECEIVABLES", s=["enterprise:read"], x=later(1)
    )
    assert (await ask(hub_url, bank, GRADE, u=OWN))["data"]["enterprise"] is not None
    # the day passes: the stored expiry is now behind us
    await graph.execute_query(
        "MATCH (c:Consent {id: $id}) SET c.expiresAt = $past",
        id=granted["data"]["grantConsent"]["id"],
        past=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
        database_=DATABASE,
    )
    assert (await ask(hub_url, bank, GRADE, u=OWN))["data"]["enterprise"] is None


async def test_grants_that_cannot_be_made_are_named(graph, hub_url) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=OWN)
    other = await token_for(hub_url, graph, "enterprise", institution=OTHER)
    bank = await token_for(hub_url, graph, "bank", institution="bank-a")

    def problem(body: dict[str, Any]) -> tuple[str, str]:
        error = body["errors"][0]
        return error["extensions"]["code"], error["message"]

    unknown = await ask(
        hub_url, own, GRANT, i="nobody", p="WORKING_CAPITAL", s=["credit:read"], x=later(5)
    )
    assert problem(unknown) == (
        "BAD_USER_INPUT",
        "institution 'nobody' is no bank or insurer registered with the hub",
    )
    wide = await ask(
        hub_url, own, GRANT, i="bank-a", p="WORKING_CAPITAL", s=["audit:read"], x=later(5)
    )
    assert problem(wide)[0] == "BAD_USER_INPUT" and "audit:read" in problem(wide)[1]
    past = await ask(
        hub_url, own, GRANT, i="bank-a", p="WORKING_CAPITAL", s=["credit:read"], x=later(-1)
    )
    assert "not in the future" in problem(past)[1]
    by_bank = await ask(
        hub_url, bank, GRANT, i="bank-a", p="WORKING_CAPITAL", s=["credit:read"], x=later(5)
    )
    assert problem(by_bank)[0] == "FORBIDDEN"

    mine = await ask(
        hub_url, own, GRANT, i="bank-a", p="WORKING_CAPITAL", s=["credit:read"], x=later(5)
    )
    stolen = await ask(hub_url, other, REVOKE, id=mine["data"]["grantConsent"]["id"])
    assert problem(stolen)[0] == "BAD_USER_INPUT"  # another enterprise's consent: unknown
    assert (await ask(hub_url, own, MINE, all=False))["data"]["myConsents"][0]["active"]


async def test_a_consent_covers_only_its_scopes(graph, hub_url) -> None:
    await build(graph)
    own = await token_for(hub_url, graph, "enterprise", institution=OWN)
    bank = await token_for(hub_url, graph, "bank", institution="bank-a")
    # credit:read alone does not reveal the enterprise: existence needs enterprise:read
    await ask(hub_url, own, GRANT, i="bank-a", p="WORKING_CAPITAL", s=["credit:read"], x=later(9))
    assert (await ask(hub_url, bank, GRADE, u=OWN))["data"] == {
        "creditProfile": None,
        "enterprise": None,
    }
    registry = await ask(
        hub_url, own, GRANT, i="bank-a", p="WORKING_CAPITAL", s=["enterprise:read"], x=later(9)
    )
    assert registry["data"]["grantConsent"]["id"]
    seen = (await ask(hub_url, bank, GRADE, u=OWN))["data"]
    # both consents are active: registry data through one, the rating through the other
    assert seen["enterprise"] == {"name": "Own Co."} and seen["creditProfile"]["grade"]
    credit_only = (await ask(hub_url, own, MINE, all=False))["data"]["myConsents"][-1]["id"]
    await ask(hub_url, own, REVOKE, id=credit_only)
    seen = (await ask(hub_url, bank, GRADE, u=OWN))["data"]
    assert seen["enterprise"] == {"name": "Own Co."} and seen["creditProfile"] is None
