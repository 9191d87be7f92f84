"""tradeReconciliation on a hand-built graph: each department's records of the window by
month, the views that set them against each other with their ratios and signals, and who
reads which section (each refusal beside its allowed twin).

As of 2026-06-15, over 6 months (2026-01-01 to 2026-06-15), enterprise A has:
- exports D-1 (2026-01-20, 200,000), D-2 (2026-03-05, 100,000), D-3 (2026-03-25, 50,000);
  D-0 (2025-12-20, 80,000) before the window; an import (2026-02-10) that is no export;
- export proceeds R-0 (2026-01-10, 80,000, of D-0: received in the window, but for an export
  before it), R-1 (2026-02-15, 190,000, of D-1), R-2 (2026-04-01, 60,000, naming none);
- refund claims T-0 (2025-11-15, 5,000, paid 2026-01-05), T-1 (2026-02-01, 26,000, paid
  2026-03-01), T-2 (2026-04-10, 40,000, pending), T-3 (2026-05-05, 10,000, rejected).
The risk rule (12 months of claims, exports of those and the 16 before): T-0 + T-1 + T-2 =
71,000 claimed against 13% of D-0..D-3's 430,000 = 55,900: 15,100 above the ceiling.
Enterprise B claims 60,000 on 500,000 of exports: within the 65,000 ceiling, no signal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from graph_kit import DATABASE, HeldClock, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc

NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
A, B, UNKNOWN = (make_uscc("9", "1", "410200", f"RC{i:06d}") for i in range(3))

GRAPH = """
UNWIND [[$a, 'Reconciled Co.'], [$b, 'Proportionate Co.']] AS x
CREATE (:Enterprise {uscc: x[0], name: x[1], zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
UNWIND [['D-0', '2025-12-20', 80000.0, 'EXPORT'], ['D-1', '2026-01-20', 200000.0, 'EXPORT'],
        ['D-2', '2026-03-05', 100000.0, 'EXPORT'], ['D-3', '2026-03-25', 50000.0, 'EXPORT'],
        ['D-I', '2026-02-10', 999999.0, 'IMPORT']] AS d
CREATE (a)-[:DECLARED]->(:Declaration {id: d[0], declaredOn: date(d[1]), valueCny: d[2],
                                       direction: d[3], mode: '9710'})
WITH DISTINCT a, b
UNWIND [['R-0', '2026-01-10', 80000.0, 'D-0'], ['R-1', '2026-02-15', 190000.0, 'D-1'],
        ['R-2', '2026-04-01', 60000.0, null]] AS r
CREATE (a)-[:RECEIVED]->(:ExportReceipt {id: r[0], receivedOn: date(r[1]), amountCny: r[2],
        amount: r[2] / 7.0, currency: 'USD', payerCountry: 'US', bank: 'Bank of China',
        declarationId: r[3]})
WITH DISTINCT a, b
UNWIND [['T-0', '2025-11-15', 5000.0, 'PAID', '2026-01-05'],
        ['T-1', '2026-02-01', 26000.0, 'PAID', '2026-03-01'],
        ['T-2', '2026-04-10', 40000.0, 'CLAIMED', null],
        ['T-3', '2026-05-05', 10000.0, 'REJECTED', null]] AS t
CREATE (a)-[:CLAIMED]->(:TaxRefund {id: t[0], claimedOn: date(t[1]), amountCny: t[2],
                                    status: t[3], paidOn: date(t[4])})
WITH DISTINCT b
CREATE (b)-[:DECLARED]->(:Declaration {id: 'D-B', declaredOn: date('2026-02-01'),
        valueCny: 500000.0, direction: 'EXPORT', mode: '0110'}),
       (b)-[:CLAIMED]->(:TaxRefund {id: 'T-B', claimedOn: date('2026-03-01'),
        amountCny: 60000.0, status: 'CLAIMED'})
"""

SECTIONS = """
  exports { month count valueCny }
  receipts { month count valueCny }
  refunds { month claims claimedCny rejectedCny paidCny }
  refundsAgainstExports { exportedCny claimedCny paidCny refundRatio ceilingRate ceilingCny
    overCeilingCny signals { kind severity reason evidence } }
  refundsAgainstReceipts { receivedCny claimedCny paidCny refundRatio }
  receiptsAgainstExports { exportedCny receivedCny countedCny collectionRatio
    signals { kind } }
"""
QUERY = (
    "query($u: String!, $m: Int) { tradeReconciliation(uscc: $u, months: $m) { "
    "uscc asOf firstDay months " + SECTIONS + " } }"
)

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]


def month(m: str, count: int, value: str) -> dict[str, Any]:
    return {"month": m, "count": count, "valueCny": value}


def refunds(m: str, claims: int, claimed: str, rejected: str, paid: str) -> dict[str, Any]:
    return {
        "month": m,
        "claims": claims,
        "claimedCny": claimed,
        "rejectedCny": rejected,
        "paidCny": paid,
    }


EXPECTED_A: dict[str, Any] = {
    "uscc": A,
    "asOf": "2026-06-15",
    "firstDay": "2026-01-01",
    "months": MONTHS,
    "exports": [
        month("2026-01", 1, "200000.00"),
        month("2026-02", 0, "0.00"),
        month("2026-03", 2, "150000.00"),
        month("2026-04", 0, "0.00"),
        month("2026-05", 0, "0.00"),
        month("2026-06", 0, "0.00"),
    ],
    "receipts": [
        month("2026-01", 1, "80000.00"),
        month("2026-02", 1, "190000.00"),
        month("2026-03", 0, "0.00"),
        month("2026-04", 1, "60000.00"),
        month("2026-05", 0, "0.00"),
        month("2026-06", 0, "0.00"),
    ],
    "refunds": [
        refunds("2026-01", 0, "0.00", "0.00", "5000.00"),
        refunds("2026-02", 1, "26000.00", "0.00", "0.00"),
        refunds("2026-03", 0, "0.00", "0.00", "26000.00"),
        refunds("2026-04", 1, "40000.00", "0.00", "0.00"),
        refunds("2026-05", 1, "10000.00", "10000.00", "0.00"),
        refunds("2026-06", 0, "0.00", "0.00", "0.00"),
    ],
    "refundsAgainstExports": {
        "exportedCny": "350000.00",
        "claimedCny": "66000.00",  # T-1 and T-2: T-3 was rejected, T-0 claimed before
        "paidCny": "31000.00",  # T-0 and T-1, both paid in the window
        "refundRatio": 0.1886,  # 66,000 / 350,000
        "ceilingRate": "0.13",
        "ceilingCny": "45500.00",
        "overCeilingCny": "20500.00",
        "signals": [
            {
                "kind": "REFUNDS_OUT_OF_PROPORTION",
                "severity": "HIGH",
                "reason": "claimed CNY 71,000.00 of export tax refunds in 3 claims in 12 "
                "months, CNY 15,100.00 more than the CNY 55,900.00 its exports could yield at "
                "the highest refund rate of 13% (CNY 430,000.00 declared in 4 declarations in "
                "28 months)",
                "evidence": ["T-0", "T-1", "T-2"],
            }
        ],
    },
    "refundsAgainstReceipts": {
        "receivedCny": "330000.00",
        "claimedCny": "66000.00",
        "paidCny": "31000.00",
        "refundRatio": 0.2,
    },
    "receiptsAgainstExports": {
        "exportedCny": "350000.00",
        "receivedCny": "330000.00",
        "countedCny": "250000.00",  # R-0 is D-0's, declared before the window
        "collectionRatio": 0.7143,  # 250,000 / 350,000
        "signals": [],
    },
}


@pytest.fixture
async def zone(graph: AsyncDriver, hub_url: str, hub_clock: HeldClock) -> str:
    hub_clock.hold(NOW)
    await graph.execute_query(GRAPH, a=A, b=B, database_=DATABASE)
    return hub_url


async def ask(
    url: str, driver: AsyncDriver, kind: str, uscc: str, months: int | None = 6
) -> dict[str, Any]:
    institution = {"enterprise": A, "bank": "bank-of-reconciliation"}.get(kind)
    token = await token_for(url, driver, kind, institution=institution)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY, "variables": {"u": uscc, "m": months}},
            # a lender must state a purpose, or it is refused before any field
            headers={"Authorization": f"Bearer {token}", "X-Purpose": "reconciliation review"},
        )
    body: dict[str, Any] = response.json()
    return body


def refused(body: dict[str, Any]) -> dict[str, list[str]]:
    """The sections refused, each with the scopes its error names."""
    found = {}
    for error in body.get("errors", []):
        assert error["extensions"]["code"] == "FORBIDDEN", error
        found[error["path"][-1]] = sorted(error["extensions"]["scopes"])
    return found


async def test_the_regulator_reads_every_section_by_month_and_every_view(
    graph: AsyncDriver, zone: str
) -> None:
    body = await ask(zone, graph, "regulator", A)
    assert "errors" not in body, body
    assert body["data"]["tradeReconciliation"] == EXPECTED_A


async def test_refunds_within_the_ceiling_raise_no_signal(graph: AsyncDriver, zone: str) -> None:
    body = await ask(zone, graph, "tax", B)
    view = body["data"]["tradeReconciliation"]["refundsAgainstExports"]
    assert view["ceilingCny"] == "65000.00" and view["overCeilingCny"] == "0.00"
    assert view["refundRatio"] == 0.12 and view["signals"] == []


async def test_the_default_window_is_twelve_months_and_the_limits_table_bounds_it(
    graph: AsyncDriver, zone: str
) -> None:
    body = await ask(zone, graph, "customs", A, months=None)
    found = body["data"]["tradeReconciliation"]
    assert found["firstDay"] == "2025-07-01" and len(found["months"]) == 12
    # D-0 (2025-12) is inside a 12-month window
    assert found["exports"][5] == month("2025-12", 1, "80000.00")
    too_long = await ask(zone, graph, "customs", A, months=37)
    [error] = too_long["errors"]
    assert error["message"] == "months must be between 1 and 36, got 37"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    longest = await ask(zone, graph, "customs", A, months=36)
    assert len(longest["data"]["tradeReconciliation"]["months"]) == 36


async def test_customs_reads_refunds_against_declarations_but_no_receipts(
    graph: AsyncDriver, zone: str
) -> None:
    body = await ask(zone, graph, "customs", A)
    found = body["data"]["tradeReconciliation"]
    assert refused(body) == {
        "receipts": ["fx:read", "tax:read"],
        "refundsAgainstReceipts": ["tax:read"],
        "receiptsAgainstExports": ["fx:read", "tax:read"],
    }
    assert found["receipts"] is None and found["receiptsAgainstExports"] is None
    # the allowed twins: its own declarations, tax's refunds, and the view setting them together
    for key in ("exports", "refunds", "refundsAgainstExports"):
        assert found[key] == EXPECTED_A[key], key


async def test_safe_reads_receipts_against_declarations_but_no_refunds(
    graph: AsyncDriver, zone: str
) -> None:
    body = await ask(zone, graph, "safe", A)
    found = body["data"]["tradeReconciliation"]
    assert refused(body) == {
        "refunds": ["customs:read", "tax:read"],
        "refundsAgainstExports": ["customs:read", "tax:read"],
        "refundsAgainstReceipts": ["tax:read"],
    }
    assert found["refunds"] is None
    for key in ("exports", "receipts", "receiptsAgainstExports"):
        assert found[key] == EXPECTED_A[key], key


async def test_tax_reads_declarations_and_receipts_against_refunds(
    graph: AsyncDriver, zone: str
) -> None:
    body = await ask(zone, graph, "tax", A)
    assert "errors" not in body, body
    assert body["data"]["tradeReconciliation"] == EXPECTED_A


@pytest.mark.parametrize("kind", ["commerce", "samr", "bank", "enterprise"])
async def test_no_other_kind_reads_the_views(graph: AsyncDriver, zone: str, kind: str) -> None:
    body = await ask(zone, graph, kind, A)
    assert body["data"] is None or body["data"]["tradeReconciliation"] is None
    [error] = body["errors"]
    assert error["path"] == ["tradeReconciliation"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert sorted(error["extensions"]["scopes"]) == ["customs:read", "fx:read", "tax:read"]


async def test_an_unknown_enterprise_is_null_without_an_error(
    graph: AsyncDriver, zone: str
) -> None:
    body = await ask(zone, graph, "regulator", UNKNOWN)
    assert body == {"data": {"tradeReconciliation": None}}
