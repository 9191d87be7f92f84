"""The three documents against the customs inventory list, on the real graph: the export series
(order CEB303, receipt CEB403, waybill CEB505 against the export list CEB603) and the import
series (CEB311, CEB411, CEB511 against CEB621, the payer being the buyer).

Each order below is sent as its records, validated by their models and written by the hub's
own statements; the reason each is judged by (`graph_schema.predicates.document_mismatch`, as
the rating gathers it) is written down by hand beside it, each refusal with its allowed twin.
The last tests count them as the rating's ORDER_MATCH factor and the risk scan's
DOCUMENT_MISMATCH alert do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_kit import DATABASE
from neo4j import AsyncDriver

from connectors.records import RECORD_TYPES, RowContext, validate_records
from graph_schema.model import Department
from graph_schema.uscc import make_uscc
from graph_schema.writes import write_rows
from hub.credit.engine import rate
from hub.credit.gather import gather_facts
from hub.credit.model import load_model
from hub.risk import RiskScanner, load_risk_rules

AS_OF = dt.date(2026, 11, 1)
SELLER = make_uscc("9", "1", "410200", "TD000001")
OTHER = make_uscc("9", "1", "410200", "TD000002")  # another enterprise of the zone
PLATFORM = "4102960E01"
CARRIER = "4102980L01"
PAY_FIRM = "3122960P01"
ORDERED = "2026-09-01"

Record = dict[str, Any]
Documents = dict[str, Record | None]
"""An order's records by type (`order`, `payment`, `waybill`, `inventory`); None: not sent."""

GIFT = ("Wang Fang", "13900000000", "No. 9 Gulou Street, Kaifeng")  # a consignee not the buyer
BUYER = ("Li Wei", "13800000000", "No. 1 Renmin Road, Kaifeng")
ABROAD = ("Emily Carter", "+14155550134", "1200 Market Street, San Francisco, US")


def consignee(who: tuple[str, str, str]) -> Record:
    return {"consigneeName": who[0], "consigneePhone": who[1], "consigneeAddress": who[2]}


def export(id: str, **changes: Record | None) -> tuple[str, Documents]:
    """An export order of 100.00 goods and 20.00 freight (120.00) with its receipt, waybill and
    export list, all agreeing; `changes` replaces a document's fields (None drops it)."""
    documents: Documents = {
        "order": {
            "id": id,
            "uscc": SELLER,
            "orderedOn": ORDERED,
            "direction": "EXPORT",
            "ebpCode": PLATFORM,
            "ebcCode": SELLER,
            "goodsCny": "100.00",
            "freightCny": "20.00",
        },
        "payment": {
            "id": f"PAY-{id}",
            "orderId": id,
            "paidOn": "2026-09-01",
            "amountCny": "120.00",
            "payCode": PAY_FIRM,
            "ebpCode": PLATFORM,
            "ebcCode": SELLER,
        },
        "waybill": {
            "id": f"WAY-{id}",
            "orderId": id,
            "shippedOn": "2026-09-03",
            "carrier": "YunExpress",
            "logisticsCode": CARRIER,
        },
        "inventory": {
            "id": f"INV-{id}",
            "orderId": id,
            "direction": "EXPORT",
            "tradeMode": "9610",
            "declaredOn": "2026-09-02",
            "ebpCode": PLATFORM,
            "ebcCode": SELLER,
            "logisticsCode": CARRIER,
            "logisticsNo": f"WAY-{id}",
            "goodsCny": "100.00",
            "freightCny": "20.00",
        },
    }
    return id, apply(documents, changes)


def import_(id: str, **changes: Record | None) -> tuple[str, Documents]:
    """An import order of 100.00 goods, 10.00 freight, 9.10 tax and 5.00 discount (114.10) bought
    by and shipped to Li Wei, paid by Li Wei, with its waybill and import list, all agreeing."""
    documents: Documents = {
        "order": {
            "id": id,
            "uscc": SELLER,
            "orderedOn": ORDERED,
            "direction": "IMPORT",
            "ebpCode": PLATFORM,
            "ebcCode": "4102964J31",
            "goodsCny": "100.00",
            "freightCny": "10.00",
            "taxCny": "9.10",
            "discountCny": "5.00",
            "buyerName": BUYER[0],
            **consignee(BUYER),
        },
        "payment": {
            "id": f"PAY-{id}",
            "orderId": id,
            "paidOn": "2026-09-01",
            "amountCny": "114.10",
            "payerName": BUYER[0],
            "payCode": PAY_FIRM,
            "ebpCode": PLATFORM,
        },
        "waybill": {
            "id": f"WAY-{id}",
            "orderId": id,
            "shippedOn": "2026-09-03",
            "carrier": "China Post",
            "logisticsCode": CARRIER,
            **consignee(BUYER),
        },
        "inventory": {
            "id": f"INV-{id}",
            "orderId": id,
            "direction": "IMPORT",
            "tradeMode": "1210",
            "declaredOn": "2026-09-02",
            "ebpCode": PLATFORM,
            "ebcCode": "4102964J31",
            "logisticsCode": CARRIER,
            "logisticsNo": f"WAY-{id}",
            "goodsCny": "100.00",
            "freightCny": "10.00",
            "buyerName": BUYER[0],
            "buyerPhone": BUYER[1],
            "consigneeAddress": BUYER[2],
        },
    }
    return id, apply(documents, changes)


