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
        "modelVersion": "2026.4",
        "treatment": {
            "name": "zone routine services",
            "measures": ["routine zone services", "eligible for the zone's support funds"],
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
    # the composite grade withholds the zone's own support, never another authority's measure
    assert after["treatment"] == {
        "name": "zone support withheld",
        "measures": [
            "not eligible for the zone's support funds and honours while the grade is D",
            "zone staff follow up on the factors that forced the grade",
        ],
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


STATUTORY = """query($u: String!, $d: Date, $dept: String) {
  creditProfile(uscc: $u, asOf: $d) {
    grade gradeLabel
    statutoryMeasures(department: $dept) { department measure basis scheme value regime trigger }
  }
}"""


async def statutory(hub_url: str, token: str, as_of: str, department: str | None) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    variables = {"u": USCC, "d": as_of, "dept": department}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post("/graphql", json={"query": STATUTORY, "variables": variables})
    return response.json()


async def test_an_aeo_enterprise_with_tax_d_gets_aeo_measures_from_customs_and_d_from_tax(
    graph, hub_url
):
    await graph.execute_query(
        """
        CREATE (e:Enterprise {uscc: $u, name: 'AEO Co.', zone: 'KAIFENG', status: 'ACTIVE',
                              registeredOn: date('2018-01-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-aeo', department: 'CUSTOMS',
               scheme: 'CUSTOMS_CREDIT', value: 'ADVANCED_CERTIFIED',
               effectiveFrom: date('2023-05-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-taxd', department: 'TAX',
               scheme: 'TAX_CREDIT', value: 'D', effectiveFrom: date('2025-04-01')})
        """,
        u=USCC,
        database_=DATABASE,
    )
    customs = await token_for(hub_url, graph, "customs")
    answer = await statutory(hub_url, customs, "2026-06-01", "CUSTOMS")
    assert "errors" not in answer, answer
    seen = answer["data"]["creditProfile"]
    # the tax D forces the zone's composite grade to D; customs still acts on its own tier
    assert (seen["grade"], seen["gradeLabel"]) == ("D", "综合D")
    assert [m["measure"] for m in seen["statutoryMeasures"]] == [
        "AEO: average inspection rate below 20% of that of enterprises under routine "
        "administration",
        "AEO: customs formalities handled first",
        "AEO mutual-recognition facilitation abroad",
    ]
    assert {(m["trigger"], m["regime"], m["value"]) for m in seen["statutoryMeasures"]} == {
        ("C-aeo", "GACC_ORDER_282", "ADVANCED_CERTIFIED")
    }
    tax = (await statutory(hub_url, customs, "2026-06-01", "TAX"))["data"]["creditProfile"]
    assert [(m["measure"], m["trigger"]) for m in tax["statutoryMeasures"]] == [
        (
            "named on the published list of grade D taxpayers with the directly responsible "
            "persons",
            "C-taxd",
        ),
        (
            "VAT special invoices supplied as to a taxpayer under guidance; ordinary invoices "
            "only against used ones, in strictly limited quantity",
            "C-taxd",
        ),
        ("export refunds reviewed more strictly", "C-taxd"),
        (
            "key monitoring target: more frequent inspection and stricter review of filings",
            "C-taxd",
        ),
    ]
    # a 2025 date applies Order 251 to the same tier
    earlier = (await statutory(hub_url, customs, "2025-09-01", "CUSTOMS"))["data"]
    assert {m["regime"] for m in earlier["creditProfile"]["statutoryMeasures"]} == {
        "GACC_ORDER_251"
    }
    refused = await statutory(hub_url, customs, "2026-06-01", "POLICE")
    assert refused["data"]["creditProfile"] is None
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "department 'POLICE' is not known" in error["message"]


MEASURES_FOR = """query($u: String!, $d: String!, $on: Date) {
  measuresFor(uscc: $u, department: $d, asOf: $on) {
    department grade gradeLabel treatment
    statutory { measure basis regime trigger }
    measures { cause items { measure basis } }
  }
}"""


async def measures_for(hub_url: str, token: str, department: str, as_of: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    variables = {"u": USCC, "d": department, "on": as_of}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers) as client:
        response = await client.post(
            "/graphql", json={"query": MEASURES_FOR, "variables": variables}
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["measuresFor"]


async def test_a_customs_dishonest_enterprise_gets_customs_measures_whatever_its_grade(
    graph, hub_url
):
    # customs dishonest since 2025 (Order 251), tax A: composite 80 - 30 + 8 = 58, grade C
    await graph.execute_query(
        """
        CREATE (e:Enterprise {uscc: $u, name: 'Dishonest Co.', zone: 'KAIFENG',
                              status: 'ACTIVE', registeredOn: date('2018-01-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-dis', department: 'CUSTOMS',
               scheme: 'CUSTOMS_CREDIT', value: 'DISHONEST', effectiveFrom: date('2025-02-01')})
        CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'C-taxa', department: 'TAX',
               scheme: 'TAX_CREDIT', value: 'A', effectiveFrom: date('2025-04-01')})
        """,
        u=USCC,
        database_=DATABASE,
    )
    customs = await token_for(hub_url, graph, "customs")
    found = await measures_for(hub_url, customs, "CUSTOMS", "2026-06-01")
    assert (found["grade"], found["gradeLabel"], found["treatment"]) == ("C", "综合C", None)
    assert [m["measure"] for m in found["statutory"]] == [
        "average inspection rate of 80% or more",
        "consolidated tax payment not available",
        "more frequent audits and verifications",
    ]
    assert {(m["regime"], m["trigger"]) for m in found["statutory"]} == {
        ("GACC_ORDER_282", "C-dis")
    }
    # the same tier a year earlier: Order 251's measures
    earlier = await measures_for(hub_url, customs, "CUSTOMS", "2025-06-01")
    assert earlier["statutory"][0] == {
        "measure": "average inspection rate of 80% or more",
        "basis": "GACC Order 251, measures for dishonest enterprises (article not confirmed)",
        "regime": "GACC_ORDER_251",
        "trigger": "C-dis",
    }
    # tax acts on its own grade A; only the zone administration gets the zone's services
    tax = await measures_for(hub_url, customs, "TAX", "2026-06-01")
    assert [m["measure"] for m in tax["statutory"]] == [
        "named on the published list of grade A taxpayers",
        "VAT invoices supplied for up to 3 months' use at a time, adjusted at once when needed",
        "ordinary invoices supplied as needed",
    ]
    assert tax["treatment"] is None
    zone = await measures_for(hub_url, customs, "ZONE_ADMIN", "2026-06-01")
    assert (zone["statutory"], zone["treatment"]) == (
        [],
        ["routine zone services", "zone staff follow up on the factors that lowered the grade"],
    )
    samr = await measures_for(hub_url, customs, "SAMR", "2026-06-01")
    assert (samr["statutory"], samr["measures"]) == ([], [])
