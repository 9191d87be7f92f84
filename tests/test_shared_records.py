"""The shared records on Enterprise (issue 19): declarations, returns, export receipts, tax
refunds, overseas warehouses and loans as Relay connections with filters and totals, and
filings with what was filed.

Two graphs. The demo zone seeded through the signed pipeline (`hub.seed`), checked against the
records the generator produced (not against the reader under test): every record of an
enterprise comes back once, page after page, and the totals are the records' sums. Then a
hand-built graph whose expected answers are written down below: page boundaries, each filter,
totals over the filter (not the page), refusals with their allowed twins, hidden enterprises,
the audit record and the page limits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, HeldClock, eventually, hub_settings, token_for, wipe
from graphql import GraphQLSchema, OperationDefinitionNode, parse
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.api.cost import CostRule, operation_variables
from hub.api.schema import build_schema
from hub.seed import generate_zone, seed_zone
from hub.settings import FieldLimits

SECRET = b"test-person-key-secret"
DEMO_SIZE, DEMO_SEED = 80, 7


async def ask(
    hub_url: str, token: str, query: str, purpose: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": purpose or "shared records test"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def cny(value: str | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- the demo zone ---------------------------------------------------------------------------


def generated() -> dict[str, list[dict[str, Any]]]:
    """The records the generator produced for the demo zone, by record type."""
    found: dict[str, list[dict[str, Any]]] = {}
    for chunk in generate_zone(DEMO_SIZE, DEMO_SEED):
        for (record_type, _), records in chunk.records.items():
            found.setdefault(record_type, []).extend(records)
    return found


RECORDS = generated()


def busiest(record_type: str) -> tuple[str, list[dict[str, Any]]]:
    """The enterprise with most records of `record_type`, and those records."""
    by_uscc: dict[str, list[dict[str, Any]]] = {}
    for record in RECORDS[record_type]:
        by_uscc.setdefault(record["uscc"], []).append(record)
    uscc = max(sorted(by_uscc), key=lambda u: len(by_uscc[u]))
    return uscc, by_uscc[uscc]


@pytest.fixture(scope="module")
async def demo(
    driver: AsyncDriver, hub_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """The demo zone, seeded once for the demo tests below (which come first in the file:
    the hand-built graphs after them empty the database), and a regulator's token."""
    await wipe(driver)
    await seed_zone(
        driver,
        DATABASE,
        data_dir=tmp_path_factory.mktemp("demo-seed"),
        person_secret=SECRET,
        enterprises=DEMO_SIZE,
        seed=DEMO_SEED,
    )
    yield await token_for(hub_url, driver, "regulator")


CONNECTION = """query($u: String!, $first: Int, $after: String) {
  enterprise(uscc: $u) { FIELD(first: $first, after: $after) {
    edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount TOTAL } } }"""


