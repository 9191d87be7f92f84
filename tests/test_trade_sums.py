"""Money and ratios against sums worked out by hand from the records the test pushed.

A small, written set of trade records for two Kaifeng enterprises (A sells, B buys and pays,
C is deregistered and pays once) and one Xinxiang enterprise (D) goes through the real
connector path: each agency's connector signs its batches and pushes them over HTTP to the
served hub, with its own OAuth client. Then a bank reads A's `financingProfile` under A's
consent, a regulator reads A's `creditProfile` and the `statistics`, and every money figure
and ratio is compared with a literal written here, the arithmetic beside it.

The financing profile and the rating look back twelve months from the hub's today: the hub is
held at TODAY (the `hub_clock` fixture), and every record meant to count is dated well inside
that window (August to November 2026); the few meant not to count are well outside it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import httpx
from graph_kit import DATABASE, HeldClock, token_for
from neo4j import AsyncDriver

from connectors.client import BatchSigner, encode_payload
from connectors.signing import Key, generate_key, public_jwk
from connectors.store import add_key, register_connector
from graph_schema.model import Department
from graph_schema.uscc import make_uscc

TODAY = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
"""The hub's held instant: the financing window is (2025-11-24, 2026-11-24]."""
BANK = "bank-sums"  # the asking bank's institution; its own loans are not in the summary
GRANT = """mutation($i: String!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s, expiresAt: $x) { id }
}"""
PROFILE = """query($u: String!) { financingProfile(uscc: $u) {
  asOf consentId
  exports { month mode declarations valueCny } exportsProvenance { departments newestFact }
  returns { month returns valueCny } returnRate
  exportReceipts { month receipts valueCny }
  exportReceiptsProvenance { departments newestFact }
  domesticPaymentsReceived { month payments valueCny }
  domesticPaymentsProvenance { departments newestFact }
  collectionRatio threeDocumentMatchRate
  warehouses { id country stockValueCny stockAsOf }
  warehousesProvenance { departments newestFact }
  refunds { claimedCny paidCny pendingCny rejectedCny provenance { departments newestFact } }
  loans { current overdue default provenance { departments newestFact } }
  dataQuality } }"""
CREDIT = """query($u: String!) { creditProfile(uscc: $u) { asOf factors { code reason } } }"""
STATS = """query($f: Date!, $t: Date!, $g: StatsGroupBy!, $z: String) {
  statistics(from: $f, to: $t, groupBy: $g, zone: $z) {
    groups { key declarations valueCny }
    gradeDistribution { grade count }
    operators { zone count registered }
    targets { zone metric actual }
  }
}"""


def uscc(name: str) -> str:
    return make_uscc("9", "1", "410200", f"TD{ord(name):06d}")


A, B, C, D = uscc("A"), uscc("B"), uscc("C"), uscc("D")


def enterprise(
    code: str,
    zone: str,
    status: str = "ACTIVE",
    belt: str | None = None,
    since: str | None = None,
) -> dict[str, Any]:
    return {
        "uscc": code,
        "name": f"Trade Sums Co. {code[-4:]}",
        "zone": zone,
        "industryBelt": belt,
        "registeredOn": "2018-03-01",
        "status": status,
        "statusSince": since,
    }


def declaration(
    id: str, owner: str, mode: str, on: str, value: str, to: str, direction: str = "EXPORT"
) -> dict[str, Any]:
    return {
        "id": id,
        "uscc": owner,
        "mode": mode,
        "direction": direction,
        "declaredOn": on,
        "valueCny": value,
        "destination": to,
        "hsCode": "940360",
    }


CONSIGNEE = {
    "consigneeName": "Jan Kowalski",
    "consigneePhone": "+48221234567",
    "consigneeAddress": "ul. Prosta 1, Warszawa",
}


def order(id: str, on: str, goods: str, freight: str, tax: str, discount: str) -> dict[str, Any]:
    return {
        "id": id,
        "uscc": A,
        "orderedOn": on,
        "goodsCny": goods,
        "freightCny": freight,
        "taxCny": tax,
        "discountCny": discount,
        **CONSIGNEE,
    }