def apply(documents: Documents, changes: dict[str, Record | None]) -> Documents:
    for kind, change in changes.items():
        found = documents[kind]
        if change is None or found is None:
            documents[kind] = None
        else:
            merged = {**found, **change}
            documents[kind] = {k: v for k, v in merged.items() if v is not None}
    return documents


IMPORT_LIST: Record = {
    "direction": "IMPORT",
    "buyerName": BUYER[0],
    "buyerPhone": BUYER[1],
    "consigneeAddress": BUYER[2],
}
"""An export order's list changed into an import list: a list of the other direction."""

CASES: dict[str, tuple[Documents, str | None]] = {
    # --- the export series: CEB303, CEB403, CEB505 against CEB603 ---
    **{
        id: (documents, expected)
        for (id, documents), expected in [
            (export("E-OK"), None),
            (export("E-NO-LIST", inventory=None), "no inventory list"),
            # a list of the other direction is not this order's list
            (export("E-IMPORT-LIST", inventory=IMPORT_LIST), "no inventory list"),
            (export("E-NO-PAY", payment=None), "no payment"),
            (export("E-NO-WAY", waybill=None), "no waybill"),
            (export("E-SHORT", payment={"amountCny": "119.99"}), "amount"),
            # the same 120.00 in all, but the list's goods are 99.00 + 21.00 freight
            (
                export("E-LIST-GOODS", inventory={"goodsCny": "99.00", "freightCny": "21.00"}),
                "amount",
            ),
            (
                export(
                    "E-CONSIGNEE",
                    order=consignee(ABROAD),
                    waybill=consignee(("John Smith", ABROAD[1], ABROAD[2])),
                ),
                "consignee",
            ),
            # twin: CEB505 names no consignee, so an order's is compared only with a waybill's
            (export("E-WAYBILL-NAMES-NONE", order=consignee(ABROAD)), None),
            (export("E-SAME-CONSIGNEE", order=consignee(ABROAD), waybill=consignee(ABROAD)), None),
            # the receipt paid another enterprise than the one the list declares
            (export("E-PAYEE", payment={"ebcCode": OTHER}), "payee"),
            (export("E-RECEIPT-NAMES-NONE", payment={"ebcCode": None}), None),
            (export("E-PLATFORM", order={"ebpCode": "4102960E09"}), "codes"),
            (export("E-RECEIPT-PLATFORM", payment={"ebpCode": "4102960E09"}), "codes"),
            (export("E-CARRIER", waybill={"logisticsCode": "4102980L09"}), "codes"),
            # twin: codes a document does not give are not held against it
            (
                export(
                    "E-NO-CODES",
                    order={"ebpCode": None, "ebcCode": None},
                    payment={"ebpCode": None, "payCode": None},
                    waybill={"logisticsCode": None},
                ),
                None,
            ),
            # a payment short and a wrong platform: the amount is said first
            (
                export(
                    "E-SHORT-AND-PLATFORM", payment={"amountCny": "100.00", "ebpCode": "4102960E09"}
                ),
                "amount",
            ),
        ]
    },
    # --- the import series: CEB311, CEB411, CEB511 against CEB621, payer = buyer ---
    **{
        id: (documents, expected)
        for (id, documents), expected in [
            (import_("I-OK"), None),
            (import_("I-NO-LIST", inventory=None), "no inventory list"),
            # paid 100.00 + 10.00, tax and discount forgotten
            (import_("I-NO-TAX", payment={"amountCny": "110.00"}), "amount"),
            (import_("I-PAYER", payment={"payerName": "Zhang Min"}), "payer"),
            (import_("I-NO-PAYER", payment={"payerName": None}), "payer"),
            # the order names a buyer other than the list's
            (import_("I-ORDER-BUYER", order={"buyerName": "Zhang Min"}), "payer"),
            (import_("I-ORDER-NAMES-NO-BUYER", order={"buyerName": None}), None),
            # a gift: bought and paid by Li Wei, shipped to Wang Fang
            (
                import_(
                    "I-GIFT",
                    order=consignee(GIFT),
                    waybill=consignee(GIFT),
                    inventory={"consigneeAddress": GIFT[2]},
                ),
                None,
            ),
            # the same gift paid by the consignee: the payer must be the buyer
            (
                import_(
                    "I-GIFT-PAID-BY-CONSIGNEE",
                    order=consignee(GIFT),
                    waybill=consignee(GIFT),
                    inventory={"consigneeAddress": GIFT[2]},
                    payment={"payerName": GIFT[0]},
                ),
                "payer",
            ),
            (import_("I-WAYBILL-PHONE", waybill={"consigneePhone": "13700000000"}), "consignee"),
            # CEB511 names the consignee: an import waybill without one does not match
            (
                import_(
                    "I-WAYBILL-BARE",
                    waybill={
                        "consigneeName": None,
                        "consigneePhone": None,
                        "consigneeAddress": None,
                    },
                ),
                "consignee",
            ),
            (import_("I-LIST-ADDRESS", inventory={"consigneeAddress": GIFT[2]}), "consignee"),
            (
                import_(
                    "I-SHORT-AND-PAYER", payment={"amountCny": "114.00", "payerName": "Zhang Min"}
                ),
                "amount",
            ),
        ]
    },
}
"""Each order's documents and the reason it is judged by (None: they match the list)."""