async def every_page(
    hub_url: str, token: str, uscc: str, field: str, total: str, first: int
) -> tuple[list[str], list[dict[str, Any]]]:
    """The ids of every record of a connection, following endCursor, and each page's answer."""
    query = CONNECTION.replace("FIELD", field).replace("TOTAL", total)
    ids: list[str] = []
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        body = await ask(hub_url, token, query, u=uscc, first=first, after=after)
        assert "errors" not in body, body
        page = body["data"]["enterprise"][field]
        pages.append(page)
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids, pages
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("record_type", "field", "dated", "amount", "total"),
    [
        ("customs.declaration@1", "declarations", "declaredOn", "valueCny", "totalValueCny"),
        ("fx.export_receipt@1", "exportReceipts", "receivedOn", "amountCny", "totalAmountCny"),
        ("tax.refund@1", "taxRefunds", "claimedOn", "amountCny", "totalAmountCny"),
        ("bank.loan@1", "loans", "grantedOn", "amountCny", "totalAmountCny"),
        ("customs.return@1", "returns", "returnedOn", "valueCny", "totalValueCny"),
    ],
)
async def test_the_demo_records_come_back_page_after_page_with_their_totals(
    demo: str,
    hub_url: str,
    record_type: str,
    field: str,
    dated: str,
    amount: str,
    total: str,
) -> None:
    uscc, records = busiest(record_type)
    newest_first = sorted(records, key=lambda r: (r[dated], r["id"]), reverse=True)
    ids, pages = await every_page(hub_url, demo, uscc, field, total, first=2)
    assert ids == [r["id"] for r in newest_first]
    assert len(pages) == max(1, (len(records) + 1) // 2)  # pages of 2, the last one short
    for page in pages:
        assert page["totalCount"] == len(records)  # over all pages, not the page
        assert cny(page[total]) == sum(cny(r[amount]) for r in records)


async def test_the_demo_declarations_filter_as_their_records_say(demo: str, hub_url: str) -> None:
    uscc, records = busiest("customs.declaration@1")
    sample = records[0]
    query = """query($u: String!, $f: DeclarationFilter) { enterprise(uscc: $u) {
      declarations(filter: $f, first: 100) { edges { node { id mode direction destination
        hsCode declaredOn valueCny source batch } } totalCount totalValueCny } } }"""
    cases: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [
        ({"mode": sample["mode"]}, [r for r in records if r["mode"] == sample["mode"]]),
        (
            {"direction": sample["direction"]},
            [r for r in records if r["direction"] == sample["direction"]],
        ),
        (
            {"destination": sample["destination"]},
            [r for r in records if r["destination"] == sample["destination"]],
        ),
        (
            {"hsCodePrefix": sample["hsCode"][:4]},
            [r for r in records if r["hsCode"].startswith(sample["hsCode"][:4])],
        ),
        (
            {"declaredFrom": sample["declaredOn"], "declaredTo": sample["declaredOn"]},
            [r for r in records if r["declaredOn"] == sample["declaredOn"]],
        ),
    ]
    for given, expected in cases:
        body = await ask(hub_url, demo, query, u=uscc, f=given)
        assert "errors" not in body, body
        answer = body["data"]["enterprise"]["declarations"]
        assert sorted(e["node"]["id"] for e in answer["edges"]) == sorted(
            r["id"] for r in expected
        ), given
        assert answer["totalCount"] == len(expected)
        assert cny(answer["totalValueCny"]) == sum(cny(r["valueCny"]) for r in expected)
    body = await ask(hub_url, demo, query, u=uscc, f={})
    nodes = {
        e["node"]["id"]: e["node"] for e in body["data"]["enterprise"]["declarations"]["edges"]
    }
    for record in records:  # each field as sent, with its lineage
        node = nodes[record["id"]]
        assert (node["mode"], node["hsCode"], node["declaredOn"]) == (
            record["mode"],
            record["hsCode"],
            record["declaredOn"],
        )
        assert node["source"] == "customs-demo" and node["batch"]


async def test_the_demo_warehouses_and_filings_are_as_sent(demo: str, hub_url: str) -> None:
    for warehouse in RECORDS["commerce.overseas_warehouse@1"][:3]:
        query = """query($u: String!, $c: String) { enterprise(uscc: $u) {
          overseasWarehouses(filter: {country: $c}) { edges { node { id country city
            stockValueCny since until } } totalCount totalStockCny } } }"""
        body = await ask(hub_url, demo, query, u=warehouse["uscc"], c=warehouse["country"])
        answer = body["data"]["enterprise"]["overseasWarehouses"]
        same = [
            w
            for w in RECORDS["commerce.overseas_warehouse@1"]
            if w["uscc"] == warehouse["uscc"] and w["country"] == warehouse["country"]
        ]
        assert sorted(e["node"]["id"] for e in answer["edges"]) == sorted(w["id"] for w in same)
        assert cny(answer["totalStockCny"]) == sum(cny(w["stockValueCny"]) for w in same)
    uscc, filings = busiest("filing@1")
    query = """query($u: String!) { enterprise(uscc: $u) {
      filings { id kind filedWith documentNo title sharedWith source batch } } }"""
    body = await ask(hub_url, demo, query, u=uscc)
    got = {f["id"]: f for f in body["data"]["enterprise"]["filings"]}
    assert set(got) == {f["id"] for f in filings}
    for filing in filings:
        shown = got[filing["id"]]
        assert (shown["kind"], shown["filedWith"], shown["documentNo"], shown["title"]) == (
            filing["kind"],
            filing["filedWith"],
            filing["documentNo"],
            filing["title"],
        )
        assert sorted(shown["sharedWith"]) == sorted(filing["sharedWith"])
        assert shown["source"] == "zone-admin-demo" and shown["batch"]


# --- a hand-built graph ----------------------------------------------------------------------

A, B = make_uscc("9", "1", "410200", "RC000001"), make_uscc("9", "1", "410200", "RC000002")
NOON = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
CONSENT_UNTIL = "2027-01-01T00:00:00+00:00"
LENDER = "bank-own"

GRAPH = """
UNWIND [[$a, 'Records Co.'], [$b, 'Hidden Co.']] AS e
CREATE (:Enterprise {uscc: e[0], name: e[1], zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
UNWIND [['D-1', '2026-01-10', 'EXPORT', '9610', 'DE', '61091000', 100.0],
        ['D-2', '2026-01-10', 'EXPORT', '9710', 'US', '94036000', 250.5],
        ['D-3', '2026-02-01', 'IMPORT', '1210', 'JP', '33049900', 40.0],
        ['D-4', '2026-03-05', 'EXPORT', '9610', 'DE', '61099000', 1000.0],
        ['D-5', '2026-03-05', 'EXPORT', '9810', 'PL', '85171200', 9.99]] AS d
CREATE (a)-[:DECLARED]->(:Declaration {id: d[0], declaredOn: date(d[1]), direction: d[2],
        mode: d[3], destination: d[4], hsCode: d[5], valueCny: d[6], source: 'customs-conn',
        batch: 'batch-c1'})
WITH DISTINCT a, b
CREATE (b)-[:DECLARED]->(:Declaration {id: 'D-B', declaredOn: date('2026-01-01'),
        direction: 'EXPORT', mode: '9610', destination: 'DE', hsCode: '61091000',
        valueCny: 7.0, source: 'customs-conn', batch: 'batch-c1'})
CREATE (a)-[:RETURNED]->(:Return {id: 'RT-1', declarationId: 'D-1', returnedOn: date('2026-02-01'),
        valueCny: 50.0, reason: 'damaged', source: 'customs-conn', batch: 'batch-c2'}),
       (a)-[:RETURNED]->(:Return {id: 'RT-2', declarationId: 'D-4', returnedOn: date('2026-03-20'),
        valueCny: 100.0, reason: 'rejected', source: 'customs-conn', batch: 'batch-c2'})
CREATE (a)-[:RECEIVED]->(:ExportReceipt {id: 'R-1', receivedOn: date('2026-02-10'),
        amount: 100.0, currency: 'USD', amountCny: 710.0, payerCountry: 'DE', bank: 'BOC',
        declarationId: 'D-1', source: 'bank-conn', batch: 'batch-b1'}),
       (a)-[:RECEIVED]->(:ExportReceipt {id: 'R-2', receivedOn: date('2026-02-12'),
        amount: 50.0, currency: 'EUR', amountCny: 385.0, payerCountry: 'FR', bank: 'BOC',
        orderId: 'O-1', source: 'bank-conn', batch: 'batch-b1'}),
       (a)-[:RECEIVED]->(:ExportReceipt {id: 'R-3', receivedOn: date('2026-03-01'),
        amount: 20.0, currency: 'USD', amountCny: 142.0, payerCountry: 'US', bank: 'BOC',
        source: 'bank-conn', batch: 'batch-b1'})
CREATE (a)-[:CLAIMED]->(:TaxRefund {id: 'T-1', claimedOn: date('2026-01-20'), amountCny: 500.0,
        status: 'PAID', paidOn: date('2026-02-20'), source: 'tax-conn', batch: 'batch-t1'}),
       (a)-[:CLAIMED]->(:TaxRefund {id: 'T-2', claimedOn: date('2026-03-10'), amountCny: 300.0,
        status: 'CLAIMED', source: 'tax-conn', batch: 'batch-t1'}),
       (a)-[:CLAIMED]->(:TaxRefund {id: 'T-3', claimedOn: date('2026-04-01'), amountCny: 200.0,
        status: 'REJECTED', source: 'tax-conn', batch: 'batch-t1'})
CREATE (a)-[:OPERATES {since: date('2024-01-01')}]->(:OverseasWarehouse {id: 'W-1',
        name: 'Duisburg', country: 'DE', city: 'Duisburg', stockValueCny: 1000.0,
        stockAsOf: date('2026-05-31'), source: 'commerce-conn', batch: 'batch-m1'}),
       (a)-[:OPERATES {since: date('2022-01-01'), until: date('2023-12-31')}]->
       (:OverseasWarehouse {id: 'W-2', name: 'Newark', country: 'US', city: 'Newark',
        stockValueCny: 0.0, stockAsOf: date('2023-12-31'), source: 'commerce-conn',
        batch: 'batch-m1'}),
       (a)-[:OPERATES {since: date('2025-01-01')}]->(:OverseasWarehouse {id: 'W-3',
        name: 'Hamburg', country: 'DE', city: 'Hamburg', stockValueCny: 500.0,
        stockAsOf: date('2026-05-31'), source: 'commerce-conn', batch: 'batch-m1'})
CREATE (a)-[:BORROWED]->(:Loan {id: 'L-1', lender: $lender, amountCny: 1000000.0,
        grantedOn: date('2025-06-01'), dueOn: date('2026-12-01'), status: 'CURRENT',
        source: 'bank-conn', batch: 'batch-b2'}),
       (a)-[:BORROWED]->(:Loan {id: 'L-2', lender: 'other-bank', amountCny: 500000.0,
        grantedOn: date('2025-09-01'), dueOn: date('2026-03-01'), status: 'OVERDUE',
        source: 'bank-conn', batch: 'batch-b2'}),
       (a)-[:BORROWED]->(:Loan {id: 'L-3', lender: $lender, amountCny: 200000.0,
        grantedOn: date('2026-01-05'), dueOn: date('2026-05-05'), status: 'DEFAULT',
        source: 'bank-conn', batch: 'batch-b2'})
"""

GRANT = """mutation($i: String!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s, expiresAt: $x) { id }
}"""


@pytest.fixture
async def built(graph: AsyncDriver, hub_url: str, hub_clock: HeldClock) -> AsyncDriver:
    hub_clock.hold(NOON)
    await graph.execute_query(GRAPH, a=A, b=B, lender=LENDER, database_=DATABASE)
    return graph


async def lender_with(hub_url: str, driver: AsyncDriver, name: str, scopes: list[str]) -> str:
    """A bank called `name` to which A (and only A) consented `scopes`."""
    token = await token_for(hub_url, driver, "bank", institution=name)
    own = await token_for(hub_url, driver, "enterprise", institution=A)
    granted = await ask(hub_url, own, GRANT, i=name, s=scopes, x=CONSENT_UNTIL)
    assert "errors" not in granted, granted
    return token


def ids(answer: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in answer["edges"]]


PAGE = """query($u: String!, $after: String) { enterprise(uscc: $u) {
  declarations(first: 2, after: $after) { edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount totalValueCny }
} }"""


async def test_declarations_page_newest_first_with_totals_over_every_page(
    built: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, built, "customs")
    seen: list[list[str]] = []
    after = None
    for expected_next in (True, True, False):
        body = await ask(hub_url, token, PAGE, u=A, after=after)
        assert "errors" not in body, body
        page = body["data"]["enterprise"]["declarations"]
        seen.append(ids(page))
        info = page["pageInfo"]
        assert info["hasNextPage"] is expected_next
        assert info["hasPreviousPage"] is (after is not None)
        assert info["endCursor"] == page["edges"][-1]["cursor"]
        assert page["totalCount"] == 5 and page["totalValueCny"] == "1400.49"
        after = info["endCursor"]
    # same day: the larger id first; B's declaration is not A's
    assert seen == [["D-5", "D-4"], ["D-3", "D-2"], ["D-1"]]


@pytest.mark.parametrize(
    ("given", "expected", "total"),
    [
        ({"mode": "9610"}, ["D-4", "D-1"], "1100.0"),
        ({"direction": "IMPORT"}, ["D-3"], "40.0"),
        ({"destination": "DE"}, ["D-4", "D-1"], "1100.0"),
        ({"hsCodePrefix": "94"}, ["D-2"], "250.5"),
        ({"hsCodePrefix": "6109"}, ["D-4", "D-1"], "1100.0"),
        (
            {"declaredFrom": "2026-02-01", "declaredTo": "2026-03-05"},
            ["D-5", "D-4", "D-3"],
            "1049.99",
        ),
        ({"declaredTo": "2026-01-09"}, [], "0.0"),
    ],
)
async def test_each_declaration_filter_and_its_totals(
    built: AsyncDriver, hub_url: str, given: dict[str, str], expected: list[str], total: str
) -> None:
    token = await token_for(hub_url, built, "customs")
    query = """query($u: String!, $f: DeclarationFilter) { enterprise(uscc: $u) {
      declarations(filter: $f) { edges { node { id } } totalCount totalValueCny } } }"""
    body = await ask(hub_url, token, query, u=A, f=given)
    answer = body["data"]["enterprise"]["declarations"]
    assert ids(answer) == expected
    assert answer["totalCount"] == len(expected) and answer["totalValueCny"] == total


async def test_totals_count_the_filter_not_the_page(built: AsyncDriver, hub_url: str) -> None:
    token = await token_for(hub_url, built, "customs")
    query = """query($u: String!) { enterprise(uscc: $u) {
      declarations(first: 1, filter: {destination: "DE"}) { edges { node { id } }
        totalCount totalValueCny } } }"""
    answer = (await ask(hub_url, token, query, u=A))["data"]["enterprise"]["declarations"]
    assert ids(answer) == ["D-4"]
    assert (answer["totalCount"], answer["totalValueCny"]) == (2, "1100.0")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, ["R-3", "R-2", "R-1"]),
        ({"settles": "DECLARATION"}, ["R-1"]),
        ({"settles": "ORDER"}, ["R-2"]),
        ({"settles": "ADVANCE"}, ["R-3"]),
        ({"currency": "USD"}, ["R-3", "R-1"]),
        ({"payerCountry": "FR"}, ["R-2"]),
        ({"receivedFrom": "2026-02-11", "receivedTo": "2026-02-28"}, ["R-2"]),
    ],
)
async def test_export_receipts_filter_by_what_they_settle_currency_payer_and_date(
    built: AsyncDriver, hub_url: str, given: dict[str, str], expected: list[str]
) -> None:
    token = await token_for(hub_url, built, "safe")
    query = """query($u: String!, $f: ExportReceiptFilter) { enterprise(uscc: $u) {
      exportReceipts(filter: $f) { edges { node { id } } totalCount } } }"""
    answer = (await ask(hub_url, token, query, u=A, f=given))["data"]["enterprise"]
    assert ids(answer["exportReceipts"]) == expected
    assert answer["exportReceipts"]["totalCount"] == len(expected)


