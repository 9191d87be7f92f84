"""Risk alerts on hand-built graphs: what is found, what is not, and what a rescan clears."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph_kit import DATABASE
from neo4j import AsyncDriver

from connectors.records.models import WaybillRecord
from connectors.records.registry import get_record_type
from connectors.records.subjects import Subjects
from graph_schema.uscc import make_uscc
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer
from hub.risk import RiskScanner, load_risk_rules

AS_OF = dt.date(2026, 11, 1)


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"RK{i:06d}")


ENTERPRISES = """
UNWIND range(0, $n - 1) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'R' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
"""

PAY = """
MATCH (a:Enterprise {uscc: $a}), (b:Enterprise {uscc: $b})
CREATE (a)-[:PAID]->(:TradePayment {id: $id, paidOn: $on, amountCny: 1000.0})-[:PAID_TO]->(b)
"""


async def run(driver: AsyncDriver, query: str, **params: Any) -> None:
    await driver.execute_query(query, params, database_=DATABASE)


def scanner(driver: AsyncDriver) -> RiskScanner:
    return RiskScanner(driver, DATABASE, load_risk_rules(), chunk_size=3)


ALERTS = """query($f: RiskAlertFilter) {
  riskAlerts(filter: $f) { edges { node { kind severity reason subjects evidence clearedOn } } }
}"""


def nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"]["riskAlerts"]["edges"]]


async def test_a_payment_ring_is_found_once_and_a_near_ring_is_not(graph, gql) -> None:
    await run(graph, ENTERPRISES, n=7, u=[u(i) for i in range(7)])
    on = AS_OF - dt.timedelta(days=30)
    # a ring 0 -> 1 -> 2 -> 0; a chain 3 -> 4 -> 5 that never returns; a ring 5 -> 6 -> 5
    # whose closing payment is older than the 365-day window
    for i, (a, b, day) in enumerate(
        [
            (0, 1, on),
            (1, 2, on),
            (2, 0, on),
            (3, 4, on),
            (4, 5, on),
            (5, 6, on),
            (6, 5, AS_OF - dt.timedelta(days=400)),
        ]
    ):
        await run(graph, PAY, a=u(a), b=u(b), id=f"TP-{i}", on=day)
    report = await scanner(graph).scan_all(AS_OF)
    assert report.by_kind.get("CIRCULAR_PAYMENTS") == 1

    [ring] = nodes(await gql(ALERTS, f={"kind": "CIRCULAR_PAYMENTS"}))
    assert sorted(ring["subjects"]) == sorted([u(0), u(1), u(2)])
    assert ring["evidence"] == ["TP-0", "TP-1", "TP-2"] and ring["severity"] == "HIGH"
    assert "payments go round 3 enterprises" in ring["reason"]

    # the ring's last payment is corrected to a date outside the window: a rescan clears it
    await run(graph, "MATCH (t:TradePayment {id: 'TP-2'}) SET t.paidOn = date('2025-01-01')")
    again = await scanner(graph).scan_all(AS_OF)
    assert again.cleared == 1
    assert nodes(await gql(ALERTS, f={"kind": "CIRCULAR_PAYMENTS"})) == []
    [cleared] = nodes(await gql(ALERTS, f={"kind": "CIRCULAR_PAYMENTS", "includeCleared": True}))
    assert cleared["clearedOn"] == AS_OF.isoformat()


async def test_a_shared_address_cluster_beyond_the_threshold(graph, gql) -> None:
    await run(graph, ENTERPRISES, n=9, u=[u(i) for i in range(9)])
    await run(
        graph,
        """CREATE (:Address {key: 'a-big', text: 'No. 9 Busy Road'}),
                  (:Address {key: 'a-small', text: 'No. 1 Quiet Road'})
           WITH 1 AS one
           UNWIND range(0, 8) AS i
           MATCH (e:Enterprise {uscc: $u[i]}),
                 (a:Address {key: CASE WHEN i < 5 THEN 'a-big' ELSE 'a-small' END})
           CREATE (e)-[:REGISTERED_AT {since: date('2020-01-01')}]->(a)""",
        u=[u(i) for i in range(9)],
    )
    await scanner(graph).scan_all(AS_OF)
    [cluster] = nodes(await gql(ALERTS, f={"kind": "SHARED_ADDRESS"}))
    # five at the busy address reach the threshold of 5; four at the quiet one do not
    assert sorted(cluster["subjects"]) == sorted(u(i) for i in range(5))
    assert cluster["evidence"] == ["a-big"]
    assert cluster["reason"] == (
        "5 enterprises share the address No. 9 Busy Road (the threshold is 5)"
    )


async def test_a_new_enterprise_run_by_a_punished_person(graph, gql) -> None:
    await run(graph, ENTERPRISES, n=2, u=[u(i) for i in range(2)])
    await run(
        graph,
        """MATCH (old:Enterprise {uscc: $old}), (new:Enterprise {uscc: $new})
           SET new.registeredOn = date('2026-06-01')
           CREATE (p:Person {personKey: 'liu', name: 'Liu Yang'})
           CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(old),
                  (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2026-06-01')}]->(new)
           CREATE (old)-[:LISTED]->(:ListEntry {id: 'TAX-1', list: 'TAX_MAJOR_VIOLATION',
                  department: 'TAX', listedOn: date('2026-01-10')})""",
        old=u(0),
        new=u(1),
    )
    await CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules()).recompute_all(AS_OF)
    await scanner(graph).scan_all(AS_OF)
    [alert] = nodes(await gql(ALERTS, f={"kind": "COVERED_REPRESENTATIVE"}))
    assert alert["subjects"] == [u(1)] and alert["evidence"] == ["TAX-1"]
    assert "TAX_MAJOR_VIOLATION" in alert["reason"]


# 20 import orders of 2026-09-01 (100 + 10 + 5 = 115 CNY, consignee Anna), each on its import
# inventory list (buyer Anna), paid 115 CNY by Anna and shipped to Anna: all three documents
# match the list, but the payments of O-0..O-2 and the waybills of O-3 and O-4 are dated after
# AS_OF.
ORDERS = """
MATCH (e:Enterprise {uscc: $u})
UNWIND range(0, 19) AS i
CREATE (e)-[:SOLD]->(o:Order {id: 'O-' + i, orderedOn: date('2026-09-01'), goodsCny: 100.0,
        direction: 'IMPORT', freightCny: 10.0, taxCny: 5.0, discountCny: 0.0,
        consigneeName: 'Anna', consigneePhone: '1', consigneeAddress: 'x'})
CREATE (:InventoryList {id: 'INV-' + i, direction: 'IMPORT', declaredOn: date('2026-09-01'),
        goodsCny: 100.0, freightCny: 10.0, buyerName: 'Anna', consigneeAddress: 'x'})
       -[:DECLARES]->(o)
CREATE (:Payment {id: 'PAY-' + i, amountCny: 115.0, payerName: 'Anna',
        paidOn: CASE WHEN i < 3 THEN $late ELSE date('2026-09-02') END})-[:PAYS]->(o)
CREATE (:Waybill {id: 'WB-' + i, consigneeName: 'Anna', consigneePhone: '1',
        consigneeAddress: 'x',
        shippedOn: CASE WHEN 3 <= i < 5 THEN $late ELSE date('2026-09-03') END})-[:SHIPS]->(o)
"""


async def test_a_scan_as_of_a_date_counts_no_payment_or_waybill_dated_after_it(graph, gql) -> None:
    await run(graph, ENTERPRISES, n=1, u=[u(0)])
    late = AS_OF + dt.timedelta(days=14)
    await run(graph, ORDERS, u=u(0), late=late)

    # as of AS_OF, 5 of the 20 orders lack their payment or waybill (25%, the threshold)
    await scanner(graph).scan_all(AS_OF)
    [alert] = nodes(await gql(ALERTS, f={"kind": "DOCUMENT_MISMATCH"}))
    assert alert["subjects"] == [u(0)]
    assert alert["evidence"] == ["O-0", "O-1", "O-2", "O-3", "O-4"]
    assert alert["reason"] == (
        "the three documents do not match on 5 of 20 orders in 12 months (25%, the threshold "
        "is 25%): 3 no payment, 2 no waybill"
    )

    # the allowed twin: once they are paid and shipped, a scan finds every order matched
    again = await scanner(graph).scan_all(late)
    assert again.cleared == 1
    assert nodes(await gql(ALERTS, f={"kind": "DOCUMENT_MISMATCH"})) == []


async def test_a_waybill_batch_rescans_the_seller_of_its_order(graph, gql) -> None:
    """A waybill names only its order: the scan after its batch must reach the order's seller
    (it used to scan no one, so the alert stayed until `hub risk scan`)."""
    await run(graph, ENTERPRISES, n=1, u=[u(0)])
    late = AS_OF + dt.timedelta(days=14)
    await run(graph, ORDERS, u=u(0), late=late)
    await scanner(graph).scan_all(AS_OF)
    assert len(nodes(await gql(ALERTS, f={"kind": "DOCUMENT_MISMATCH"}))) == 1

    waybill_type = get_record_type("logistics.waybill@1")
    record = WaybillRecord.model_validate(
        {
            "id": "WB-3",
            "orderId": "O-3",
            "shippedOn": late.isoformat(),
            "carrier": "Zhongyuan Express",
            "consigneeName": "Anna",
            "consigneePhone": "13800000000",
            "consigneeAddress": "x",
        }
    )
    subjects = waybill_type.subjects_of([record], lambda number: number)
    assert subjects.usccs == frozenset() and subjects.fact_ids == {"O-3"}

    # the batch's SCAN effect, on the day the late documents are in: the seller's alert clears
    late_scanner = scanner(graph)
    late_scanner.clock = lambda: late
    await late_scanner.scan_batch(subjects)
    assert nodes(await gql(ALERTS, f={"kind": "DOCUMENT_MISMATCH"})) == []


async def test_a_batch_naming_no_known_fact_scans_no_one(graph, gql) -> None:
    # the twin: a waybill for an order the hub does not hold leaves the alert standing
    await run(graph, ENTERPRISES, n=1, u=[u(0)])
    late = AS_OF + dt.timedelta(days=14)
    await run(graph, ORDERS, u=u(0), late=late)
    await scanner(graph).scan_all(AS_OF)
    late_scanner = scanner(graph)
    late_scanner.clock = lambda: late
    unknown = Subjects(fact_ids=frozenset({"O-NOT-HELD"}))
    await late_scanner.scan_batch(unknown)
    assert len(nodes(await gql(ALERTS, f={"kind": "DOCUMENT_MISMATCH"}))) == 1


EXPORT = """
MATCH (e:Enterprise {uscc: $u})
CREATE (e)-[:DECLARED]->(:Declaration {id: $id, direction: 'EXPORT', mode: '9710',
        declaredOn: $on, valueCny: $value})
"""

RECEIPT = """
MATCH (e:Enterprise {uscc: $u})
CREATE (e)-[:RECEIVED]->(:ExportReceipt {id: $id, receivedOn: $on, amount: $value / 7.0,
        currency: 'USD', amountCny: $value, payerCountry: 'US', bank: 'Bank of China',
        declarationId: $settles})
"""


async def test_exports_and_export_proceeds_that_do_not_meet(graph, gql) -> None:
    await run(graph, ENTERPRISES, n=9, u=[u(i) for i in range(9)])
    old, recent = dt.date(2026, 5, 1), dt.date(2026, 9, 15)  # 184 and 47 days before AS_OF
    # 0: an export 184 days old and nothing received; 1: the same, paid for
    await run(graph, EXPORT, u=u(0), id="D-0", on=old, value=200000.0)
    await run(graph, EXPORT, u=u(1), id="D-1", on=old, value=200000.0)
    await run(
        graph, RECEIPT, u=u(1), id="R-1", on=dt.date(2026, 6, 15), value=190000.0, settles=None
    )
    # 2: an export 47 days old, within the 90 days proceeds may take
    await run(graph, EXPORT, u=u(2), id="D-2", on=recent, value=200000.0)
    # 3: proceeds 153 days old and no export; 4: proceeds 12 days old (an advance receipt)
    await run(
        graph, RECEIPT, u=u(3), id="R-3", on=dt.date(2026, 6, 1), value=150000.0, settles=None
    )
    await run(
        graph, RECEIPT, u=u(4), id="R-4", on=dt.date(2026, 10, 20), value=150000.0, settles=None
    )
    # 5: proceeds in advance of an export declared a month later
    await run(
        graph, RECEIPT, u=u(5), id="R-5", on=dt.date(2026, 6, 1), value=150000.0, settles=None
    )
    await run(graph, EXPORT, u=u(5), id="D-5", on=dt.date(2026, 7, 1), value=150000.0)
    # 6: an old export, and a Chinese enterprise's payment, which is no export proceeds
    await run(graph, EXPORT, u=u(6), id="D-6", on=old, value=200000.0)
    await run(graph, PAY, a=u(5), b=u(6), id="TP-6", on=dt.date(2026, 6, 1))
    # 7: an old export under the CNY 100,000 the signal needs
    await run(graph, EXPORT, u=u(7), id="D-7", on=old, value=99999.0)
    # 8: the proceeds of an export declared 13 months ago, before the window: explained
    await run(graph, EXPORT, u=u(8), id="D-8", on=dt.date(2025, 10, 1), value=200000.0)
    await run(
        graph, RECEIPT, u=u(8), id="R-8", on=dt.date(2026, 1, 5), value=190000.0, settles="D-8"
    )

    report = await scanner(graph).scan_all(AS_OF)
    assert report.by_kind.get("EXPORTS_WITHOUT_RECEIPTS") == 2
    assert report.by_kind.get("RECEIPTS_WITHOUT_EXPORTS") == 1

    unpaid = nodes(await gql(ALERTS, f={"kind": "EXPORTS_WITHOUT_RECEIPTS"}))
    assert sorted((a["subjects"], a["evidence"]) for a in unpaid) == [
        ([u(0)], ["D-0"]),
        ([u(6)], ["D-6"]),
    ]
    assert {a["reason"] for a in unpaid} == {
        "declared CNY 200,000.00 of exports in 1 declaration more than 90 days ago and "
        "received no export proceeds from abroad in 12 months"
    }
    [unexplained] = nodes(await gql(ALERTS, f={"kind": "RECEIPTS_WITHOUT_EXPORTS"}))
    assert (unexplained["subjects"], unexplained["evidence"]) == ([u(3)], ["R-3"])
    assert unexplained["reason"] == (
        "received CNY 150,000.00 of export proceeds from abroad in 1 receipt and declared no "
        "export in 12 months"
    )

    # the allowed twin: once 0's proceeds come in, a rescan clears its alert
    await run(
        graph, RECEIPT, u=u(0), id="R-0", on=dt.date(2026, 10, 1), value=200000.0, settles=None
    )
    await scanner(graph).scan_all(AS_OF)
    unpaid = nodes(await gql(ALERTS, f={"kind": "EXPORTS_WITHOUT_RECEIPTS"}))
    assert [a["subjects"] for a in unpaid] == [[u(6)]]


CLAIM = """
MATCH (e:Enterprise {uscc: $u})
CREATE (e)-[:CLAIMED]->(:TaxRefund {id: $id, claimedOn: $on, amountCny: $value,
                                    status: $status})
"""


async def test_export_tax_refunds_out_of_proportion_to_exports(graph, gql) -> None:
    # as of 2026-11-01: claims of (2025-11-01, 2026-11-01] against the exports of those months
    # and the 16 before (from 2024-07-02), at most 13% of their value
    await run(graph, ENTERPRISES, n=5, u=[u(i) for i in range(5)])
    for i in (0, 1):  # 300,000 declared 20 months ago (inside the 16 months) + 100,000
        await run(graph, EXPORT, u=u(i), id=f"D-{i}a", on=dt.date(2025, 3, 1), value=300000.0)
        await run(graph, EXPORT, u=u(i), id=f"D-{i}b", on=dt.date(2026, 6, 1), value=100000.0)
    # 0: 60,000 claimed on 400,000 exported, whose 13% is 52,000; 1: exactly 52,000
    await run(graph, CLAIM, u=u(0), id="T-0", on=dt.date(2026, 7, 1), value=60000.0, status="PAID")
    await run(graph, CLAIM, u=u(1), id="T-1", on=dt.date(2026, 7, 1), value=52000.0, status="PAID")
    # 2: 49,999 claimed and nothing exported: under the CNY 50,000 the signal needs
    await run(
        graph, CLAIM, u=u(2), id="T-2", on=dt.date(2026, 8, 1), value=49999.0, status="CLAIMED"
    )
    # 3: 80,000 claimed on 100,000 but rejected (it yields nothing); 10,000 paid
    await run(graph, EXPORT, u=u(3), id="D-3", on=dt.date(2026, 6, 1), value=100000.0)
    await run(
        graph, CLAIM, u=u(3), id="T-3r", on=dt.date(2026, 7, 1), value=80000.0, status="REJECTED"
    )
    await run(graph, CLAIM, u=u(3), id="T-3p", on=dt.date(2026, 7, 1), value=10000.0, status="PAID")
    # 4: its only exports are older than the 28 months, and a claim of 60,000 of 2025-12-01
    await run(graph, EXPORT, u=u(4), id="D-4", on=dt.date(2024, 6, 1), value=1000000.0)
    await run(
        graph, CLAIM, u=u(4), id="T-4", on=dt.date(2025, 12, 1), value=60000.0, status="CLAIMED"
    )

    report = await scanner(graph).scan_all(AS_OF)
    assert report.by_kind.get("REFUNDS_OUT_OF_PROPORTION") == 2
    found = nodes(await gql(ALERTS, f={"kind": "REFUNDS_OUT_OF_PROPORTION"}))
    by_subject = {a["subjects"][0]: a for a in found}
    assert sorted(by_subject) == sorted([u(0), u(4)])
    assert by_subject[u(0)]["severity"] == "HIGH" and by_subject[u(0)]["evidence"] == ["T-0"]
    assert by_subject[u(0)]["reason"] == (
        "claimed CNY 60,000.00 of export tax refunds in 1 claim in 12 months, CNY 8,000.00 more "
        "than the CNY 52,000.00 its exports could yield at the highest refund rate of 13% (CNY "
        "400,000.00 declared in 2 declarations in 28 months)"
    )
    assert by_subject[u(4)]["reason"] == (
        "claimed CNY 60,000.00 of export tax refunds in 1 claim in 12 months, CNY 60,000.00 "
        "more than the CNY 0.00 its exports could yield at the highest refund rate of 13% (CNY "
        "0.00 declared in 0 declarations in 28 months)"
    )

    # the allowed twin: once 0's claim is rejected, a rescan clears its alert
    await run(graph, "MATCH (t:TaxRefund {id: 'T-0'}) SET t.status = 'REJECTED'")
    await scanner(graph).scan_all(AS_OF)
    left = nodes(await gql(ALERTS, f={"kind": "REFUNDS_OUT_OF_PROPORTION"}))
    assert [a["subjects"] for a in left] == [[u(4)]]
