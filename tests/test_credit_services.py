"""The credit services of the single window (verifyIdentity, creditRecord, commodity, shipments,
tradeDeclarations) through the served hub, on a hand-built graph; the expected answers are
written down by hand. Each refusal has its allowed twin. The hub is held at NOW (2026-06-15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, HeldClock, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
A = make_uscc("9", "1", "410200", "CR000001")
B = make_uscc("9", "1", "410200", "CR000002")
CARRIER = make_uscc("9", "1", "410100", "CR000003")
UNKNOWN = make_uscc("9", "1", "410200", "CR000099")
A_NAME = "开封汴梁贸易有限公司(开封)"
A_NAME_EN = "Kaifeng Bianliang Trading Co., Ltd."

GRAPH = """
CREATE (a:Enterprise {uscc: $a, name: $a_name, nameEn: $a_name_en, zone: 'KAIFENG',
                      status: 'ABNORMAL', statusSince: date('2025-11-01'),
                      registeredOn: date('2019-05-01')})
CREATE (b:Enterprise {uscc: $b, name: '郑州测试物流有限公司', zone: 'KAIFENG',
                      status: 'DEREGISTERED', statusSince: date('2024-03-01'),
                      registeredOn: date('2018-01-01')})
CREATE (a)-[:PENALISED]->(:Penalty {id: 'PA-1', department: 'SAMR', caseNo: 'S-1',
        severity: 'GENERAL', amountCny: 5000.0, decidedOn: date('2026-01-10'),
        publicUntil: date('2026-07-10'), source: 'samr-conn'})
CREATE (a)-[:PENALISED]->(:Penalty {id: 'PA-2', department: 'TAX', caseNo: 'T-2',
        severity: 'MINOR', amountCny: 200.0, decidedOn: date('2026-02-01'), source: 'tax-conn'})
CREATE (a)-[:PENALISED]->(:Penalty {id: 'PA-3', department: 'CUSTOMS', caseNo: 'C-3',
        severity: 'SERIOUS', amountCny: 90000.0, decidedOn: date('2024-01-01'),
        source: 'customs-conn'})
CREATE (a)-[:PENALISED]->(pa4:Penalty {id: 'PA-4', department: 'SAMR', caseNo: 'S-4',
        severity: 'GENERAL', amountCny: 3000.0, decidedOn: date('2025-06-01'),
        publicUntil: date('2026-06-01'), repairedOn: date('2025-12-01'), source: 'samr-conn'})
CREATE (a)-[:PENALISED]->(:Penalty {id: 'PA-5', department: 'CUSTOMS', caseNo: 'C-5',
        severity: 'GENERAL', amountCny: 1000.0, decidedOn: date('2025-01-01'),
        publicUntil: date('2025-07-01'), source: 'customs-conn'})
CREATE (a)-[:APPLIED_FOR_REPAIR]->(:RepairApplication {id: 'REP-A', recordId: 'PA-4',
        recordLabel: 'Penalty', department: 'SAMR', uscc: $a, correction: 'goods withdrawn',
        commitment: 'we comply', filedAt: datetime('2025-11-20T09:00:00Z'),
        status: 'GRANTED', eligibleFrom: date('2025-09-01'), regime: 'NDRC_ORDER_58',
        basis: 'NDRC Order 58', decidedOn: date('2025-12-01'), decision: 'corrected'})
        -[:CONCERNS]->(pa4)
CREATE (a)-[:LISTED]->(:ListEntry {id: 'LA-1', list: 'ABNORMAL_OPERATION', department: 'SAMR',
        listedOn: date('2025-11-01'), reason: 'not at its address', basis: 'SAMR measures'})
CREATE (a)-[:LISTED]->(:ListEntry {id: 'LA-2', list: 'SAFE_CLASS_C', department: 'SAFE',
        listedOn: date('2025-01-01'), expiresOn: date('2027-01-01'), reason: 'class C',
        basis: 'SAFE rules'})