async def test_receipts_total_by_currency_and_refunds_by_status(
    built: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, built, "regulator")
    query = """query($u: String!) { enterprise(uscc: $u) {
      exportReceipts(first: 1) { totalAmountCny byCurrency { currency count amount amountCny } }
      taxRefunds(first: 1) { edges { node { id status paidOn } } totalCount totalAmountCny
        byStatus { status count amountCny } }
      paid: taxRefunds(filter: {status: PAID}) { edges { node { id } } totalAmountCny }
      returns(filter: {declarationId: "D-4"}) { edges { node { id declarationId reason } }
        totalCount totalValueCny }
      allReturns: returns { edges { node { id } } totalValueCny } } }"""
    body = await ask(hub_url, token, query, u=A)
    assert "errors" not in body, body
    answer = body["data"]["enterprise"]
    assert answer["exportReceipts"] == {
        "totalAmountCny": "1237.0",
        "byCurrency": [
            {"currency": "EUR", "count": 1, "amount": "50.0", "amountCny": "385.0"},
            {"currency": "USD", "count": 2, "amount": "120.0", "amountCny": "852.0"},
        ],
    }
    assert answer["taxRefunds"] == {
        "edges": [{"node": {"id": "T-3", "status": "REJECTED", "paidOn": None}}],
        "totalCount": 3,
        "totalAmountCny": "1000.0",
        "byStatus": [
            {"status": "CLAIMED", "count": 1, "amountCny": "300.0"},
            {"status": "PAID", "count": 1, "amountCny": "500.0"},
            {"status": "REJECTED", "count": 1, "amountCny": "200.0"},
        ],
    }
    assert answer["paid"] == {"edges": [{"node": {"id": "T-1"}}], "totalAmountCny": "500.0"}
    assert answer["returns"] == {
        "edges": [{"node": {"id": "RT-2", "declarationId": "D-4", "reason": "rejected"}}],
        "totalCount": 1,
        "totalValueCny": "100.0",
    }
    assert answer["allReturns"] == {
        "edges": [{"node": {"id": "RT-2"}}, {"node": {"id": "RT-1"}}],
        "totalValueCny": "150.0",
    }