def payment(order_id: str, amount: str) -> dict[str, Any]:
    return {
        "id": f"PAY-{order_id}",
        "orderId": order_id,
        "paidOn": "2026-10-08",
        "amountCny": amount,
        "payerName": "Jan Kowalski",
    }


def waybill(order_id: str, consignee: str = "Jan Kowalski") -> dict[str, Any]:
    return {
        "id": f"WAY-{order_id}",
        "orderId": order_id,
        "shippedOn": "2026-10-09",
        "carrier": "Kaifeng Express",
        **CONSIGNEE,
        "consigneeName": consignee,
    }


def inventory(order_id: str, goods: str, freight: str) -> dict[str, Any]:
    """The import inventory list (CEB621) of an order, with its goods and freight and its
    buyer, who paid."""
    return {
        "id": f"INV-{order_id}",
        "orderId": order_id,
        "direction": "IMPORT",
        "tradeMode": "9610",
        "declaredOn": "2026-10-09",
        "ebpCode": "4102960A01",
        "ebcCode": A,
        "logisticsCode": "4102980L02",
        "logisticsNo": f"WAY-{order_id}",
        "goodsCny": goods,
        "freightCny": freight,
        "buyerName": "Jan Kowalski",
        "buyerPhone": CONSIGNEE["consigneePhone"],
        "consigneeAddress": CONSIGNEE["consigneeAddress"],
    }


def trade_payment(id: str, payer: str, payee: str, on: str, amount: str) -> dict[str, Any]:
    return {"id": id, "payerUscc": payer, "payeeUscc": payee, "paidOn": on, "amountCny": amount}


def receipt(
    id: str, of: str, on: str, amount: str, currency: str, cny: str, declaration: str | None
) -> dict[str, Any]:
    """Export proceeds received from abroad, as SAFE passes them on."""
    return {
        "id": id,
        "uscc": of,
        "receivedOn": on,
        "amount": amount,
        "currency": currency,
        "amountCny": cny,
        "payerCountry": "DE",
        "bank": "Bank of China Henan Branch",
        "declarationId": declaration,
    }


def warehouse(
    id: str, country: str, stock: str, as_of: str, since: str, until: str | None
) -> dict[str, Any]:
    return {
        "id": id,
        "uscc": A,
        "name": f"Warehouse {id}",
        "country": country,
        "city": "Somewhere",
        "stockValueCny": stock,
        "stockAsOf": as_of,
        "since": since,
        "until": until,
    }


def refund(
    id: str, claimed: str, amount: str, status: str, paid: str | None = None
) -> dict[str, Any]:
    return {
        "id": id,
        "uscc": A,
        "claimedOn": claimed,
        "amountCny": amount,
        "status": status,
        "paidOn": paid,
    }


def loan(id: str, lender: str, amount: str, granted: str, due: str, status: str) -> dict[str, Any]:
    return {
        "id": id,
        "uscc": A,
        "lender": lender,
        "amountCny": amount,
        "grantedOn": granted,
        "dueOn": due,
        "status": status,
    }


