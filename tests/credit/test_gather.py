"""Gathering rating facts from the real graph: what is in the window, what is reachable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from graph_kit import DATABASE
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit.gather import gather_facts
from hub.credit.model import load_model

AS_OF = dt.date(2026, 11, 1)


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"MC{i:06d}")


GRAPH = """
UNWIND range(0, 6) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'E' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $u[0]}), (e1:Enterprise {uscc: $u[1]}),
      (e2:Enterprise {uscc: $u[2]}), (e3:Enterprise {uscc: $u[3]}),
      (e4:Enterprise {uscc: $u[4]}), (e5:Enterprise {uscc: $u[5]}),
      (e6:Enterprise {uscc: $u[6]})
CREATE (p1:Person {personKey: 'p1'}), (p2:Person {personKey: 'p2'}), (a1:Address {key: 'a1'})
CREATE (p1)-[:LEGAL_REPRESENTATIVE_OF]->(e0), (p1)-[:LEGAL_REPRESENTATIVE_OF]->(e1)
CREATE (e1)-[:REGISTERED_AT]->(a1), (e2)-[:REGISTERED_AT]->(a1)
CREATE (e2)-[:SHAREHOLDER_OF {ratio: 0.5}]->(e3)
CREATE (p2)-[:LEGAL_REPRESENTATIVE_OF]->(e3), (p2)-[:OFFICER_OF {role: 'DIRECTOR'}]->(e4)
CREATE (e5)-[:SHAREHOLDER_OF {ratio: 0.1}]->(e0)
CREATE (p1)-[:OFFICER_OF {role: 'SUPERVISOR'}]->(e6)
CREATE (e1)-[:LISTED]->(:ListEntry:Serious {id: 'L1'}),
       (e2)-[:LISTED]->(:ListEntry:Serious {id: 'L2'}),
       (e3)-[:LISTED]->(:ListEntry:Serious {id: 'L3'}),
       (e4)-[:LISTED]->(:ListEntry:Serious {id: 'L4'}),
       (e5)-[:LISTED]->(:ListEntry:Serious {id: 'L5'})
CREATE (e6)-[:LISTED]->(:ListEntry {id: 'L6', list: 'ABNORMAL_OPERATION', department: 'SAMR',
                                    listedOn: date('2025-01-01'), removedOn: date('2026-01-01')})
CREATE (e0)-[:PENALISED]->(:Penalty {id: 'P1', department: 'CUSTOMS', severity: 'GENERAL',
        decidedOn: date('2026-03-01'), publicUntil: date('2027-03-01'), amountCny: 100.0})
CREATE (e0)-[:PENALISED]->(:Penalty {id: 'P-later', department: 'TAX', severity: 'SERIOUS',
        decidedOn: date('2026-12-01'), publicUntil: date('2028-12-01'), amountCny: 100.0})
CREATE (e0)-[:CLASSIFIED]->(:Classification {id: 'C1', department: 'TAX', scheme: 'TAX_CREDIT',
        value: 'A', effectiveFrom: date('2026-04-01')})
WITH e0
MATCH (s:Serious)
SET s.list = 'SERIOUS_DISHONESTY', s.department = 'SAMR', s.listedOn = date('2025-01-01')
REMOVE s:Serious
WITH DISTINCT e0
UNWIND [
  ['O1', 100.0, 'Anna', 100.0, 'Anna', date('2026-06-01')],
  ['O2', 100.0, 'Anna', 90.0, 'Anna', date('2026-06-02')],
  ['O3', 100.0, 'Anna', 100.0, 'Bert', date('2026-06-03')],
  ['O4', 100.0, 'Anna', null, 'Anna', date('2026-06-04')],
  ['O-old', 100.0, 'Anna', 100.0, 'Anna', date('2025-06-01')]] AS o
CREATE (e0)-[:SOLD]->(order:Order {id: o[0], orderedOn: o[5], goodsCny: o[1] - 5,
        direction: 'IMPORT', freightCny: 10.0, taxCny: 5.0, discountCny: 10.0,
        consigneeName: o[2], consigneePhone: '1', consigneeAddress: 'x'})