@pytest.mark.parametrize(
    ("given", "expected", "stock"),
    [
        ({}, ["W-1", "W-2", "W-3"], "1500.0"),
        ({"current": True}, ["W-1", "W-3"], "1500.0"),
        ({"current": False}, ["W-2"], "0.0"),
        ({"country": "US"}, ["W-2"], "0.0"),
    ],
)
async def test_warehouses_filter_by_country_and_whether_still_operated(
    built: AsyncDriver, hub_url: str, given: dict[str, Any], expected: list[str], stock: str
) -> None:
    token = await token_for(hub_url, built, "commerce")
    query = """query($u: String!, $f: OverseasWarehouseFilter) { enterprise(uscc: $u) {
      overseasWarehouses(filter: $f, first: 2) { edges { node { id } } totalCount
        totalStockCny } } }"""
    first = (await ask(hub_url, token, query, u=A, f=given))["data"]["enterprise"]
    answer = first["overseasWarehouses"]
    assert ids(answer) == expected[:2]
    assert (answer["totalCount"], answer["totalStockCny"]) == (len(expected), stock)


LOANS = """query($u: String!, $f: LoanFilter) { enterprise(uscc: $u) {
  loans(filter: $f) { edges { node { id lender status } } totalCount totalAmountCny
    byStatus { status count } } } }"""