# Each agency's batches, in the order they are pushed (a payment needs its order first).
BATCHES: list[tuple[Department, str, list[dict[str, Any]]]] = [
    (
        Department.SAMR,
        "samr.enterprise@1",
        [
            enterprise(A, "KAIFENG", belt="KF_FURNITURE"),
            enterprise(B, "KAIFENG"),
            enterprise(C, "KAIFENG", status="DEREGISTERED", since="2025-06-30"),
            enterprise(D, "XINXIANG"),
        ],
    ),
    (
        Department.CUSTOMS,
        "customs.declaration@1",
        [
            declaration("DEC-A1", A, "9710", "2026-08-15", "40000.00", "DE"),
            declaration("DEC-A7", A, "9710", "2026-08-28", "12345.67", "DE"),
            declaration("DEC-A2", A, "9710", "2026-09-10", "25000.50", "US"),
            declaration("DEC-A3", A, "9810", "2026-09-20", "30000.25", "DE"),
            declaration("DEC-A4", A, "9610", "2026-10-05", "4999.25", "GB"),
            declaration("DEC-A5", A, "9710", "2026-10-12", "7000.00", "DE", direction="IMPORT"),
            declaration("DEC-A6", A, "9710", "2025-10-01", "11111.11", "DE"),  # before the window
            declaration("DEC-B1", B, "1210", "2026-09-03", "1500.75", "FR"),
            declaration("DEC-B2", B, "9610", "2024-12-31", "999.99", "FR"),  # before any range
            declaration("DEC-D1", D, "9710", "2026-09-09", "8888.88", "DE"),  # Xinxiang
        ],
    ),
    (
        Department.CUSTOMS,
        "customs.return@1",
        [
            {
                "id": "RET-A1",
                "uscc": A,
                "declarationId": "DEC-A2",
                "returnedOn": "2026-10-20",
                "valueCny": "2500.05",
                "reason": "damaged in transit",
            },
            {
                "id": "RET-A2",
                "uscc": A,
                "declarationId": "DEC-A4",
                "returnedOn": "2026-11-02",
                "valueCny": "499.95",
                "reason": "refused by the buyer",
            },
        ],
    ),
    (
        Department.COMMERCE,
        "trade.order@1",
        [
            order("ORD-A1", "2026-10-01", "200.00", "20.00", "9.10", "10.00"),  # pays 219.10
            order("ORD-A2", "2026-10-01", "150.00", "15.00", "0.00", "0.00"),  # pays 165.00
            order("ORD-A3", "2026-10-02", "99.99", "0.01", "0.00", "0.00"),  # pays 100.00
            order("ORD-A4", "2026-10-02", "80.00", "8.00", "0.00", "0.00"),  # pays 88.00
            order("ORD-A5", "2026-10-03", "45.00", "5.00", "0.00", "0.00"),  # pays 50.00
            order("ORD-A6", "2026-10-03", "30.00", "0.00", "0.00", "0.00"),  # pays 30.00
            order("ORD-A7", "2025-09-01", "10.00", "0.00", "0.00", "0.00"),  # before the window
            order("ORD-A8", "2026-10-04", "60.00", "6.00", "4.20", "0.20"),  # pays 70.00
            order("ORD-A9", "2026-10-04", "20.00", "2.00", "0.00", "0.00"),  # pays 22.00
            order("ORD-A10", "2026-10-05", "500.00", "0.00", "65.00", "15.00"),  # pays 550.00
        ],
    ),
    (
        Department.BANK,
        "trade.payment@1",
        [
            payment("ORD-A1", "219.10"),
            payment("ORD-A2", "165.00"),
            payment("ORD-A3", "100.00"),
            payment("ORD-A4", "80.00"),  # 8.00 short: "amount"
            payment("ORD-A5", "50.00"),
            # ORD-A6 unpaid: "no payment"
            payment("ORD-A7", "10.00"),
            payment("ORD-A8", "70.00"),
            payment("ORD-A9", "22.00"),
            payment("ORD-A10", "550.00"),
        ],
    ),
    (
        Department.LOGISTICS,
        "logistics.waybill@1",
        [
            waybill("ORD-A1"),
            waybill("ORD-A2"),
            waybill("ORD-A3"),
            waybill("ORD-A4"),
            waybill("ORD-A5", consignee="Someone Else"),  # "consignee"
            waybill("ORD-A6"),
            waybill("ORD-A7"),
            waybill("ORD-A8"),
            # ORD-A9 not shipped: "no waybill"
            waybill("ORD-A10"),
        ],
    ),
    (
        Department.CUSTOMS,
        "customs.inventory@1",
        [
            inventory("ORD-A1", "200.00", "20.00"),
            inventory("ORD-A2", "150.00", "15.00"),
            inventory("ORD-A3", "99.99", "0.01"),
            inventory("ORD-A4", "80.00", "8.00"),
            inventory("ORD-A5", "45.00", "5.00"),
            inventory("ORD-A6", "30.00", "0.00"),
            inventory("ORD-A7", "10.00", "0.00"),
            inventory("ORD-A8", "60.00", "6.00"),
            inventory("ORD-A9", "20.00", "2.00"),
            inventory("ORD-A10", "500.00", "0.00"),
        ],
    ),
    (
        Department.BANK,
        "bank.trade_payment@1",
        [
            trade_payment("TP-1", B, A, "2026-09-15", "60000.00"),
            trade_payment("TP-2", B, A, "2026-10-15", "20000.00"),
            trade_payment("TP-3", C, A, "2026-10-30", "5000.50"),
            trade_payment("TP-4", A, B, "2026-10-01", "999.00"),  # A pays: not A's collection
            trade_payment("TP-5", B, A, "2025-10-15", "7777.00"),  # before the window
        ],
    ),
    (
        Department.SAFE,
        "fx.export_receipt@1",
        [
            receipt("FXR-A1", A, "2026-09-01", "5633.80", "USD", "40000.00", "DEC-A1"),
            receipt("FXR-A2", A, "2026-10-01", "3246.82", "EUR", "25000.50", "DEC-A2"),
            receipt("FXR-A3", A, "2026-11-10", "30000.25", "CNY", "30000.25", "DEC-A3"),
            receipt("FXR-A4", A, "2025-10-10", "1443.00", "EUR", "11111.11", "DEC-A6"),  # before
            receipt("FXR-B1", B, "2026-09-20", "1298.57", "EUR", "9999.00", None),  # B's
        ],
    ),
    (
        Department.COMMERCE,
        "commerce.overseas_warehouse@1",
        [
            warehouse("WH-A1", "DE", "350000.40", "2026-11-01", "2025-03-01", None),
            warehouse("WH-A2", "US", "120000.00", "2026-06-30", "2024-01-01", "2026-06-30"),
            warehouse("WH-A3", "PL", "80500.10", "2026-10-31", "2026-01-01", None),
        ],
    ),
    (
        Department.TAX,
        "tax.refund@1",
        [
            refund("REF-A1", "2026-08-20", "1300.13", "PAID", "2026-09-15"),
            refund("REF-A2", "2026-09-25", "2600.26", "PAID", "2026-10-20"),
            refund("REF-A3", "2026-10-10", "900.09", "CLAIMED"),
            refund("REF-A4", "2026-10-15", "450.00", "REJECTED"),
            refund("REF-A5", "2025-06-01", "9999.99", "PAID", "2025-07-01"),  # before the window
        ],
    ),
    (
        Department.BANK,
        "bank.loan@1",
        [
            loan("LOAN-A1", "Bank of Kaifeng", "100000.00", "2026-01-10", "2027-01-10", "CURRENT"),
            loan("LOAN-A2", "Bank of Kaifeng", "20000.00", "2025-12-01", "2026-06-01", "OVERDUE"),
            loan(
                "LOAN-A3", "Zhengzhou Rural Bank", "5000.00", "2025-05-01", "2026-05-01", "DEFAULT"
            ),
            loan("LOAN-A4", BANK, "75000.00", "2026-02-01", "2027-02-01", "CURRENT"),  # its own
        ],
    ),
]