KINDS = (
    ("order", "trade.order@1", Department.COMMERCE),
    ("payment", "trade.payment@1", Department.BANK),
    ("waybill", "logistics.waybill@1", Department.LOGISTICS),
    ("inventory", "customs.inventory@1", Department.CUSTOMS),
)


async def send(graph: AsyncDriver, cases: dict[str, tuple[Documents, str | None]]) -> None:
    """The seller and the cases' records, validated and written as the pipeline writes them."""
    await graph.execute_query(
        "UNWIND $usccs AS uscc CREATE (:Enterprise {uscc: uscc, name: uscc, zone: 'KAIFENG',"
        " status: 'ACTIVE', registeredOn: date('2018-01-01')})",
        usccs=[SELLER, OTHER],
        database_=DATABASE,
    )
    for kind, name, department in KINDS:
        records = [d[kind] for d, _ in cases.values() if d[kind] is not None]
        record_type = RECORD_TYPES[name]
        models, errors = validate_records(record_type, records, department)
        assert errors == [], errors
        context = RowContext("test", "batch-1", department, b"secret")
        written = await write_rows(
            graph, record_type.upsert, record_type.to_rows(models, context), database=DATABASE
        )
        assert written == len(records)


async def reasons(graph: AsyncDriver, as_of: dt.date) -> dict[str, str | None]:
    facts = await gather_facts(graph, DATABASE, [SELLER], as_of, load_model())
    return {o.id: o.reason for o in facts[SELLER].orders}


async def test_each_order_is_judged_against_its_inventory_list(graph: AsyncDriver) -> None:
    await send(graph, CASES)
    assert await reasons(graph, AS_OF) == {id: expected for id, (_, expected) in CASES.items()}


async def test_documents_count_from_the_day_they_are_dated(graph: AsyncDriver) -> None:
    late = {
        **dict([export("E-LIST-LATER", inventory={"declaredOn": "2026-11-02"})]),
        **dict([import_("I-PAID-LATER", payment={"paidOn": "2026-11-02"})]),
    }
    await send(graph, {id: (documents, None) for id, documents in late.items()})
    assert await reasons(graph, AS_OF) == {
        "E-LIST-LATER": "no inventory list",
        "I-PAID-LATER": "no payment",
    }
    # the twin: the day after, both are there
    assert await reasons(graph, AS_OF + dt.timedelta(days=1)) == {
        "E-LIST-LATER": None,
        "I-PAID-LATER": None,
    }


def orders(count: int, unmatched: int) -> dict[str, tuple[Documents, str | None]]:
    """`count` export orders, the first `unmatched` paid to another enterprise."""
    made = {}
    for i in range(count):
        change = {"payment": {"ebcCode": OTHER}} if i < unmatched else {}
        id, documents = export(f"E-{i:02d}", **change)
        made[id] = (documents, "payee" if i < unmatched else None)
    return made


async def test_order_match_counts_export_orders_against_their_lists(graph: AsyncDriver) -> None:
    # 20 export orders, 1 paid to another enterprise: 19 / 20 = 95%, the 90% tier (0 points)
    await send(graph, orders(20, 1))
    facts = await gather_facts(graph, DATABASE, [SELLER], AS_OF, load_model())
    rating = rate(load_model(), facts[SELLER])
    [factor] = [f for f in rating.factors if f.code == "ORDER_MATCH"]
    assert (factor.points, factor.evidence) == (0, ("E-00",))
    assert factor.reason.startswith("three documents match on 19 of 20 orders")
    assert "CEB603" in factor.basis and "CEB621" in factor.basis


async def test_the_mismatch_alert_counts_the_same_reasons(graph: AsyncDriver) -> None:
    # 20 orders, 5 paid to another enterprise: 25%, the alert's threshold
    await send(graph, orders(20, 5))
    scanner = RiskScanner(graph, DATABASE, load_risk_rules(), clock=lambda: AS_OF)
    report = await scanner.scan_all(AS_OF)
    assert report.by_kind.get("DOCUMENT_MISMATCH") == 1


async def test_under_the_threshold_no_mismatch_alert(graph: AsyncDriver) -> None:
    # the twin: 4 of 20 (20%) stays under the 25% threshold
    await send(graph, orders(20, 4))
    scanner = RiskScanner(graph, DATABASE, load_risk_rules(), clock=lambda: AS_OF)
    report = await scanner.scan_all(AS_OF)
    assert report.by_kind.get("DOCUMENT_MISMATCH") is None