async def test_a_supervisor_reads_every_lenders_loans_a_bank_only_its_own(
    built: AsyncDriver, hub_url: str
) -> None:
    regulator = await token_for(hub_url, built, "regulator")
    every = (await ask(hub_url, regulator, LOANS, u=A))["data"]["enterprise"]["loans"]
    assert ids(every) == ["L-3", "L-2", "L-1"]
    assert every["totalAmountCny"] == "1700000.0"
    overdue = await ask(hub_url, regulator, LOANS, u=A, f={"status": "OVERDUE"})
    assert ids(overdue["data"]["enterprise"]["loans"]) == ["L-2"]
    bank = await lender_with(hub_url, built, LENDER, ["enterprise:read", "financing:read"])
    body = await ask(hub_url, bank, LOANS, u=A)
    assert "errors" not in body, body
    own = body["data"]["enterprise"]["loans"]
    assert ids(own) == ["L-3", "L-1"]  # never the other bank's L-2, nor in the totals
    assert (own["totalCount"], own["totalAmountCny"]) == (2, "1200000.0")
    assert own["byStatus"] == [
        {"status": "CURRENT", "count": 1},
        {"status": "DEFAULT", "count": 1},
    ]


async def test_a_bank_reads_records_only_under_a_consent_covering_financing(
    built: AsyncDriver, hub_url: str
) -> None:
    query = """query($u: String!) { enterprise(uscc: $u) { name
      declarations { totalCount } exportReceipts { totalCount } } }"""
    only_e = await lender_with(hub_url, built, "bank-e", ["enterprise:read"])
    refused = await ask(hub_url, only_e, query, u=A)
    assert refused["data"]["enterprise"] == {
        "name": "Records Co.",
        "declarations": None,
        "exportReceipts": None,
    }
    assert {e["extensions"]["reason"] for e in refused["errors"]} == {"no_consent"}
    assert {e["message"] for e in refused["errors"]} == {
        "Enterprise.declarations needs a consent of this enterprise covering financing:read",
        "Enterprise.exportReceipts needs a consent of this enterprise covering financing:read",
    }
    twin = await lender_with(hub_url, built, "bank-ef", ["enterprise:read", "financing:read"])
    allowed = await ask(hub_url, twin, query, u=A)
    assert "errors" not in allowed, allowed
    assert allowed["data"]["enterprise"]["declarations"] == {"totalCount": 5}
    # B consented nothing: as unknown, not refused
    hidden = await ask(hub_url, twin, query, u=B)
    assert hidden == {"data": {"enterprise": None}}