async def push_all(driver: AsyncDriver, hub_url: str) -> None:
    """Register a connector per department with a fresh key, and push every batch as that
    connector's OAuth client; each must be applied (202)."""
    signers: dict[Department, BatchSigner] = {}
    tokens: dict[Department, str] = {}
    keys_from = TODAY - dt.timedelta(days=30)
    for department in dict.fromkeys(d for d, _, _ in BATCHES):
        connector = f"{department.value.lower()}-sums"
        types = sorted({t for d, t, _ in BATCHES if d is department})
        await register_connector(driver, DATABASE, connector, department.value, types, keys_from)
        key: Key = generate_key("EdDSA", f"{connector}-k1")
        await add_key(driver, DATABASE, connector, public_jwk(key), keys_from, close_others=True)
        signers[department] = BatchSigner(connector, department, key)
        tokens[department] = await token_for(hub_url, driver, "connector", institution=connector)
    sequences = dict.fromkeys(signers, 0)
    async with httpx.AsyncClient(base_url=hub_url, timeout=60) as http:
        for department, record_type, records in BATCHES:
            sequences[department] += 1
            signed = signers[department].sign(
                record_type, records, sequences[department], uuid.uuid4(), TODAY
            )
            response = await http.post(
                "/connectors/batches",
                content=encode_payload(signed),
                headers={"Authorization": f"Bearer {tokens[department]}"},
            )
            assert response.status_code == 202, (record_type, response.text)


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "working capital line"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def money(value: str) -> Decimal:
    return Decimal(value)