CREATE (a)-[:LISTED]->(:ListEntry {id: 'LA-3', list: 'SERIOUS_DISHONESTY', department: 'SAMR',
        listedOn: date('2023-01-01'), expiresOn: date('2024-01-01'), reason: 'old',
        basis: 'NDRC memoranda'})
CREATE (a)-[:CLASSIFIED]->(:Classification {id: 'CA-1', department: 'TAX',
        scheme: 'TAX_CREDIT', value: 'B', effectiveFrom: date('2024-04-01'),
        effectiveTo: date('2025-04-01')})
CREATE (a)-[:CLASSIFIED]->(:Classification {id: 'CA-2', department: 'TAX',
        scheme: 'TAX_CREDIT', value: 'C', effectiveFrom: date('2025-04-01')})
CREATE (a)-[:CLASSIFIED]->(:Classification {id: 'CA-3', department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ROUTINE', effectiveFrom: date('2026-04-01')})
CREATE (a)-[:DECLARED]->(:Declaration {id: 'DA-1', direction: 'EXPORT', mode: '9610',
        declaredOn: date('2026-03-01'), valueCny: 1000.5, destination: 'US',
        hsCode: '61091000'})
CREATE (a)-[:DECLARED]->(:Declaration {id: 'DA-2', direction: 'EXPORT', mode: '9710',
        declaredOn: date('2026-04-01'), valueCny: 2000.25, destination: 'DE',
        hsCode: '61099090'})
CREATE (a)-[:DECLARED]->(:Declaration {id: 'DA-3', direction: 'IMPORT', mode: '1210',
        declaredOn: date('2026-05-01'), valueCny: 500.0, destination: 'JP',
        hsCode: '95045020'})
CREATE (b)-[:DECLARED]->(:Declaration {id: 'DB-1', direction: 'EXPORT', mode: '9610',
        declaredOn: date('2024-02-01'), valueCny: 300.0, destination: 'US',
        hsCode: '61091000'})
CREATE (a)-[:SOLD]->(o1:Order {id: 'OA-1', direction: 'EXPORT', orderedOn: date('2026-03-01')})
CREATE (a)-[:SOLD]->(o2:Order {id: 'OA-2', direction: 'IMPORT', orderedOn: date('2026-05-01')})
CREATE (:Waybill {id: 'WA-1', orderId: 'OA-1', shippedOn: date('2026-03-02'),
        carrier: 'SF Express', carrierUscc: $carrier, logisticsCode: '4101980L01'})
        -[:SHIPS]->(o1)
CREATE (:Waybill {id: 'WA-2', orderId: 'OA-2', shippedOn: date('2026-05-02'),
        carrier: '中国邮政'})-[:SHIPS]->(o2)
"""


@pytest.fixture
async def hub(graph: AsyncDriver, hub_url: str, hub_clock: HeldClock) -> str:
    hub_clock.hold(NOW)
    await graph.execute_query(
        GRAPH,
        a=A,
        b=B,
        carrier=CARRIER,
        a_name=A_NAME,
        a_name_en=A_NAME_EN,
        database_=DATABASE,
    )
    return hub_url


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "onboarding a seller"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def as_kind(hub_url: str, driver: AsyncDriver, kind: str, **kw: Any) -> str:
    return await token_for(hub_url, driver, kind, **kw)


def codes(body: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    return [
        (e["extensions"].get("code"), e["extensions"].get("reason")) for e in body.get("errors", [])
    ]


VERIFY = """query($u: String!, $n: String!, $d: Date) {
  verifyIdentity(uscc: $u, name: $n, asOf: $d) {
    uscc matches nameMatches englishNameMatches asOf registeredOn registered status
    statusSince statusCertainty } }"""


async def test_a_bank_without_consent_verifies_a_sellers_name_and_status(
    hub: str, graph: AsyncDriver
) -> None:
    bank = await as_kind(hub, graph, "bank", institution="bank-onboarding")
    # full-width parentheses, spaces: folded before comparing
    body = await ask(hub, bank, VERIFY, u=A, n=" 开封汴梁 贸易有限公司（开封）")  # noqa: RUF001
    assert "errors" not in body, body
    assert body["data"]["verifyIdentity"] == {
        "uscc": A,
        "matches": True,
        "nameMatches": True,
        "englishNameMatches": False,
        "asOf": "2026-06-15",
        "registeredOn": "2019-05-01",
        "registered": True,
        "status": "ABNORMAL",
        "statusSince": "2025-11-01",
        "statusCertainty": "RECORDED",
    }
    # the English name in full-width letters and another case
    english = await ask(hub, bank, VERIFY, u=A, n="ＫＡＩＦＥＮＧ bianliang trading co., ltd.")  # noqa: RUF001
    assert english["data"]["verifyIdentity"]["englishNameMatches"] is True
    assert english["data"]["verifyIdentity"]["nameMatches"] is False
    assert english["data"]["verifyIdentity"]["status"] == "ABNORMAL"


async def test_the_status_on_a_past_date_is_only_what_the_graph_holds(
    hub: str, graph: AsyncDriver
) -> None:
    public = await as_kind(hub, graph, "public")
    before_status = await ask(hub, public, VERIFY, u=A, n=A_NAME, d="2025-06-01")
    assert before_status["data"]["verifyIdentity"] == {
        "uscc": A,
        "matches": True,
        "nameMatches": True,
        "englishNameMatches": False,
        "asOf": "2025-06-01",
        "registeredOn": "2019-05-01",
        "registered": True,
        "status": None,
        "statusSince": "2025-11-01",
        "statusCertainty": "BEFORE_RECORD",
    }
    before_registration = await ask(hub, public, VERIFY, u=A, n=A_NAME, d="2019-01-01")
    answer = before_registration["data"]["verifyIdentity"]
    assert (answer["registered"], answer["status"], answer["statusCertainty"]) == (
        False,
        None,
        "NOT_REGISTERED",
    )
    deregistered = await ask(hub, public, VERIFY, u=B, n="郑州测试物流有限公司", d="2024-06-01")
    answer = deregistered["data"]["verifyIdentity"]
    assert (answer["registered"], answer["status"]) == (False, "DEREGISTERED")
    still_open = await ask(hub, public, VERIFY, u=B, n="郑州测试物流有限公司", d="2023-01-01")
    answer = still_open["data"]["verifyIdentity"]
    assert (answer["registered"], answer["status"]) == (True, None)


async def test_a_wrong_name_answers_as_an_unknown_code_and_names_nothing(
    hub: str, graph: AsyncDriver
) -> None:
    bank = await as_kind(hub, graph, "bank", institution="bank-onboarding")
    wrong = await ask(hub, bank, VERIFY, u=A, n="开封另一家公司")
    unknown = await ask(hub, bank, VERIFY, u=UNKNOWN, n="开封另一家公司")
    nothing = {
        "matches": False,
        "nameMatches": False,
        "englishNameMatches": False,
        "asOf": "2026-06-15",
        "registeredOn": None,
        "registered": None,
        "status": None,
        "statusSince": None,
        "statusCertainty": None,
    }
    assert wrong["data"]["verifyIdentity"] == {"uscc": A, **nothing}
    assert unknown["data"]["verifyIdentity"] == {"uscc": UNKNOWN, **nothing}
    assert "开封汴梁" not in str(wrong) and "Bianliang" not in str(wrong)


async def test_verify_identity_refuses_a_bad_code_and_a_connector(
    hub: str, graph: AsyncDriver
) -> None:
    public = await as_kind(hub, graph, "public")
    bad = await ask(hub, public, VERIFY, u=A[:-1] + ("0" if A[-1] != "0" else "1"), n=A_NAME)
    assert codes(bad) == [("BAD_USER_INPUT", None)]
    assert bad["errors"][0]["extensions"]["rule"] == "check_character"
    connector = await as_kind(hub, graph, "connector", institution="some-connector")
    refused = await ask(hub, connector, VERIFY, u=A, n=A_NAME)
    assert codes(refused) == [("FORBIDDEN", "missing_scope")]
    allowed = await ask(hub, public, VERIFY, u=A, n=A_NAME)  # the twin
    assert allowed["data"]["verifyIdentity"]["matches"] is True


RECORD = """query($u: String!) { creditRecord(uscc: $u) {
  uscc name status asOf
  listEntries { id list listedOn expiresOn }
  penalties { id severity decidedOn publicUntil }
  classifications { department scheme value effectiveFrom effectiveTo }
  repairs { penaltyId department repairedOn applicationId decision } } }"""
PUBLIC_PARTS = """query($u: String!) { creditRecord(uscc: $u) {
  listEntries { id list } penalties { id publicUntil } } }"""


async def test_the_public_credit_record_holds_published_entries_and_penalties_only(
    hub: str, graph: AsyncDriver
) -> None:
    public = await as_kind(hub, graph, "public")
    body = await ask(hub, public, PUBLIC_PARTS, u=A)
    assert "errors" not in body, body
    assert body["data"]["creditRecord"] == {
        # LA-2 (SAFE class C) is not published, LA-3 expired in 2024
        "listEntries": [{"id": "LA-1", "list": "ABNORMAL_OPERATION"}],
        # PA-2 MINOR is never published, PA-4 was repaired, PA-5's publicity ended; PA-3 was
        # sent without publicUntil: public for Order 58's longest, 36 months
        "penalties": [
            {"id": "PA-1", "publicUntil": "2026-07-10"},
            {"id": "PA-3", "publicUntil": "2027-01-01"},
        ],
    }
    refused = await ask(hub, public, RECORD, u=A)
    assert sorted(e["path"][-1] for e in refused["errors"]) == ["classifications", "repairs"]
    assert set(codes(refused)) == {("FORBIDDEN", "not_public")}


async def test_a_department_reads_every_list_and_its_own_repairs(
    hub: str, graph: AsyncDriver
) -> None:
    customs = await as_kind(hub, graph, "customs")
    body = await ask(hub, customs, RECORD, u=A)
    assert "errors" not in body, body
    record = body["data"]["creditRecord"]
    assert (record["name"], record["status"], record["asOf"]) == (A_NAME, "ABNORMAL", "2026-06-15")
    assert record["listEntries"] == [
        {"id": "LA-1", "list": "ABNORMAL_OPERATION", "listedOn": "2025-11-01", "expiresOn": None},
        {"id": "LA-2", "list": "SAFE_CLASS_C", "listedOn": "2025-01-01", "expiresOn": "2027-01-01"},
    ]
    assert record["classifications"] == [
        {
            "department": "CUSTOMS",
            "scheme": "CUSTOMS_CREDIT",
            "value": "ROUTINE",
            "effectiveFrom": "2026-04-01",
            "effectiveTo": None,
        },
        {
            "department": "TAX",
            "scheme": "TAX_CREDIT",
            "value": "C",
            "effectiveFrom": "2025-04-01",
            "effectiveTo": None,
        },
    ]
    assert record["repairs"] == []  # PA-4 is SAMR's: no longer shared with customs
    samr = await as_kind(hub, graph, "samr")
    own = await ask(hub, samr, RECORD, u=A)
    repaired = {
        "penaltyId": "PA-4",
        "department": "SAMR",
        "repairedOn": "2025-12-01",
        "applicationId": "REP-A",
        "decision": "corrected",
    }
    assert own["data"]["creditRecord"]["repairs"] == [repaired]
    subject = await as_kind(hub, graph, "enterprise", institution=A)
    mine = await ask(hub, subject, RECORD, u=A)
    assert mine["data"]["creditRecord"]["repairs"] == [repaired]


async def test_a_bank_without_consent_gets_no_record_as_for_an_unknown_code(
    hub: str, graph: AsyncDriver
) -> None:
    bank = await as_kind(hub, graph, "bank", institution="bank-onboarding")
    hidden = await ask(hub, bank, PUBLIC_PARTS, u=A)
    unknown = await ask(hub, bank, PUBLIC_PARTS, u=UNKNOWN)
    assert hidden == unknown == {"data": {"creditRecord": None}}


COMMODITY = """query($c: String!) { commodity(hsCode: $c) {
  hsCode chapter { code title } heading { code title } crossBorderRetailImport
  listEntries { listId code effect covers source { id } } } }"""


async def test_commodity_describes_the_code_and_the_lists_it_is_on(
    hub: str, graph: AsyncDriver
) -> None:
    public = await as_kind(hub, graph, "public")
    body = await ask(hub, public, COMMODITY, c="9504.5020")
    assert body["data"]["commodity"] == {
        "hsCode": "95045020",
        "chapter": {
            "code": "95",
            "title": "Toys, games and sports requisites; parts and accessories thereof",
        },
        "heading": {
            "code": "9504",
            "title": "Video game consoles and machines, table or parlour games, amusement "
            "machines operated by any means of payment (abridged)",
        },
        "crossBorderRetailImport": "LISTED",
        "listEntries": [
            {
                "listId": "CBEC_RETAIL_IMPORT",
                "code": "95045020",
                "effect": "LISTED",
                "covers": True,
                "source": {"id": "CBEC_LIST_2022"},
            }
        ],
    }
    swords = await ask(hub, public, COMMODITY, c="93070090")
    answer = swords["data"]["commodity"]
    assert answer["crossBorderRetailImport"] == "NOT_LISTED"
    assert [(e["listId"], e["effect"]) for e in answer["listEntries"]] == [
        ("CBEC_RETAIL_IMPORT", "DELISTED"),
        ("PROHIBITED_ARTICLES", "PROHIBITED_IMPORT"),
        ("PROHIBITED_ARTICLES", "PROHIBITED_EXPORT"),
    ]
    unknown = await ask(hub, public, COMMODITY, c="610910")
    assert unknown["data"]["commodity"]["crossBorderRetailImport"] == "NOT_KNOWN"
    assert unknown["data"]["commodity"]["heading"]["code"] == "6109"
    bad = await ask(hub, public, COMMODITY, c="6109")
    assert codes(bad) == [("BAD_USER_INPUT", None)]
    assert bad["errors"][0]["extensions"]["argument"] == "hsCode"


@pytest.mark.parametrize(
    ("code", "rule", "problem", "twin"),
    [
        ("000000", "hs_code_chapter", "chapter 00, which is not an HS chapter", "010121"),
        ("770000", "hs_code_chapter", "chapter 77, which the HS reserves", "760110"),
        ("990000", "hs_code_chapter", "chapter 99, which is not an HS chapter", "970110"),
        ("6.1.0.9.1.0", "hs_code_format", "a dot allowed only after the heading", "6109.10"),
    ],
)
async def test_commodity_refuses_a_code_of_no_chapter_or_with_stray_dots(
    hub: str, graph: AsyncDriver, code: str, rule: str, problem: str, twin: str
) -> None:
    public = await as_kind(hub, graph, "public")
    bad = await ask(hub, public, COMMODITY, c=code)
    assert bad["data"] == {"commodity": None}
    assert codes(bad) == [("BAD_USER_INPUT", None)]
    [error] = bad["errors"]
    assert error["extensions"]["argument"] == "hsCode"
    assert error["extensions"]["rule"] == rule
    assert problem in error["message"]
    # the allowed twin: a code of a chapter next to it, or dotted in the usual places
    good = await ask(hub, public, COMMODITY, c=twin)
    assert "errors" not in good, good
    assert good["data"]["commodity"]["hsCode"] == twin.replace(".", "")


LINES = """query($c: String!, $u: String) { commodity(hsCode: $c) {
  declaredLines(uscc: $u) { declarations valueCny enterprises
    lines { hsCode declarations valueCny enterprises } } } }"""


async def test_customs_reads_the_declared_lines_under_a_code(hub: str, graph: AsyncDriver) -> None:
    customs = await as_kind(hub, graph, "customs")
    zone = await ask(hub, customs, LINES, c="610910")
    assert zone["data"]["commodity"]["declaredLines"] == {
        "declarations": 2,
        "valueCny": "1300.5",  # money as a Decimal string, as on Enterprise.declarations
        "enterprises": 2,
        "lines": [
            {"hsCode": "61091000", "declarations": 2, "valueCny": "1300.5", "enterprises": 2}
        ],
    }
    one = await ask(hub, customs, LINES, c="610910", u=A)
    assert one["data"]["commodity"]["declaredLines"]["valueCny"] == "1000.5"
    tax = await as_kind(hub, graph, "tax")
    refused = await ask(hub, tax, LINES, c="610910")
    assert codes(refused) == [("FORBIDDEN", "missing_scope")]
    assert refused["data"]["commodity"]["declaredLines"] is None


SHIPMENTS = """query($f: ShipmentFilter, $n: Int, $a: String) {
  shipments(filter: $f, first: $n, after: $a) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id carrier carrierUscc direction sellerUscc } } } }"""


async def test_shipments_by_carrier_date_and_direction(hub: str, graph: AsyncDriver) -> None:
    customs = await as_kind(hub, graph, "customs")

    async def ids(**f: Any) -> tuple[int, list[str]]:
        body = await ask(hub, customs, SHIPMENTS, f=f)
        assert "errors" not in body, body
        page = body["data"]["shipments"]
        return page["totalCount"], [e["node"]["id"] for e in page["edges"]]

    assert await ids() == (2, ["WA-1", "WA-2"])
    assert await ids(carrier="sf") == (1, ["WA-1"])
    assert await ids(carrierUscc=CARRIER) == (1, ["WA-1"])
    assert await ids(direction="IMPORT") == (1, ["WA-2"])
    assert await ids(shippedFrom="2026-04-01") == (1, ["WA-2"])
    first = await ask(hub, customs, SHIPMENTS, n=1)
    page = first["data"]["shipments"]
    assert page["edges"][0]["node"] == {
        "id": "WA-1",
        "carrier": "SF Express",
        "carrierUscc": CARRIER,
        "direction": "EXPORT",
        "sellerUscc": A,
    }
    assert page["pageInfo"]["hasNextPage"] is True
    after = await ask(hub, customs, SHIPMENTS, n=1, a=page["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in after["data"]["shipments"]["edges"]] == ["WA-2"]
    tax = await as_kind(hub, graph, "tax")
    refused = await ask(hub, tax, SHIPMENTS)
    assert codes(refused) == [("FORBIDDEN", "missing_scope")]
    too_many = await ask(hub, customs, SHIPMENTS, n=201)
    assert codes(too_many) == [("BAD_USER_INPUT", None)]


DECLARATIONS = """query($f: DeclarationFilter) { tradeDeclarations(filter: $f, first: 10) {
  totalCount totalValueCny edges { node { id declarantUscc valueCny } } } }"""


async def test_trade_declarations_by_destination_code_and_mode(
    hub: str, graph: AsyncDriver
) -> None:
    regulator = await as_kind(hub, graph, "regulator")

    async def found(**f: Any) -> tuple[int, str, list[str]]:
        body = await ask(hub, regulator, DECLARATIONS, f=f)
        assert "errors" not in body, body
        page = body["data"]["tradeDeclarations"]
        ids = [e["node"]["id"] for e in page["edges"]]
        return page["totalCount"], page["totalValueCny"], ids

    # money as Decimal strings, as on Enterprise.declarations
    assert await found() == (4, "3800.75", ["DA-1", "DA-2", "DA-3", "DB-1"])
    assert await found(destination="US") == (2, "1300.5", ["DA-1", "DB-1"])
    assert await found(hsCodePrefix="6109", direction="EXPORT") == (
        3,
        "3300.75",
        ["DA-1", "DA-2", "DB-1"],
    )
    assert await found(mode="1210") == (1, "500.0", ["DA-3"])
    assert await found(declaredFrom="2026-01-01", declaredTo="2026-03-31") == (
        1,
        "1000.5",
        ["DA-1"],
    )
    body = await ask(hub, regulator, DECLARATIONS, f={"mode": "1210"})
    assert body["data"]["tradeDeclarations"]["edges"][0]["node"]["valueCny"] == "500.0"
    safe = await as_kind(hub, graph, "safe")
    refused = await ask(hub, safe, DECLARATIONS)
    assert codes(refused) == [("FORBIDDEN", "missing_scope")]