@pytest.mark.parametrize(
    ("kind", "allowed", "refused"),
    [
        ("customs", "declarations", "exportReceipts"),
        ("safe", "exportReceipts", "taxRefunds"),
        ("tax", "taxRefunds", "declarations"),
        ("commerce", "overseasWarehouses", "loans"),
        ("regulator", "loans", None),
    ],
)
async def test_each_department_reads_its_own_records_not_anothers(
    built: AsyncDriver, hub_url: str, kind: str, allowed: str, refused: str | None
) -> None:
    token = await token_for(hub_url, built, kind)
    fields = " ".join(f"{f} {{ totalCount }}" for f in (allowed, refused) if f)
    body = await ask(hub_url, token, f'{{ enterprise(uscc: "{A}") {{ {fields} }} }}')
    assert body["data"]["enterprise"][allowed]["totalCount"] >= 1
    if refused is None:
        assert "errors" not in body
        return
    assert body["data"]["enterprise"][refused] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["reason"] == "missing_scope"


async def test_public_reads_no_record_and_a_hidden_enterprise_is_unknown(
    built: AsyncDriver, hub_url: str
) -> None:
    public = await token_for(hub_url, built, "public")
    body = await ask(
        hub_url, public, f'{{ enterprise(uscc: "{A}") {{ declarations {{ totalCount }} }} }}'
    )
    assert body["data"]["enterprise"] == {"declarations": None}
    assert body["errors"][0]["extensions"]["reason"] == "not_public"
    # an enterprise reads its own records, and another's connections are as unknown
    own = await token_for(hub_url, built, "enterprise", institution=A)
    query = '{ enterprise(uscc: "USCC") { declarations { totalCount } loans { totalCount } } }'
    mine = await ask(hub_url, own, query.replace("USCC", A))
    assert mine == {
        "data": {"enterprise": {"declarations": {"totalCount": 5}, "loans": {"totalCount": 3}}}
    }
    other = await ask(hub_url, own, query.replace("USCC", B))
    unknown = await ask(
        hub_url, own, query.replace("USCC", make_uscc("9", "1", "410200", "RC000009"))
    )
    assert other == unknown == {"data": {"enterprise": None}}


@pytest.mark.parametrize(
    ("arguments", "message", "argument"),
    [
        ("first: 101", "first must be between 1 and 100, got 101", "first"),
        (
            'filter: {declaredFrom: "2026-03-01", declaredTo: "2026-02-01"}',
            "filter.declaredFrom 2026-03-01 is after filter.declaredTo 2026-02-01",
            "filter.declaredFrom",
        ),
        (
            'filter: {hsCodePrefix: "61-09"}',
            "filter.hsCodePrefix must be 1 to 10 digits, got '61-09'",
            "filter.hsCodePrefix",
        ),
        (
            'after: "bm90LWEtY3Vyc29y"',
            "cursor 'bm90LWEtY3Vyc29y' is not one this API issued; pass an endCursor from a "
            "previous page",
            "after",
        ),
    ],
)
async def test_bad_arguments_are_named_and_their_twins_answer(
    built: AsyncDriver, hub_url: str, arguments: str, message: str, argument: str
) -> None:
    token = await token_for(hub_url, built, "customs")
    query = f'{{ enterprise(uscc: "{A}") {{ declarations({arguments}) {{ totalCount }} }} }}'
    body = await ask(hub_url, token, query)
    [error] = body["errors"]
    assert error["message"] == message
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    twin = await ask(
        hub_url,
        token,
        f'{{ enterprise(uscc: "{A}") {{ declarations(first: 100) {{ totalCount }} }} }}',
    )
    assert twin == {"data": {"enterprise": {"declarations": {"totalCount": 5}}}}


async def test_a_cursor_of_one_connection_is_refused_by_another(
    built: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, built, "regulator")
    page = await ask(hub_url, token, PAGE, u=A)
    cursor = page["data"]["enterprise"]["declarations"]["pageInfo"]["endCursor"]
    query = """query($u: String!, $after: String) { enterprise(uscc: $u) {
      returns(after: $after) { totalCount } } }"""
    body = await ask(hub_url, token, query, u=A, after=cursor)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}


# a cursor is bound to its connection, its enterprise and its filter: per connection, a filter,
# the first record under it (first: 1) and the next one
BOUND = [
    ("declarations", "DeclarationFilter", {"destination": "DE"}, "D-4", "D-1"),
    ("returns", "ReturnFilter", {"returnedFrom": "2026-01-01"}, "RT-2", "RT-1"),
    ("exportReceipts", "ExportReceiptFilter", {"currency": "USD"}, "R-3", "R-1"),
    ("taxRefunds", "TaxRefundFilter", {"claimedFrom": "2026-01-01"}, "T-3", "T-2"),
    ("overseasWarehouses", "OverseasWarehouseFilter", {"country": "DE"}, "W-1", "W-3"),
    ("loans", "LoanFilter", {"grantedFrom": "2025-01-01"}, "L-3", "L-2"),
]


