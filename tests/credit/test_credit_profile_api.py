"""creditProfile through the API: computed as of a date, explained to those who may see why,
and absent for an enterprise the caller may not see."""

from __future__ import annotations

import datetime as dt

import httpx
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

USCC = make_uscc("9", "1", "410200", "MD000001")
BANK = "bank-of-kaifeng"
PROFILE = """query($u: String!, $d: Date) {
  creditProfile(uscc: $u, asOf: $d) {
    asOf score grade forcedBy modelVersion treatment { name measures }
    factors { code points reason evidence }
  }
}"""


async def build(driver: AsyncDriver) -> None:
    await driver.execute_query(
        """
        CREATE (e:Enterprise {uscc: $u, name: 'Listed Co.', zone: 'KAIFENG', status: 'ACTIVE',
                              registeredOn: date('2020-01-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-tax', department: 'TAX',
               scheme: 'TAX_CREDIT', value: 'A', effectiveFrom: date('2025-01-01')})
        CREATE (e)-[:LISTED]->(:ListEntry {id: 'L-sd', list: 'SERIOUS_DISHONESTY',
               department: 'SAMR', listedOn: date('2026-03-01'), reason: 'fraud', basis: 'x'})
        """,
        u=USCC,
        database_=DATABASE,
    )


async def ask(hub_url: str, token: str, as_of: str | None) -> dict:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "credit review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post(
            "/graphql", json={"query": PROFILE, "variables": {"u": USCC, "d": as_of}}
        )
    return response.json()


async def test_a_serious_dishonesty_entry_forces_d_from_its_listing_date(graph, hub_url):
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    before = (await ask(hub_url, customs, "2026-02-01"))["data"]["creditProfile"]
    after = (await ask(hub_url, customs, "2026-06-01"))["data"]["creditProfile"]
    # before the listing: base 80 + TAX_A 8 = 88, band B (70-89), nothing forces a grade
    assert before == {
        "asOf": "2026-02-01",
        "score": 88,
        "grade": "B",
        "forcedBy": None,
        "modelVersion": "2026.2",
        "treatment": {
            "name": "routine",
            "measures": ["routine document review", "routine inspection rate"],
        },
        "factors": [
            {
                "code": "TAX_A",
                "points": 8,
                "reason": "tax credit grade A since 2025-01-01",
                "evidence": ["C-tax"],
            }
        ],
    }
    # after it: 88 - 40 = 48 would be C, but the list forces D and the score is held to the
    # top of the D band (0-39)
    assert after["asOf"] == "2026-06-01"
    assert (after["score"], after["grade"], after["forcedBy"]) == (
        39,
        "D",
        "LIST_SERIOUS_DISHONESTY",
    )
    assert after["factors"][1] == {
        "code": "LIST_SERIOUS_DISHONESTY",
        "points": -40,
        "reason": "on the SERIOUS_DISHONESTY list of the samr department since 2026-03-01",
        "evidence": ["L-sd"],
    }
    assert after["treatment"] == {
        "name": "strict supervision",
        "measures": ["inspection of 80% or more", "joint punishment by the departments"],
    }


async def test_a_bank_sees_the_grade_with_consent_but_not_the_evidence(graph, hub_url):
    await build(graph)
    bank = await token_for(hub_url, graph, "bank", institution=BANK)
    hidden = await ask(hub_url, bank, None)
    assert hidden == {"data": {"creditProfile": None}}  # no consent: as if unknown
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:CONSENTED]->(:Consent {id: 'C1', institution: $bank,
                   scopes: ['enterprise:read', 'credit:read'],
                   purpose: 'WORKING_CAPITAL', grantedAt: datetime(), expiresAt: $until})""",
        u=USCC,
        bank=BANK,
        until=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        database_=DATABASE,
    )
    seen = await ask(hub_url, bank, None)
    assert seen["data"]["creditProfile"]["grade"] == "D"
    assert seen["data"]["creditProfile"]["factors"] is None
    [error] = seen["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["scopes"] == ["credit:explain"]


async def test_the_public_may_not_read_ratings(graph, hub_url):
    await build(graph)
    public = await token_for(hub_url, graph, "public")
    body = await ask(hub_url, public, None)
    assert body["data"]["creditProfile"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
