"""Every Cypher read of the financing profile, named and parameterised."""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import (
    consent_active,
    export_receipt_of,
    is_export,
    receipt_counts_after,
    tie_not_ended,
    trade_payment_into,
)

# The trade-finance facts of one enterprise over the months ($since, $today], each with the
# connector that sent it (`source`, mapped to its department) and its date: export
# proceeds received from abroad and, apart from them, payments from Chinese enterprises.
FINANCING_FACTS: Final = f"""
MATCH (e:Enterprise {{uscc: $uscc}})
RETURN
  COLLECT {{ MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE {is_export("d")} AND $since < d.declaredOn <= $today
            RETURN {{month: substring(toString(d.declaredOn), 0, 7), mode: d.mode,
                    value: d.valueCny, source: d.source, on: d.declaredOn}} }} AS exports,
  COLLECT {{ MATCH (e)-[:RETURNED]->(r:Return) WHERE $since < r.returnedOn <= $today
            RETURN {{month: substring(toString(r.returnedOn), 0, 7), value: r.valueCny,
                    source: r.source, on: r.returnedOn}} }} AS returns,
  COLLECT {{ MATCH {export_receipt_of("e", "r")}
            WHERE $since < r.receivedOn <= $today
            RETURN {{month: substring(toString(r.receivedOn), 0, 7), value: r.amountCny,
                    source: r.source, on: r.receivedOn,
                    counts: {receipt_counts_after("r", "$since")}}} }} AS receipts,
  COLLECT {{ MATCH {trade_payment_into("e", "t")}
            WHERE $since < t.paidOn <= $today
            RETURN {{month: substring(toString(t.paidOn), 0, 7), value: t.amountCny,
                    source: t.source, on: t.paidOn}} }} AS domesticPayments,
  COLLECT {{ MATCH (e)-[r:OPERATES]->(w:OverseasWarehouse)
            WHERE {tie_not_ended("r", "$today")}
            RETURN w {{.id, .name, .country, .city, .stockValueCny, .stockAsOf, .source}} }}
    AS warehouses,
  COLLECT {{ MATCH (e)-[:CLAIMED]->(r:TaxRefund) WHERE $since < r.claimedOn <= $today
            RETURN r {{.id, .claimedOn, .amountCny, .status, .paidOn, .source}} }} AS refunds,
  COLLECT {{ MATCH (e)-[:BORROWED]->(l:Loan) WHERE l.lender <> $lender
            RETURN l {{.status, .grantedOn, .source}} }} AS loans
"""

CONNECTOR_DEPARTMENTS: Final = """
UNWIND $sources AS id
MATCH (c:Connector {id: id})
RETURN c.id AS source, c.department AS department
"""

# The caller's consent that covers financing data, if the enterprise gave one.
FINANCING_CONSENT: Final = f"""
MATCH (:Enterprise {{uscc: $uscc}})-[:CONSENTED]->(c:Consent)
WHERE {consent_active("c", "$institution", "$now", "financing:read")}
RETURN c.id AS id, c.purpose AS purpose
ORDER BY c.grantedAt DESC
LIMIT 1
"""