@pytest.mark.parametrize(("field", "filter_type", "given", "first_id", "next_id"), BOUND)
async def test_a_cursor_is_refused_on_another_enterprise_or_filter_and_followed_on_its_own(
    built: AsyncDriver,
    hub_url: str,
    field: str,
    filter_type: str,
    given: dict[str, str],
    first_id: str,
    next_id: str,
) -> None:
    token = await token_for(hub_url, built, "regulator")
    query = f"""query($u: String!, $f: {filter_type}, $after: String) {{ enterprise(uscc: $u) {{
      {field}(first: 1, filter: $f, after: $after) {{ edges {{ node {{ id }} }}
        pageInfo {{ endCursor }} }} }} }}"""
    first = (await ask(hub_url, token, query, u=A, f=given))["data"]["enterprise"][field]
    assert ids(first) == [first_id]
    cursor = first["pageInfo"]["endCursor"]

    def refused(body: dict[str, Any], why: str) -> None:
        [error] = body["errors"]
        assert error["message"] == why
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}

    elsewhere = await ask(hub_url, token, query, u=B, f=given, after=cursor)
    refused(
        elsewhere,
        "after is a cursor of another enterprise's page; pass an endCursor of this "
        "enterprise's previous page",
    )
    unfiltered = await ask(hub_url, token, query, u=A, after=cursor)
    refused(
        unfiltered,
        "after is a cursor of a page under another filter; pass an endCursor of a previous "
        "page under the same filter",
    )
    # the twin: the same cursor on its own enterprise under its own filter goes on
    own = await ask(hub_url, token, query, u=A, f=given, after=cursor)
    assert "errors" not in own, own
    assert ids(own["data"]["enterprise"][field]) == [next_id]


