"""providerProfile through the API, on a hand-built graph: a payment firm and a carrier rated
from the documents they handled, with their factors and evidence; who may read what of it.

The graph, as of 2026-06-01 (window: after 2025-06-01): the seller S sold 13 export orders
(O1..O13, 2026-03-01..13), each with its inventory list (goods 100, freight 10, logistics code
4101000001). The payment firm PF paid O1..O10; O1 and O2 were paid 100 instead of 110
('amount'), the others 110; another firm, unnamed, paid O11..O13. The carrier CR shipped
O4..O13; O1..O3 were shipped by a firm named only as a label, whose code on O3 is not the
list's ('codes'). PF also paid O0 on 2025-05-01, before the window, and has a general
penalty decided 2026-01-10, public until 2026-07-10. CR operates a suspended bonded warehouse
and an active supervision site.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

SELLER, PF, CR = (make_uscc("9", "1", "410200", f"PR{i:06d}") for i in range(3))
BANK = "bank-of-kaifeng"

GRAPH = """
UNWIND [[$s, 'Seller Co.'], [$pf, 'Pay Firm Co.'], [$cr, 'Carrier Co.']] AS x
CREATE (:Enterprise {uscc: x[0], name: x[1], zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2019-01-01')})
WITH count(*) AS made
MATCH (s:Enterprise {uscc: $s}), (pf:Enterprise {uscc: $pf}), (cr:Enterprise {uscc: $cr})
UNWIND range(0, 13) AS i
WITH s, pf, cr, i, CASE i WHEN 0 THEN date('2025-05-01')
  ELSE date('2026-03-01') + duration({days: i - 1}) END AS day
CREATE (s)-[:SOLD]->(o:Order {id: 'O' + i, direction: 'EXPORT', orderedOn: day, goodsCny: 100.0,
        freightCny: 10.0, taxCny: 0.0, discountCny: 0.0})
CREATE (:InventoryList {id: 'I' + i, direction: 'EXPORT', declaredOn: day, goodsCny: 100.0,
        freightCny: 10.0, logisticsCode: '4101000001'})-[:DECLARES]->(o)
CREATE (p:Payment {id: 'P' + i, orderId: 'O' + i, paidOn: day,
        amountCny: CASE WHEN i IN [1, 2] THEN 100.0 ELSE 110.0 END,
        payFirmUscc: CASE WHEN i <= 10 THEN $pf END})-[:PAYS]->(o)
CREATE (w:Waybill {id: 'W' + i, orderId: 'O' + i, shippedOn: day, carrier: 'Some Express',
        logisticsCode: CASE i WHEN 3 THEN '4101999999' ELSE '4101000001' END,
        carrierUscc: CASE WHEN i >= 4 THEN $cr END})-[:SHIPS]->(o)
FOREACH (_ IN CASE WHEN i <= 10 THEN [1] ELSE [] END | CREATE (pf)-[:HANDLED]->(p))
FOREACH (_ IN CASE WHEN i >= 4 THEN [1] ELSE [] END | CREATE (cr)-[:CARRIED]->(w))
"""

EXTRAS = """
MATCH (pf:Enterprise {uscc: $pf}), (cr:Enterprise {uscc: $cr})
CREATE (pf)-[:PENALISED]->(:Penalty {id: 'PEN-1', department: 'SAFE', severity: 'GENERAL',
        caseNo: 'SAFE-2026-1', amountCny: 30000.0, decidedOn: date('2026-01-10'),
        publicUntil: date('2026-07-10')})
CREATE (cr)-[:OPERATES_PREMISES]->(:SupervisedPremises {id: 'SP-1', kind: 'BONDED_WAREHOUSE',
        name: 'Bonded warehouse 1', customsCode: '4611B001', approvedOn: date('2024-01-01'),
        status: 'SUSPENDED', operatorUscc: $cr})
CREATE (cr)-[:OPERATES_PREMISES]->(:SupervisedPremises {id: 'SP-2',
        kind: 'CBEC_SUPERVISION_SITE', name: 'Supervision site 2', customsCode: '4611W002',
        approvedOn: date('2025-01-01'), validUntil: date('2027-12-31'), status: 'ACTIVE',
        operatorUscc: $cr})
"""

PROFILE = """query($u: String!) {
  providerProfile(uscc: $u, asOf: "2026-06-01") {
    uscc asOf windowFrom roles score grade gradeLabel forcedBy modelVersion base
    volumes { role documents amountCny }
    mismatches { roles documents mismatched percent reasons { reason documents } }
    penalties { id severity counted }
    premises { id kind status inOperation }
    factors { code points reason evidence }
  }
}"""
SUMMARY = """query($u: String!) {
  providerProfile(uscc: $u, asOf: "2026-06-01") { roles grade volumes { role documents } }
}"""


async def build(driver: AsyncDriver) -> None:
    for statement in (GRAPH, EXTRAS):
        await driver.execute_query(statement, s=SELLER, pf=PF, cr=CR, database_=DATABASE)


async def ask(hub_url: str, token: str, query: str, uscc: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "provider review"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": {"u": uscc}})
    body: dict[str, Any] = response.json()
    return body


MISMATCH_BASIS_START = "GACC Announcement 2018 No. 194"


async def test_a_payment_firm_is_rated_on_its_payments_mismatches_and_penalty(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    regulator = await token_for(hub_url, graph, "regulator")
    body = await ask(hub_url, regulator, PROFILE, PF)
    assert "errors" not in body, body
    seen = body["data"]["providerProfile"]
    factors = seen.pop("factors")
    # 10 payments in the window (P1..P10; P0 is before it): 8 x 110 + 2 x 100 = 1080
    # 3 of them are of failing orders: O1, O2 (amount), O3 (codes, the other carrier's waybill)
    # 80 - 30 (30% mismatched: the 20% tier) - 10 (a general penalty, public) = 40: C (40-69)
    assert seen == {
        "uscc": PF,
        "asOf": "2026-06-01",
        "windowFrom": "2025-06-01",
        "roles": ["PAYMENT_FIRM"],
        "score": 40,
        "grade": "C",
        "gradeLabel": "服务主体C",
        "forcedBy": None,
        "modelVersion": "2026.1",
        "base": 80,
        "volumes": [{"role": "PAYMENT_FIRM", "documents": 10, "amountCny": "1080.0"}],
        "mismatches": {
            "roles": ["PAYMENT_FIRM"],
            "documents": 10,
            "mismatched": 3,
            "percent": "30.0",
            "reasons": [{"reason": "amount", "documents": 2}, {"reason": "codes", "documents": 1}],
        },
        "penalties": [{"id": "PEN-1", "severity": "GENERAL", "counted": True}],
        "premises": [],
    }
    assert factors == [
        {
            "code": "DOCUMENT_MISMATCH",
            "points": -30,
            "reason": "3 of 10 payments and waybills handled since 2025-06-01 (30.0%) are of "
            "orders failing the three-document check: 2 amount, 1 codes",
            "evidence": ["P1", "P2", "P3"],
        },
        {
            "code": "PENALTY_GENERAL",
            "points": -10,
            "reason": "GENERAL safe penalty PEN-1 decided 2026-01-10, public and not repaired",
            "evidence": ["PEN-1"],
        },
    ]


async def test_a_carrier_is_rated_on_its_waybills_and_its_premises(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    body = await ask(hub_url, customs, PROFILE, CR)
    assert "errors" not in body, body
    seen = body["data"]["providerProfile"]
    # W4..W13 carried, none of a failing order: the 0% tier, +5; one premises suspended, -15
    # 80 + 5 - 15 = 70: B (70-89)
    assert (seen["roles"], seen["score"], seen["grade"]) == (
        ["CARRIER", "PREMISES_OPERATOR"],
        70,
        "B",
    )
    # customs reads the waybills' and the premises' volumes (logistics:read, customs:read)
    assert seen["volumes"] == [
        {"role": "CARRIER", "documents": 10, "amountCny": None},
        {"role": "PREMISES_OPERATOR", "documents": 1, "amountCny": None},
    ]
    assert seen["mismatches"] == {
        "roles": ["CARRIER"],
        "documents": 10,
        "mismatched": 0,
        "percent": "0.0",
        "reasons": [],
    }
    assert seen["premises"] == [
        {"id": "SP-1", "kind": "BONDED_WAREHOUSE", "status": "SUSPENDED", "inOperation": False},
        {"id": "SP-2", "kind": "CBEC_SUPERVISION_SITE", "status": "ACTIVE", "inOperation": True},
    ]
    assert [(f["code"], f["points"], f["evidence"]) for f in seen["factors"]] == [
        ("DOCUMENT_MISMATCH", 5, []),
        ("PREMISES_SUSPENDED", -15, ["SP-1"]),
    ]
    assert seen["factors"][0]["reason"] == (
        "0 of 10 payments and waybills handled since 2025-06-01 (0.0%) are of orders failing "
        "the three-document check"
    )


async def test_an_enterprise_that_provides_nothing_is_graded_m(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    customs = await token_for(hub_url, graph, "customs")
    seen = (await ask(hub_url, customs, SUMMARY, SELLER))["data"]["providerProfile"]
    assert seen == {"roles": [], "grade": "M", "volumes": []}


async def test_a_volume_is_read_with_its_department_s_scope(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    # customs has no payments:read: the payment firm's volume is left out, the field allowed
    customs = await token_for(hub_url, graph, "customs")
    seen = (await ask(hub_url, customs, SUMMARY, PF))["data"]["providerProfile"]
    assert seen == {"roles": ["PAYMENT_FIRM"], "grade": "C", "volumes": []}
    # SAFE reads payments (payments:read): the twin
    safe = await token_for(hub_url, graph, "safe")
    seen = (await ask(hub_url, safe, SUMMARY, PF))["data"]["providerProfile"]
    assert seen["volumes"] == [{"role": "PAYMENT_FIRM", "documents": 10}]
    # the tax bureau has none of the four scopes: the field is refused, the rest answered
    tax = await token_for(hub_url, graph, "tax")
    body = await ask(hub_url, tax, SUMMARY, PF)
    assert body["data"]["providerProfile"] == {
        "roles": ["PAYMENT_FIRM"],
        "grade": "C",
        "volumes": None,
    }
    [error] = body["errors"]
    assert error["path"] == ["providerProfile", "volumes"]
    assert error["extensions"]["code"] == "FORBIDDEN"


COUNTS = """query($u: String!) {
  providerProfile(uscc: $u, asOf: "2026-06-01") {
    volumes { role documents }
    mismatches { roles documents mismatched percent reasons { reason documents } }
    factors { code points reason evidence }
  }
}"""


async def test_what_the_volumes_withhold_the_mismatches_and_the_evidence_withhold_too(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    # customs may not read payments: PF's payments are neither counted nor named anywhere
    customs = await token_for(hub_url, graph, "customs")
    body = await ask(hub_url, customs, COUNTS, PF)
    assert "errors" not in body, body
    seen = body["data"]["providerProfile"]
    assert seen["volumes"] == []
    assert seen["mismatches"] == {
        "roles": [],
        "documents": 0,
        "mismatched": 0,
        "percent": None,
        "reasons": [],
    }
    # the points stay (they are in the score), told as the model's band, without counts
    assert seen["factors"][0] == {
        "code": "DOCUMENT_MISMATCH",
        "points": -30,
        "reason": "20% or more of the payments and waybills handled since 2025-06-01 are of "
        "orders failing the three-document check; counted of the documents the caller may "
        "read: none",
        "evidence": [],
    }
    # the tax bureau reads none of the four scopes: no count either (volumes is refused)
    tax = await token_for(hub_url, graph, "tax")
    taxed = (await ask(hub_url, tax, COUNTS, PF))["data"]["providerProfile"]
    assert taxed["mismatches"]["documents"] == 0
    assert taxed["factors"][0]["evidence"] == []
    # the twin: SAFE reads payments (payments:read), and gets the counts and the payments
    safe = await token_for(hub_url, graph, "safe")
    body = await ask(hub_url, safe, COUNTS, PF)
    assert "errors" not in body, body
    seen = body["data"]["providerProfile"]
    assert seen["volumes"] == [{"role": "PAYMENT_FIRM", "documents": 10}]
    assert seen["mismatches"] == {
        "roles": ["PAYMENT_FIRM"],
        "documents": 10,
        "mismatched": 3,
        "percent": "30.0",
        "reasons": [{"reason": "amount", "documents": 2}, {"reason": "codes", "documents": 1}],
    }
    assert seen["factors"][0]["evidence"] == ["P1", "P2", "P3"]
    assert seen["factors"][0]["reason"].startswith("3 of 10 payments and waybills")
    # and customs, which reads waybills (logistics:read), gets the carrier's in full
    carried = (await ask(hub_url, customs, COUNTS, CR))["data"]["providerProfile"]
    assert carried["mismatches"]["roles"] == ["CARRIER"]
    assert carried["mismatches"]["documents"] == 10
    assert carried["factors"][0]["reason"].startswith("0 of 10 payments and waybills")


async def test_a_bank_reads_a_provider_only_under_its_consent_and_never_the_evidence(
    graph: AsyncDriver, hub_url: str
) -> None:
    await build(graph)
    bank = await token_for(hub_url, graph, "bank", institution=BANK)
    hidden = await ask(hub_url, bank, SUMMARY, PF)
    assert hidden == {"data": {"providerProfile": None}}  # no consent: as if unknown
    await graph.execute_query(
        """MATCH (e:Enterprise {uscc: $u})
           CREATE (e)-[:CONSENTED]->(:Consent {id: 'C1', institution: $bank,
                   scopes: ['enterprise:read', 'credit:read'],
                   purpose: 'WORKING_CAPITAL', grantedAt: datetime(), expiresAt: $until})""",
        u=PF,
        bank=BANK,
        until=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        database_=DATABASE,
    )
    query = """query($u: String!) {
      providerProfile(uscc: $u, asOf: "2026-06-01") { grade factors { code } }
    }"""
    seen = await ask(hub_url, bank, query, PF)
    assert seen["data"]["providerProfile"] == {"grade": "C", "factors": None}
    [error] = seen["errors"]
    assert error["extensions"]["scopes"] == ["credit:explain"]


async def test_the_public_may_not_read_a_provider_rating(graph: AsyncDriver, hub_url: str) -> None:
    await build(graph)
    public = await token_for(hub_url, graph, "public")
    body = await ask(hub_url, public, SUMMARY, PF)
    assert body["data"]["providerProfile"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # an unknown enterprise is null, without an error (the twin: a known one is answered)
    customs = await token_for(hub_url, graph, "customs")
    unknown = make_uscc("9", "1", "410200", "PR999999")
    assert await ask(hub_url, customs, SUMMARY, unknown) == {"data": {"providerProfile": None}}
