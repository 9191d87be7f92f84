"""The graph the field matrix (test_field_matrix.py) reads, and the consents in it.

One subject, E1, carries a value in every field the matrix reads, so that an allowed field is
told from a hidden one by its value (the few fields that stay null here are in MAY_BE_EMPTY):

- E1 "Subject Co.": legal representative Wang, officers Li (current) and Zhao (past),
  shareholders Zhang (60%, a person) and E2 (40%), holding 51% of E3, two addresses, a filing,
  a penalty under objection (SAMR's, repaired on 2026-01-10 on its granted repair application)
  and one withdrawn after one, list entries on ABNORMAL_OPERATION
  (published; one current with an upheld objection, one removed, one withdrawn) and on
  SAFE_CLASS_C (not published, under objection), a tax grade D (forces the rating to D), SAFE
  goods-trade class C, export-refund class 2 (not 4: two data-quality findings for the tax
  bureau) and a withdrawn customs class, exports, a return, a collection, an
  overseas warehouse, a tax refund, a loan of another lender, an order, a risk alert.
- E0 "Listed Co." is on the serious dishonesty list; Wang represents it too, so E1 carries a
  network factor one hop away through a person (no joint-list row: lists do not reach related
  enterprises). E1 is on the court's published list of dishonest judgment debtors itself, so
  lenders have published list measures of their own to read.
- E2 "Holder Co." and E3 "Held Co." are the other sides of E1's shareholdings.
- Wang (personCreditProfile) also held 10% of E2, was E3's director until 2023 and was a
  dishonest judgment debtor himself until he paid in 2024; E0's and E1's entries cover him.

The hub is held at NOON (2026-06-15): consents run until CONSENT_UNTIL, a fixed date (the API
refuses a consent of more than a year, so 2099 is not possible), and the twelve-month
financing window is fixed too.

Every lender column of the matrix is its own institution ("bank-EC", "insurer-F", ...), to
which E1, E2 and E3 grant consents covering exactly that column's scopes (none for "no"), all
in the one graph: a consent to one institution must not show anything to another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

E0, E1, E2, E3 = (make_uscc("9", "1", "410200", f"FM{i:06d}") for i in range(4))
NOON = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
CONSENT_UNTIL = "2027-01-01T00:00:00+00:00"
PURPOSE = {"X-Purpose": "field matrix review"}

# A consent column: the scopes each enterprise consents to the column's institution.
CONSENT_SCOPES: dict[str, tuple[str, ...]] = {
    "no": (),
    "E": ("enterprise:read",),
    "C": ("credit:read",),
    "F": ("financing:read",),
    "EC": ("enterprise:read", "credit:read"),
    "EF": ("enterprise:read", "financing:read"),
    "ECF": ("enterprise:read", "credit:read", "financing:read"),
}
LENDERS = ("bank", "insurer")
# A bank granted credit:explain on top of its default scopes (the twin of the table's
# FinancingProfile.factorSummary refusals), with these consents.
EXPLAINING_BANK_SCOPES = ["credit:explain", "credit:read", "enterprise:read", "financing:read"]
EXPLAINING_BANK_CONSENTS = ("EF", "ECF")


def institution(kind: str, consent: str) -> str:
    return f"{kind}-{consent}"


def explaining_bank(consent: str) -> str:
    return f"explaining-bank-{consent}"


# Names as the graph holds them, and as a public client must see them (surname only).
NAMES = {"Wang Wei": "Wang *", "Li Na": "Li *", "Zhao Lei": "Zhao *", "Zhang San": "Zhang *"}

# What the unpublished SAFE class C list entry leaves in an answer: its id, its list, and the
# measures only that list carries (hub/credit/joint_rules.json). A bank, an insurer or the
# public never sees any of it (README: "never SAFE class C").
SAFE_C_TRACES = (
    "SAFE-C-1",
    "SAFE_CLASS_C",
    "documents checked in full before trade settlement",
    "every receipt and payment registered and reviewed item by item",
)

GRAPH = [
    """
    UNWIND [[$e0, 'Listed Co.'], [$e1, 'Subject Co.'], [$e2, 'Holder Co.'],
            [$e3, 'Held Co.']] AS e
    CREATE (:Enterprise {uscc: e[0], name: e[1], nameEn: e[1], zone: 'KAIFENG',
                         industryBelt: 'KF_TEXTILE',
                         status: 'ACTIVE', registeredOn: date('2020-01-01')})
    """,
    """
    MERGE (z:Zone {code: 'KAIFENG'}) SET z.name = 'Kaifeng'
    WITH z
    UNWIND ['CUSTOMS', 'TAX', 'SAFE', 'SAMR', 'BANK', 'LOGISTICS'] AS code
    MERGE (d:Department {code: code})
    WITH DISTINCT code
    CREATE (:Connector {id: toLower(code) + '-conn', department: code})
    """,
    """
    MATCH (e0:Enterprise {uscc: $e0}), (e1:Enterprise {uscc: $e1}),
          (e2:Enterprise {uscc: $e2}), (e3:Enterprise {uscc: $e3})
    CREATE (wang:Person {personKey: 'wang-key', name: 'Wang Wei', idMasked: '4102**1234'}),
           (li:Person {personKey: 'li-key', name: 'Li Na', idMasked: '4102**5678'}),
           (zhao:Person {personKey: 'zhao-key', name: 'Zhao Lei', idMasked: '4102**0001'}),
           (zhang:Person {personKey: 'zhang-key', name: 'Zhang San', idMasked: '4102**0002'})
    CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
           (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2021-01-01')}]->(e1),
           (li)-[:OFFICER_OF {role: 'GENERAL_MANAGER', since: date('2021-01-01')}]->(e1),
           (zhao)-[:OFFICER_OF {role: 'SUPERVISOR', since: date('2020-01-01'),
                                until: date('2024-12-31')}]->(e1),
           (zhang)-[:SHAREHOLDER_OF {ratio: 0.6, since: date('2020-01-01')}]->(e1),
           (e2)-[:SHAREHOLDER_OF {ratio: 0.4, since: date('2020-01-01'),
                                  until: date('2030-12-31')}]->(e1),
           (e1)-[:SHAREHOLDER_OF {ratio: 0.51, since: date('2022-01-01'),
                                  until: date('2031-12-31')}]->(e3)
    CREATE (e1)-[:REGISTERED_AT {since: date('2021-01-01')}]->
           (:Address {key: 'addr-1', text: 'No. 1 Zone Road, Kaifeng'}),
           (e1)-[:REGISTERED_AT {since: date('2020-01-01'), until: date('2020-12-31')}]->
           (:Address {key: 'addr-0', text: 'No. 9 Old Street, Kaifeng'})
    CREATE (e1)-[:FILED]->(f:Filing {id: 'F-1', kind: 'ANNUAL_REPORT',
                                     filedOn: date('2026-03-01'), source: 'samr-conn'})
    WITH e0, e1, f
    MATCH (d:Department) WHERE d.code IN ['CUSTOMS', 'TAX']
    CREATE (f)-[:SHARED_WITH]->(d)
    WITH DISTINCT e0, e1
    CREATE (e0)-[:LISTED]->(:ListEntry {id: 'SD-0', list: 'SERIOUS_DISHONESTY',
            department: 'SAMR', listedOn: date('2025-03-01'), expiresOn: date('2029-03-01'),
            reason: 'dishonest', basis: 'NDRC memoranda', source: 'samr-conn'})
    CREATE (e1)-[:PENALISED]->(:Penalty {id: 'P-1', department: 'SAMR',
            caseNo: 'SAMR-2025-001', severity: 'GENERAL', amountCny: 50000.0,
            decidedOn: date('2025-09-01'), publicUntil: date('2026-09-01'),
            repairedOn: date('2026-01-10'), source: 'samr-conn', objectionId: 'O-1',
            objectionStatus: 'PENDING', objectionFiledAt: datetime('2026-05-01T10:00:00Z')})
    CREATE (e1)-[:PENALISED]->(:Penalty {id: 'P-2', department: 'TAX',
            caseNo: 'TAX-2025-007', severity: 'MINOR', amountCny: 2000.0,
            decidedOn: date('2025-10-01'), source: 'tax-conn', withdrawnOn: date('2026-02-01'),
            objectionStatus: 'REMOVED', objectionFiledAt: datetime('2026-01-05T10:00:00Z'),
            objectionResolvedOn: date('2026-02-01')})
    CREATE (e1)-[:LISTED]->(:ListEntry {id: 'AB-1', list: 'ABNORMAL_OPERATION',
            department: 'SAMR', listedOn: date('2025-06-01'), reason: 'not at its address',
            basis: 'SAMR interim measures', source: 'samr-conn', objectionStatus: 'UPHELD',
            objectionFiledAt: datetime('2025-07-01T10:00:00Z'),
            objectionResolvedOn: date('2025-08-01')})
    CREATE (e1)-[:LISTED]->(:ListEntry {id: 'AB-0', list: 'ABNORMAL_OPERATION',
            department: 'SAMR', listedOn: date('2023-01-01'), expiresOn: date('2026-01-01'),
            removedOn: date('2024-01-01'), reason: 'annual report missing',
            basis: 'SAMR interim measures', source: 'samr-conn'})
    CREATE (e1)-[:LISTED]->(:ListEntry {id: 'AB-W', list: 'ABNORMAL_OPERATION',
            department: 'SAMR', listedOn: date('2024-03-01'), withdrawnOn: date('2024-05-01'),
            reason: 'wrongly listed', basis: 'SAMR interim measures', source: 'samr-conn',
            objectionStatus: 'REMOVED', objectionFiledAt: datetime('2024-03-10T10:00:00Z'),
            objectionResolvedOn: date('2024-05-01')})
    CREATE (e1)-[:LISTED]->(:ListEntry {id: 'CT-1', list: 'COURT_DISHONEST_DEBTOR',
            department: 'COURT', listedOn: date('2025-08-01'), expiresOn: date('2027-08-01'),
            reason: 'judgment unpaid', basis: 'SPC 2017 No. 7', source: 'court-conn'})
    CREATE (e1)-[:LISTED]->(:ListEntry {id: 'SAFE-C-1', list: 'SAFE_CLASS_C',
            department: 'SAFE', listedOn: date('2025-06-01'), expiresOn: date('2028-06-01'),
            reason: 'goods-trade class C', basis: 'SAFE administration', source: 'safe-conn',
            objectionId: 'O-2', objectionStatus: 'PENDING',
            objectionFiledAt: datetime('2026-05-02T10:00:00Z')})
    CREATE (e1)-[:CLASSIFIED]->(:Classification {id: 'CL-TAX-1', department: 'TAX',
            scheme: 'TAX_CREDIT', value: 'D', effectiveFrom: date('2025-04-01'),
            effectiveTo: date('2027-03-31'), source: 'tax-conn'})
    CREATE (e1)-[:CLASSIFIED]->(:Classification {id: 'CL-REF-1', department: 'TAX',
            scheme: 'EXPORT_REFUND_CLASS', value: '2', effectiveFrom: date('2025-06-01'),
            source: 'tax-conn'})
    CREATE (e1)-[:CLASSIFIED]->(:Classification {id: 'CL-SAFE-1', department: 'SAFE',
            scheme: 'SAFE_GOODS_TRADE', value: 'C', effectiveFrom: date('2025-01-01'),
            source: 'safe-conn', objectionStatus: 'UPHELD',
            objectionFiledAt: datetime('2025-02-01T10:00:00Z'),
            objectionResolvedOn: date('2025-03-01')})
    CREATE (e1)-[:CLASSIFIED]->(:Classification {id: 'CL-CUS-W', department: 'CUSTOMS',
            scheme: 'CUSTOMS_CREDIT', value: 'DISHONEST', effectiveFrom: date('2024-01-01'),
            source: 'customs-conn', withdrawnOn: date('2024-06-01'),
            objectionStatus: 'REMOVED', objectionFiledAt: datetime('2024-02-01T10:00:00Z'),
            objectionResolvedOn: date('2024-06-01')})
    """,
    """
    MATCH (e1:Enterprise {uscc: $e1})
    UNWIND [['O-1', 'P-1', 'Penalty', 'SAMR', 'PENDING', '2026-05-01T10:00:00Z', null, null],
            ['O-2', 'SAFE-C-1', 'ListEntry', 'SAFE', 'PENDING', '2026-05-02T10:00:00Z',
             null, null],
            ['O-3', 'AB-1', 'ListEntry', 'SAMR', 'UPHELD', '2025-07-01T10:00:00Z',
             '2025-08-01', 'the entry stands'],
            ['O-4', 'AB-W', 'ListEntry', 'SAMR', 'REMOVED', '2024-03-10T10:00:00Z',
             '2024-05-01', 'listed in error']] AS o
    MATCH (e1)-[:PENALISED|LISTED]->(r {id: o[1]})
    CREATE (e1)-[:OBJECTED]->(:Objection {id: o[0], recordId: o[1], recordLabel: o[2],
            openFor: CASE o[4] WHEN 'PENDING' THEN o[2] + ':' + o[1] END,
            department: o[3], uscc: $e1, reason: 'disputed by the enterprise',
            filedAt: datetime(o[5]), status: o[4], resolvedOn: date(o[6]),
            resolution: o[7]})-[:CONCERNS]->(r)
    """,
    """
    MATCH (e1:Enterprise {uscc: $e1})-[:PENALISED]->(p:Penalty {id: 'P-1'})
    CREATE (e1)-[:APPLIED_FOR_REPAIR]->(:RepairApplication {id: 'REP-1', recordId: 'P-1',
            recordLabel: 'Penalty', department: 'SAMR', uscc: $e1,
            correction: 'the unlicensed goods were withdrawn and the fine paid',
            commitment: 'we will comply with the market regulation laws',
            filedAt: datetime('2025-12-15T10:00:00Z'), filedBy: 'e1-console',
            status: 'GRANTED', eligibleFrom: date('2025-12-01'), regime: 'NDRC_ORDER_58',
            basis: 'NDRC Order 58 of 2023 (article not confirmed)',
            decidedOn: date('2026-01-10'), decision: 'corrected; commitment published',
            decisionSource: 'samr-conn'})-[:CONCERNS]->(p)
    """,
    """
    MATCH (e1:Enterprise {uscc: $e1}), (e2:Enterprise {uscc: $e2})
    CREATE (e1)-[:DECLARED]->(:Declaration {id: 'D-1', direction: 'EXPORT', mode: '9710',
            valueCny: 100000.0, declaredOn: date('2026-03-10'), destination: 'DE',
            source: 'customs-conn'}),
           (e1)-[:DECLARED]->(:Declaration {id: 'D-2', direction: 'EXPORT', mode: '0110',
            valueCny: 50000.0, declaredOn: date('2026-04-12'), destination: 'PL',
            source: 'customs-conn'}),
           (e1)-[:RETURNED]->(:Return {id: 'R-1', returnedOn: date('2026-04-20'),
            valueCny: 5000.0, source: 'customs-conn'}),
           (e2)-[:PAID]->(:TradePayment {id: 'TP-1', paidOn: date('2026-04-01'),
            amountCny: 80000.0, source: 'bank-conn'})-[:PAID_TO]->(e1),
           (e1)-[:RECEIVED]->(:ExportReceipt {id: 'FXR-1', receivedOn: date('2026-04-15'),
            amount: 12000.0, currency: 'USD', amountCny: 85200.0, payerCountry: 'DE',
            bank: 'Bank of China Henan Branch', declarationId: 'D-1', source: 'bank-conn'}),
           (e1)-[:OPERATES {since: date('2024-01-01')}]->(:OverseasWarehouse {id: 'W-1',
            name: 'Duisburg hub', country: 'DE', city: 'Duisburg', stockValueCny: 300000.0,
            stockAsOf: date('2026-05-31'), source: 'logistics-conn'}),
           (e1)-[:CLAIMED]->(:TaxRefund {id: 'TR-1', claimedOn: date('2026-02-01'),
            amountCny: 13000.0, status: 'PAID', paidOn: date('2026-03-01'),
            source: 'tax-conn'}),
           (e1)-[:BORROWED]->(:Loan {id: 'L-1', lender: 'another-bank', status: 'CURRENT',
            grantedOn: date('2025-10-01'), dueOn: date('2026-10-01'), source: 'bank-conn'}),
           (e1)-[:SOLD]->(:Order {id: 'OR-1', orderedOn: date('2026-03-01'), goodsCny: 1000.0,
            freightCny: 50.0, taxCny: 0.0, discountCny: 0.0, consigneeName: 'Kowalski',
            consigneePhone: '+48 1', consigneeAddress: 'Warsaw'})
    CREATE (e1)-[:ALERTED]->(a:RiskAlert {id: 'RA-1', kind: 'SHARED_LEGAL_REPRESENTATIVE',
            severity: 'MEDIUM', reason: 'two enterprises share a legal representative',
            subjects: [$e0, $e1], evidence: ['wang-key'], zones: ['KAIFENG'],
            basis: 'zone risk rules', detectedOn: date('2026-06-01'),
            lastSeenOn: date('2026-06-15')})
    // assigned and closed, so that every field of its disposal has a value to read
    CREATE (a)-[:DISPOSAL_STEP]->(:DisposalStep {seq: 1, action: 'ASSIGNED', by: 'Zone Chief',
            at: datetime('2026-06-02T09:00:00Z'), note: '', assignee: 'Li Wei'}),
           (a)-[:DISPOSAL_STEP]->(:DisposalStep {seq: 2, action: 'CLOSED', by: 'Li Wei',
            at: datetime('2026-06-03T09:00:00Z'), note: 'One family business.',
            result: 'NO_RISK_FOUND'})
    SET a.disposalStatus = 'CLOSED', a.disposalAssignee = 'Li Wei',
        a.disposalResult = 'NO_RISK_FOUND'
    WITH a MATCH (e0:Enterprise {uscc: $e0}) CREATE (e0)-[:ALERTED]->(a)
    """,
    # Wang's own record for personCreditProfile: a court listing of his that ended (paid in
    # 2024, so no joint-list row applies now), a past directorship of E3 and 10% of E2 (below
    # every network threshold: no rating moves)
    """
    MATCH (wang:Person {personKey: 'wang-key'}), (e2:Enterprise {uscc: $e2}),
          (e3:Enterprise {uscc: $e3})
    CREATE (wang)-[:OFFICER_OF {role: 'DIRECTOR', since: date('2020-01-01'),
                                until: date('2023-12-31')}]->(e3),
           (wang)-[:SHAREHOLDER_OF {ratio: 0.1, since: date('2021-01-01')}]->(e2),
           (wang)-[:LISTED]->(:ListEntry {id: 'CT-W', list: 'COURT_DISHONEST_DEBTOR',
            department: 'COURT', listedOn: date('2023-01-01'), expiresOn: date('2025-01-01'),
            removedOn: date('2024-06-01'), reason: 'judgment unpaid, since paid',
            basis: 'SPC 2017 No. 7', source: 'court-conn'})
    """,
    # the shared records (issue 19): what they show beyond the financing profile (an HS code,
    # a return's declaration and reason, a loan's amount, a filing's content, a receipt for
    # an order, a warehouse no longer operated), a loan of each lender column that reads
    # loans (its own: a lender sees no other's), and every fact's batch
    """
    MATCH (e1:Enterprise {uscc: $e1})-[:DECLARED]->(d1:Declaration {id: 'D-1'}),
          (e1)-[:DECLARED]->(d2:Declaration {id: 'D-2'}), (e1)-[:RETURNED]->(r:Return),
          (e1)-[:BORROWED]->(l:Loan), (e1)-[:FILED]->(f:Filing)
    SET d1.hsCode = '61091000', d2.hsCode = '94036000', r.declarationId = 'D-1',
        r.reason = 'rejected at destination customs', l.amountCny = 500000.0,
        f.filedWith = 'SAMR', f.documentNo = 'SAMR2026-0001', f.title = 'Annual report 2025'
    MERGE (r)-[:RETURN_OF]->(d1)
    CREATE (e1)-[:RECEIVED]->(:ExportReceipt {id: 'FXR-2', receivedOn: date('2026-03-20'),
            amount: 150.0, currency: 'USD', amountCny: 1065.0, payerCountry: 'PL',
            bank: 'Bank of China Henan Branch', orderId: 'OR-1', source: 'bank-conn'}),
           (e1)-[:OPERATES {since: date('2022-01-01'), until: date('2023-12-31')}]->
           (:OverseasWarehouse {id: 'W-0', name: 'Warsaw depot', country: 'PL',
            city: 'Warsaw', stockValueCny: 0.0, stockAsOf: date('2023-12-31'),
            source: 'logistics-conn'})
    WITH DISTINCT e1
    UNWIND ['bank-EF', 'bank-ECF', 'insurer-EF', 'insurer-ECF'] AS lender
    CREATE (e1)-[:BORROWED]->(:Loan {id: 'L-' + lender, lender: lender, amountCny: 200000.0,
            status: 'CURRENT', grantedOn: date('2026-01-15'), dueOn: date('2027-01-15'),
            source: 'bank-conn'})
    """,
    """
    MATCH (n) WHERE (n:Filing OR n:Penalty OR n:ListEntry OR n:Classification
                     OR n:Declaration OR n:Return OR n:ExportReceipt OR n:TaxRefund
                     OR n:OverseasWarehouse OR n:Loan) AND n.source IS NOT NULL
    SET n.batch = n.source + '-batch-1'
    """,
    # the three documents of E1's order (issue 19): an import, so that every field of the
    # order, its inventory list (CEB621), payment (CEB411) and waybill (CEB511) has a value;
    # paid 1,100.00 of its 1,000.00 + 50.00 + 91.00, so its match has a reason ("amount")
    """
    MATCH (e1:Enterprise {uscc: $e1})-[:SOLD]->(o:Order {id: 'OR-1'})
    SET o += {direction: 'IMPORT', ebpCode: '4102960E01', ebcCode: $e1, taxCny: 91.0,
              buyerName: 'Chen Jing', consigneeName: 'Chen Jing', consigneePhone: '13800000001',
              consigneeAddress: 'No. 5 Gulou Street, Kaifeng', source: 'customs-conn',
              batch: 'customs-conn-batch-1'}
    CREATE (:InventoryList {id: 'INV-1', orderId: 'OR-1', direction: 'IMPORT',
            tradeMode: '1210', declaredOn: date('2026-03-02'), ebpCode: '4102960E01',
            ebcCode: $e1, logisticsCode: '4102980L01', logisticsNo: 'WAY-1', goodsCny: 1000.0,
            freightCny: 50.0, buyerName: 'Chen Jing', buyerPhone: '13800000001',
            consigneeAddress: 'No. 5 Gulou Street, Kaifeng', source: 'customs-conn',
            batch: 'customs-conn-batch-1'})-[:DECLARES]->(o),
           (:Payment {id: 'PAY-1', orderId: 'OR-1', paidOn: date('2026-03-01'),
            amountCny: 1100.0, payerName: 'Chen Jing', payCode: '3122960P01',
            ebpCode: '4102960E01', ebcCode: $e1, source: 'bank-conn',
            batch: 'bank-conn-batch-1'})-[:PAYS]->(o),
           (:Waybill {id: 'WAY-1', orderId: 'OR-1', shippedOn: date('2026-03-03'),
            carrier: 'China Post', logisticsCode: '4102980L01', consigneeName: 'Chen Jing',
            consigneePhone: '13800000001', consigneeAddress: 'No. 5 Gulou Street, Kaifeng',
            source: 'logistics-conn', batch: 'logistics-conn-batch-1'})-[:SHIPS]->(o)
    """,
    # a refund claim far beyond E1's exports (tradeReconciliation): CNY 73,000.00 claimed in 12
    # months against the CNY 19,500.00 its CNY 150,000.00 of exports could yield, so the views
    # that set refunds against exports show a REFUNDS_OUT_OF_PROPORTION signal
    """
    MATCH (e1:Enterprise {uscc: $e1})
    CREATE (e1)-[:CLAIMED]->(:TaxRefund {id: 'TR-X', claimedOn: date('2026-05-20'),
            amountCny: 60000.0, status: 'CLAIMED', source: 'tax-conn',
            batch: 'tax-conn-batch-1'})
    """,
    # the credit services (creditRecord, commodity, shipments): a customs penalty in its
    # publicity period (P-1 is repaired, P-2 withdrawn), an import of video game consoles (HS
    # 95045020, a line of the cross-border retail import list) and the providers' USCCs on
    # WAY-1, PAY-1 and FXR-1
    """
    MATCH (e1:Enterprise {uscc: $e1})
    CREATE (e1)-[:PENALISED]->(:Penalty {id: 'P-3', department: 'CUSTOMS',
            caseNo: 'CUS-2026-003', severity: 'GENERAL', amountCny: 8000.0,
            decidedOn: date('2026-02-01'), publicUntil: date('2026-08-01'),
            source: 'customs-conn', batch: 'customs-conn-batch-1'}),
           (e1)-[:DECLARED]->(:Declaration {id: 'D-3', direction: 'IMPORT', mode: '1210',
            valueCny: 8000.0, declaredOn: date('2026-05-05'), destination: 'JP',
            hsCode: '95045020', source: 'customs-conn', batch: 'customs-conn-batch-1'})
    WITH e1
    OPTIONAL MATCH (w:Waybill {id: 'WAY-1'})
    SET w.carrierUscc = '91410200FM00000935'
    WITH e1
    MATCH (p:Payment {id: 'PAY-1'}), (r:ExportReceipt {id: 'FXR-1'})
    SET p.payFirmUscc = '91410200FM00000935', r.bankUscc = '91410200FM00000935'
    """,
    # providers (providerProfile): E1 is also the payment firm, carrier and receiving bank of
    # an order of E2 (without an inventory list: both documents are of a failing order) and
    # operates a supervised premises, so it holds every provider role
    """
    MATCH (e1:Enterprise {uscc: $e1}), (e2:Enterprise {uscc: $e2})
    CREATE (e2)-[:SOLD]->(o:Order {id: 'OR-P1', direction: 'EXPORT',
            orderedOn: date('2026-05-01'), goodsCny: 1000.0, freightCny: 50.0, taxCny: 0.0,
            discountCny: 0.0, source: 'customs-conn', batch: 'customs-conn-batch-1'})
    CREATE (e1)-[:HANDLED]->(:Payment {id: 'PAY-P1', orderId: 'OR-P1',
            paidOn: date('2026-05-02'), amountCny: 1050.0, payFirmUscc: $e1,
            source: 'bank-conn', batch: 'bank-conn-batch-1'})-[:PAYS]->(o),
           (e1)-[:CARRIED]->(:Waybill {id: 'WAY-P1', orderId: 'OR-P1',
            shippedOn: date('2026-05-03'), carrier: 'Subject Express', carrierUscc: $e1,
            source: 'logistics-conn', batch: 'logistics-conn-batch-1'})-[:SHIPS]->(o),
           (e1)-[:HANDLED]->(:ExportReceipt {id: 'FXR-P1', receivedOn: date('2026-05-10'),
            amount: 1000.0, currency: 'USD', amountCny: 7100.0, payerCountry: 'DE',
            bank: 'Subject Bank', bankUscc: $e1, orderId: 'OR-P1', source: 'bank-conn',
            batch: 'bank-conn-batch-1'})<-[:RECEIVED]-(e2),
           (e1)-[:OPERATES_PREMISES]->(:SupervisedPremises {id: 'SP-1',
            kind: 'BONDED_WAREHOUSE', name: 'Subject bonded warehouse', customsCode: '4611B001',
            approvedOn: date('2025-01-01'), validUntil: date('2027-12-31'), status: 'ACTIVE',
            operatorUscc: $e1, source: 'customs-conn', batch: 'customs-conn-batch-1'})
    """,
]


async def ask(hub_url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """POST one GraphQL request with the token (and a purpose, which lenders must state)."""
    headers = {"Authorization": f"Bearer {token}", **PURPOSE}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


GRANT = """mutation($i: String!, $s: [String!]!, $x: DateTime!) {
  grantConsent(institution: $i, purpose: WORKING_CAPITAL, scopes: $s, expiresAt: $x) { id }
}"""


async def build_zone(driver: AsyncDriver, hub_url: str) -> None:
    """The graph above, rated and listed as of NOON, with every lender column's consents
    granted through the API by the enterprises' own clients (the hub must be held at NOON)."""
    for statement in GRAPH:
        await driver.execute_query(statement, e0=E0, e1=E1, e2=E2, e3=E3, database_=DATABASE)
    recomputer = CreditRecomputer(driver, DATABASE, load_model(), load_joint_rules())
    await recomputer.recompute_all(NOON.date())
    for kind in LENDERS:  # registered first: a consent names a lender the hub knows
        for consent in CONSENT_SCOPES:
            await token_for(hub_url, driver, kind, institution=institution(kind, consent))
    for consent in EXPLAINING_BANK_CONSENTS:
        await token_for(
            hub_url,
            driver,
            "bank",
            institution=explaining_bank(consent),
            scopes=[*EXPLAINING_BANK_SCOPES, "lists:read"],
        )
    grants = [
        (institution(kind, consent), scopes)
        for kind in LENDERS
        for consent, scopes in CONSENT_SCOPES.items()
        if scopes
    ] + [(explaining_bank(c), CONSENT_SCOPES[c]) for c in EXPLAINING_BANK_CONSENTS]
    for uscc in (E1, E2, E3):
        own = await token_for(hub_url, driver, "enterprise", institution=uscc)
        for lender, scopes in grants:
            granted = await ask(hub_url, own, GRANT, i=lender, s=list(scopes), x=CONSENT_UNTIL)
            assert "errors" not in granted, granted