async def test_a_declarations_cursor_is_refused_under_another_filter_value(
    built: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, built, "customs")
    query = """query($f: DeclarationFilter, $after: String) { enterprise(uscc: "USCC") {
      declarations(first: 1, filter: $f, after: $after) { edges { node { id } }
        pageInfo { endCursor } } } }""".replace("USCC", A)
    first = await ask(hub_url, token, query, f={"mode": "9610"})
    cursor = first["data"]["enterprise"]["declarations"]["pageInfo"]["endCursor"]
    other = await ask(hub_url, token, query, f={"mode": "9710"}, after=cursor)
    assert other["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    assert "another filter" in other["errors"][0]["message"]
    # the same filter, its fields given in another order, is the same filter
    same = await ask(hub_url, token, query, f={"mode": "9610", "hsCodePrefix": None}, after=cursor)
    assert ids(same["data"]["enterprise"]["declarations"]) == ["D-1"]


# --- a page of enterprises each asking connections ---------------------------------------------

PAGE_SIZE = 100


def paged(i: int) -> str:
    return make_uscc("9", "1", "410300", f"PG{i:06d}")


# enterprise i: i % 3 declarations PD-i-k (k = 1..), valued 10 i + k, declared 2026-01-01 + k
# days; i % 4 orders PO-i-k, goods 100 k, ordered 2026-02-01 + k days (no documents)
PAGED_GRAPH = """
UNWIND range(0, size($usccs) - 1) AS i
CREATE (e:Enterprise {uscc: $usccs[i], name: 'Paged Co. ' + i, zone: 'KAIFENG',
                      status: 'ACTIVE', registeredOn: date('2020-01-01')})
FOREACH (k IN range(1, i % 3) |
  CREATE (e)-[:DECLARED]->(:Declaration {id: 'PD-' + i + '-' + k,
          declaredOn: date('2026-01-01') + duration({days: k}), direction: 'EXPORT',
          mode: '9610', destination: 'DE', hsCode: '61091000', valueCny: toFloat(10 * i + k),
          source: 'customs-conn', batch: 'batch-p1'}))
FOREACH (k IN range(1, i % 4) |
  CREATE (e)-[:SOLD]->(:Order {id: 'PO-' + i + '-' + k,
          orderedOn: date('2026-02-01') + duration({days: k}), direction: 'EXPORT',
          goodsCny: 100.0 * k, freightCny: 0.0, taxCny: 0.0, discountCny: 0.0,
          source: 'commerce-conn', batch: 'batch-p1'}))
"""

PAGED = """{ enterprises(first: 100, filter: {nameContains: "Paged Co."}) { edges { node {
  uscc
  declarations(first: 1) { edges { node { id } } totalCount totalValueCny }
  orders(first: 1) { edges { node { id } } totalCount totalGoodsCny } } } } }"""


async def test_a_page_of_enterprises_reads_each_connection_in_one_query(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub_clock.hold(NOON)
    usccs = [paged(i) for i in range(PAGE_SIZE)]
    await graph.execute_query(PAGED_GRAPH, usccs=usccs, database_=DATABASE)
    token = await token_for(hub_url, graph, "customs")
    # count the statements the hub runs for the connections (the served hub is in-process)
    import hub.documents.reads as order_reads
    import hub.records.reads as record_reads

    statements: list[str] = []
    for module in (record_reads, order_reads):
        original = module.read_records

        async def counted(*args: Any, _read: Any = original, **kwargs: Any) -> Any:
            statements.append(args[2])
            return await _read(*args, **kwargs)

        monkeypatch.setattr(module, "read_records", counted)
    body = await ask(hub_url, token, PAGED)
    monkeypatch.undo()
    assert "errors" not in body, body
    nodes = {e["node"]["uscc"]: e["node"] for e in body["data"]["enterprises"]["edges"]}
    assert len(nodes) == PAGE_SIZE
    expected = {
        0: (([], 0, "0.0"), ([], 0, "0.00")),
        5: ((["PD-5-2"], 2, "103.0"), (["PO-5-1"], 1, "100.00")),
        7: ((["PD-7-1"], 1, "71.0"), (["PO-7-3"], 3, "600.00")),
        50: ((["PD-50-2"], 2, "1003.0"), (["PO-50-2"], 2, "300.00")),
        99: (([], 0, "0.0"), (["PO-99-3"], 3, "600.00")),
    }
    for i, (declared, sold) in expected.items():
        node = nodes[paged(i)]
        declarations, orders = node["declarations"], node["orders"]
        assert (
            ids(declarations),
            declarations["totalCount"],
            declarations["totalValueCny"],
        ) == declared, i
        assert (ids(orders), orders["totalCount"], orders["totalGoodsCny"]) == sold, i
    # one statement per connection for the whole page (its page, its totals), not one each
    assert len(statements) == 4, statements


async def test_a_read_of_a_connection_is_audited_by_its_name(
    built: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, built, "regulator")
    purpose = "audit of the shared records"
    query = '{ enterprise(uscc: "USCC") { declarations { edges { node { valueCny } } } } }'
    body = await ask(hub_url, token, query.replace("USCC", A), purpose=purpose)
    assert "errors" not in body
    auditor = await token_for(hub_url, built, "admin")
    log = """query($u: String!) { auditLog(filter: {uscc: $u}, first: 20) {
      purpose enterprises fields outcome } }"""

    async def recorded() -> list[dict[str, Any]] | None:
        entries = (await ask(hub_url, auditor, log, u=A))["data"]["auditLog"]
        found = [e for e in entries if e["purpose"] == purpose]
        return found or None

    assert await eventually(recorded) == [
        {
            "purpose": purpose,
            "enterprises": [A],
            "fields": ["enterprise.declarations"],
            "outcome": "ok",
        }
    ]


async def test_a_connection_read_through_the_enterprises_page_is_audited_by_its_name(
    built: AsyncDriver, hub_url: str
) -> None:
    token = await token_for(hub_url, built, "regulator")
    purpose = "audit of the shared records through a page"
    query = """{ enterprises(filter: {nameContains: "Records Co."}, first: 5) {
      edges { node { uscc taxRefunds { totalCount } } } } }"""
    body = await ask(hub_url, token, query, purpose=purpose)
    assert "errors" not in body
    auditor = await token_for(hub_url, built, "admin")
    log = """query($u: String!) { auditLog(filter: {uscc: $u}, first: 20) {
      purpose fields } }"""

    async def recorded() -> list[dict[str, Any]] | None:
        entries = (await ask(hub_url, auditor, log, u=A))["data"]["auditLog"]
        return [e for e in entries if e["purpose"] == purpose] or None

    # the page's nodes are looked through: the record names the connection each node read
    assert await eventually(recorded) == [
        {
            "purpose": purpose,
            "fields": ["enterprises.edges", "enterprises.taxRefunds", "enterprises.uscc"],
        }
    ]


# --- cost ------------------------------------------------------------------------------------


def priced(schema: GraphQLSchema, query: str) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return CostRule(schema, FieldLimits()).cost(operation, {}, operation_variables(operation, {}))


def test_a_page_of_enterprises_each_asking_a_page_of_records_is_priced_by_both_pages() -> None:
    schema = build_schema(hub_settings(neo4j_uri="bolt://unused"))._schema
    each = "declarations(first: 100) { edges { node { id declaredOn valueCny } } }"
    query = "{ enterprises(first: N) { edges { node { EACH } } } }".replace("EACH", each)
    # declarations: 1 + 100 x (edges 1 + node (1 + 3)) = 501; enterprises: 1 + N x (1 + 1 + 501)
    assert priced(schema, query.replace("N", "100")) == 1 + 100 * 503 == 50_301  # over 50,000
    assert priced(schema, query.replace("N", "50")) == 1 + 50 * 503 == 25_151  # the twin: under
    # a connection left without `first` is priced at the table's default page (20)
    small = "{ enterprises(first: 10) { edges { node { loans { totalCount } } } } }"
    assert priced(schema, small) == 1 + 10 * (1 + 1 + (1 + 20 * 1)) == 231


# --- the documented examples -----------------------------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "shared-records.md"
DOC_USCC = "91410100MA44K7XB66"
# the client kind each example of the page is written for, in the page's order
DOC_KINDS = ("customs", "safe", "tax", "commerce", "regulator", "bank", "customs")


def doc_examples() -> list[str]:
    """The GraphQL examples of docs/shared-records.md (its own sections, not the orders')."""
    text = DOC.read_text(encoding="utf-8").split("## Orders and their three documents")[0]
    return re.findall(r"```graphql\n(.*?)\n```", text, flags=re.S)


async def test_the_documented_examples_answer_for_their_department(
    built: AsyncDriver, hub_url: str
) -> None:
    examples = doc_examples()
    assert len(examples) == len(DOC_KINDS)
    bank = await lender_with(hub_url, built, "bank-doc", ["enterprise:read", "financing:read"])
    for kind, example in zip(DOC_KINDS, examples, strict=True):
        token = bank if kind == "bank" else await token_for(hub_url, built, kind)
        body = await ask(hub_url, token, example.replace(DOC_USCC, A))
        assert "errors" not in body, (kind, body)
        assert body["data"]["enterprise"], (kind, body)