CREATE (:InventoryList {id: o[0] + '-inv', direction: 'IMPORT', declaredOn: o[5],
        goodsCny: o[1] - 5, freightCny: 10.0, buyerName: 'Anna', consigneeAddress: 'x'})
       -[:DECLARES]->(order)
FOREACH (_ IN CASE WHEN o[3] IS NULL THEN [] ELSE [1] END |
  CREATE (:Payment {id: o[0] + '-pay', paidOn: o[5], amountCny: o[3], payerName: 'Anna'})
         -[:PAYS]->(order))
CREATE (:Waybill {id: o[0] + '-wb', shippedOn: o[5], consigneeName: o[4], consigneePhone: '1',
        consigneeAddress: 'x'})-[:SHIPS]->(order)
WITH DISTINCT e0
MATCH (e1:Enterprise {uscc: $u[1]})
CREATE (e0)-[:DECLARED]->(:Declaration {id: 'D1', direction: 'EXPORT', mode: '9710',
        declaredOn: date('2026-05-01'), valueCny: 1000.0})
CREATE (e0)-[:DECLARED]->(:Declaration {id: 'D2', direction: 'EXPORT', mode: '9610',
        declaredOn: date('2026-05-01'), valueCny: 500.0})
CREATE (e0)-[:DECLARED]->(:Declaration {id: 'D3', direction: 'IMPORT', mode: '1210',
        declaredOn: date('2026-05-01'), valueCny: 700.0})
CREATE (e0)-[:RECEIVED]->(:ExportReceipt {id: 'R1', receivedOn: date('2026-07-01'),
        amount: 600.0, currency: 'CNY', amountCny: 600.0, payerCountry: 'KZ'})
CREATE (e1)-[:PAID]->(:TradePayment {id: 'T1', paidOn: date('2026-07-01'), amountCny: 900.0})
       -[:PAID_TO]->(e0)
CREATE (e0)-[:BORROWED]->(:Loan {id: 'LN1', status: 'OVERDUE', grantedOn: date('2026-01-01'),
        dueOn: date('2026-07-01')})
"""


async def test_facts_in_the_window_and_the_network_within_three_hops(graph: AsyncDriver) -> None:
    await graph.execute_query(GRAPH, u=[u(i) for i in range(7)], database_=DATABASE)
    facts = await gather_facts(graph, DATABASE, [u(0), u(99)], AS_OF, load_model())
    assert list(facts) == [u(0)]  # an unknown enterprise has no facts
    f = facts[u(0)]
    assert [p.id for p in f.penalties] == ["P1"]  # the later penalty is not yet decided
    assert [(c.scheme, c.value) for c in f.classifications] == [("TAX_CREDIT", "A")]
    assert {o.id: o.reason for o in f.orders} == {
        "O1": None,
        "O2": "amount",
        "O3": "consignee",
        "O4": "no payment",
    }
    # exports of every mode (1000.0 + 500.0; the import is not one), and the proceeds from
    # abroad (600.0), not the Chinese enterprise's payment of 900.0
    assert (f.declared_exports_cny, f.collected_cny) == (Decimal("1500.0"), Decimal("600.0"))
    assert [(loan.id, loan.status) for loan in f.loans] == [("LN1", "OVERDUE")]

    hops = {link.uscc: link.hops for link in f.network}
    # e1 via the shared legal representative, e2 via e1's address, e3 via e2's 50% holding;
    # e4 is a 4th hop, e5 holds only 10%, e6's entry was removed
    assert hops == {u(1): 1, u(2): 2, u(3): 3}
    e2 = next(link for link in f.network if link.uscc == u(2))
    assert [(s.label, s.relationship) for s in e2.path] == [
        ("Enterprise", "LEGAL_REPRESENTATIVE_OF"),
        ("Person", "LEGAL_REPRESENTATIVE_OF"),
        ("Enterprise", "REGISTERED_AT"),
        ("Address", "REGISTERED_AT"),
        ("Enterprise", None),
    ]
    assert e2.entry_ids == ("L2",) and e2.lists == ("SERIOUS_DISHONESTY",)