async def test_financing_figures_equal_the_sums_of_the_pushed_records(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    hub_clock.hold(TODAY)
    await graph.execute_query(
        "UNWIND ['KAIFENG', 'XINXIANG'] AS code MERGE (:Zone {code: code})", database_=DATABASE
    )
    await push_all(graph, hub_url)
    own = await token_for(hub_url, graph, "enterprise", institution=A)
    bank = await token_for(hub_url, graph, "bank", institution=BANK)
    until = (TODAY + dt.timedelta(days=30)).isoformat()

    # a consent that does not cover financing:read shows the bank no financing profile ...
    await ask(hub_url, own, GRANT, i=BANK, s=["enterprise:read"], x=until)
    assert (await ask(hub_url, bank, PROFILE, u=A))["financingProfile"] is None
    # ... and its twin, one that does, shows it
    granted = await ask(hub_url, own, GRANT, i=BANK, s=["financing:read"], x=until)
    profile = (await ask(hub_url, bank, PROFILE, u=A))["financingProfile"]
    assert profile["consentId"] == granted["grantConsent"]["id"]
    assert profile["asOf"] == "2026-11-24"

    # exports: EXPORT declarations of A in the window, by month and mode (DEC-A5 is an import,
    # DEC-A6 is before the window)
    assert {
        (e["month"], e["mode"]): (e["declarations"], money(e["valueCny"]))
        for e in profile["exports"]
    } == {
        ("2026-08", "9710"): (2, Decimal("52345.67")),  # DEC-A1 40000.00 + DEC-A7 12345.67
        ("2026-09", "9710"): (1, Decimal("25000.50")),  # DEC-A2
        ("2026-09", "9810"): (1, Decimal("30000.25")),  # DEC-A3
        ("2026-10", "9610"): (1, Decimal("4999.25")),  # DEC-A4
    }
    assert profile["exportsProvenance"] == {"departments": ["CUSTOMS"], "newestFact": "2026-10-05"}

    # returns by the month they came back; return rate = returned / all exports in the window
    assert {r["month"]: (r["returns"], money(r["valueCny"])) for r in profile["returns"]} == {
        "2026-10": (1, Decimal("2500.05")),  # RET-A1
        "2026-11": (1, Decimal("499.95")),  # RET-A2
    }
    # (2500.05 + 499.95) / (52345.67 + 25000.50 + 30000.25 + 4999.25)
    #   = 3000.00 / 112345.67 = 0.026703..., rounded to 4 places
    assert profile["returnRate"] == 0.0267

    # collections: export proceeds A received from abroad in the window (FXR-A4 is before it,
    # FXR-B1 is B's)
    assert {
        c["month"]: (c["receipts"], money(c["valueCny"])) for c in profile["exportReceipts"]
    } == {
        "2026-09": (1, Decimal("40000.00")),  # FXR-A1
        "2026-10": (1, Decimal("25000.50")),  # FXR-A2
        "2026-11": (1, Decimal("30000.25")),  # FXR-A3
    }
    assert profile["exportReceiptsProvenance"] == {
        "departments": ["SAFE"],
        "newestFact": "2026-11-10",
    }
    # received / every export declared in the window (DEC-A5 is an import, DEC-A6 before it):
    #   (40000.00 + 25000.50 + 30000.25) / (40000.00 + 12345.67 + 25000.50 + 30000.25 + 4999.25)
    #   = 95000.75 / 112345.67 = 0.845611..., rounded to 4 places
    assert profile["collectionRatio"] == 0.8456
    # trade payments to A from Chinese enterprises, shown apart and not counted above (TP-4 is
    # paid by A, TP-5 before the window)
    assert {
        c["month"]: (c["payments"], money(c["valueCny"]))
        for c in profile["domesticPaymentsReceived"]
    } == {
        "2026-09": (1, Decimal("60000.00")),  # TP-1
        "2026-10": (2, Decimal("25000.50")),  # TP-2 20000.00 + TP-3 5000.50
    }
    assert profile["domesticPaymentsProvenance"] == {
        "departments": ["BANK"],
        "newestFact": "2026-10-30",
    }

    # three documents: of the 9 import orders in the window (ORD-A7 is before it), each on its
    # inventory list, ORD-A1, A2, A3, A8 and A10 are paid in full by the list's buyer and
    # shipped to their consignee; A4 is paid 80.00 of 88.00,
    # A5 shipped to someone else, A6 not paid, A9 not shipped: 5 / 9 = 0.5555...
    assert profile["threeDocumentMatchRate"] == 0.5556

    # warehouses operated today (WH-A2 closed on 2026-06-30), with their stock
    assert {w["id"]: (w["country"], money(w["stockValueCny"])) for w in profile["warehouses"]} == {
        "WH-A1": ("DE", Decimal("350000.40")),
        "WH-A3": ("PL", Decimal("80500.10")),
    }
    # the stock abroad: 350000.40 + 80500.10
    assert sum(money(w["stockValueCny"]) for w in profile["warehouses"]) == Decimal("430500.50")
    assert profile["warehousesProvenance"] == {
        "departments": ["COMMERCE"],
        "newestFact": "2026-11-01",
    }

    # refunds claimed in the window (REF-A5 was claimed before it)
    refunds = profile["refunds"]
    assert money(refunds["claimedCny"]) == Decimal("5250.48")  # 1300.13+2600.26+900.09+450.00
    assert money(refunds["paidCny"]) == Decimal("3900.39")  # 1300.13 + 2600.26
    assert money(refunds["pendingCny"]) == Decimal("900.09")  # REF-A3
    assert money(refunds["rejectedCny"]) == Decimal("450.00")  # REF-A4
    assert refunds["provenance"] == {"departments": ["TAX"], "newestFact": "2026-10-15"}

    # loans of other lenders by status (LOAN-A4 is the asking bank's own); no amounts are shown
    assert profile["loans"] == {
        "current": 1,  # LOAN-A1
        "overdue": 1,  # LOAN-A2
        "default": 1,  # LOAN-A3
        "provenance": {"departments": ["BANK"], "newestFact": "2026-01-10"},
    }
    assert profile["dataQuality"] == [
        "no export declared in 2025-12, 2026-01, 2026-02, 2026-03, 2026-04, 2026-05, "
        "2026-06, 2026-07, 2026-11",
        # both current warehouses reported: no line about warehouses
    ]

    # the rating counts the same receipts against the same exports (at least 100000.00
    # declared, so the factor applies): 95000.75 / 112345.67 = 84.56...%, in the 50% tier
    regulator = await token_for(hub_url, graph, "regulator")
    credit = (await ask(hub_url, regulator, CREDIT, u=A))["creditProfile"]
    assert credit["asOf"] == "2026-11-24"
    assert [f["reason"] for f in credit["factors"] if f["code"] == "COLLECTION_RATIO"] == [
        "received CNY 95,000.75 of export proceeds from abroad against CNY 112,345.67 of "
        "exports declared in 12 months (84.6%, tier 50% or more)"
    ]


async def test_statistics_equal_the_sums_of_the_pushed_declarations(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock
) -> None:
    hub_clock.hold(TODAY)
    await graph.execute_query(
        "UNWIND ['KAIFENG', 'XINXIANG'] AS code MERGE (:Zone {code: code})", database_=DATABASE
    )
    await push_all(graph, hub_url)
    regulator = await token_for(hub_url, graph, "regulator")

    async def groups(group_by: str, zone: str | None) -> dict[str, tuple[int, Decimal]]:
        stats = (
            await ask(hub_url, regulator, STATS, f="2025-09-01", t="2026-11-24", g=group_by, z=zone)
        )["statistics"]
        return {g["key"]: (g["declarations"], money(g["valueCny"])) for g in stats["groups"]}

    # every Kaifeng declaration from 2025-09-01 to 2026-11-24, imports too (DEC-B2 is of
    # 2024, DEC-D1 is Xinxiang's)
    assert await groups("MONTH", "KAIFENG") == {
        "2025-10": (1, Decimal("11111.11")),  # DEC-A6
        "2026-08": (2, Decimal("52345.67")),  # DEC-A1 40000.00 + DEC-A7 12345.67
        "2026-09": (3, Decimal("56501.50")),  # DEC-A2 25000.50 + A3 30000.25 + B1 1500.75
        "2026-10": (2, Decimal("11999.25")),  # DEC-A4 4999.25 + DEC-A5 7000.00
    }
    assert await groups("MODE", "KAIFENG") == {
        # DEC-A1 40000.00 + A7 12345.67 + A2 25000.50 + A5 7000.00 + A6 11111.11
        "9710": (5, Decimal("95457.28")),
        "9810": (1, Decimal("30000.25")),  # DEC-A3
        "9610": (1, Decimal("4999.25")),  # DEC-A4
        "1210": (1, Decimal("1500.75")),  # DEC-B1
    }
    assert await groups("DESTINATION", "KAIFENG") == {
        # DEC-A1 40000.00 + A7 12345.67 + A3 30000.25 + A5 7000.00 + A6 11111.11
        "DE": (5, Decimal("100457.03")),
        "US": (1, Decimal("25000.50")),  # DEC-A2
        "GB": (1, Decimal("4999.25")),  # DEC-A4
        "FR": (1, Decimal("1500.75")),  # DEC-B1
    }
    assert await groups("INDUSTRY_BELT", "KAIFENG") == {
        # A's seven: 40000.00 + 12345.67 + 25000.50 + 30000.25 + 4999.25 + 7000.00 + 11111.11
        "KF_FURNITURE": (7, Decimal("130456.78")),
        "NONE": (1, Decimal("1500.75")),  # DEC-B1 (B names no belt)
    }
    # all zones: Xinxiang's DEC-D1 joins the 9710 group: 95457.28 + 8888.88
    assert (await groups("MODE", None))["9710"] == (6, Decimal("104346.16"))

    stats = (
        await ask(hub_url, regulator, STATS, f="2026-01-01", t="2026-11-24", g="MODE", z="KAIFENG")
    )["statistics"]
    # A and B are registered (C deregistered); none filed as a CBEC enterprise, so no operator
    assert stats["operators"] == [{"zone": "KAIFENG", "count": 0, "registered": 2}]
    # every Kaifeng enterprise was rated when its registration was pushed
    assert sum(g["count"] for g in stats["gradeDistribution"]) == 3
    actual = {t["metric"]: t["actual"] for t in stats["targets"] if t["zone"] == "KAIFENG"}
    assert actual["cbec_operators"] == "0"
    # declared in the 12 months up to 2026-11-24, after 2025-11-24 (not DEC-A6 of 2025-10):
    # 40000.00 + 12345.67 + 25000.50 + 30000.25 + 4999.25 + 7000.00 + 1500.75
    assert actual["cbec_declared_value_cny"] == "120846.42"
    assert actual["industry_belts"] == "0"  # no belt of Kaifeng is in the reference data here
    assert actual["industrial_parks"] is None  # the hub holds no park data
