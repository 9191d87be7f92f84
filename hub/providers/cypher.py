"""Every Cypher statement of the provider profile (`hub.providers.profile`).

One read per profile: the enterprise, the roles it held by $as_of (a payment or receipt it
HANDLED, a waybill it CARRIED, a premises it OPERATES_PREMISES approved by then), the documents
it handled in the window ($since, $as_of], each payment and waybill with the reason its order
fails the three-document check (`graph_schema.predicates.document_mismatch`, the rule the
composite rating and the risk scan use), its premises, penalties and list entries valid then.
"""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import document_mismatch, fact_counts, order_documents

_REASON: Final = f"""CALL (o) {{
    {order_documents("o", "$as_of")}
    RETURN {document_mismatch("o")} AS reason
  }}"""

PROVIDER_FACTS: Final = f"""
MATCH (e:Enterprise {{uscc: $uscc}})
RETURN e.uscc AS uscc, e.registeredOn AS registeredOn,
  EXISTS {{ MATCH (e)-[:HANDLED]->(p:Payment) WHERE p.paidOn <= $as_of }} AS paymentFirm,
  EXISTS {{ MATCH (e)-[:HANDLED]->(r:ExportReceipt) WHERE r.receivedOn <= $as_of }} AS bank,
  EXISTS {{ MATCH (e)-[:CARRIED]->(w:Waybill) WHERE w.shippedOn <= $as_of }} AS carrier,
  COLLECT {{ MATCH (e)-[:HANDLED]->(p:Payment)-[:PAYS]->(o:Order)
            WHERE $since < p.paidOn <= $as_of
            {_REASON}
            RETURN {{id: p.id, role: 'PAYMENT_FIRM', on: p.paidOn, amountCny: p.amountCny,
                    orderId: o.id, reason: reason}} ORDER BY p.id }}
    + COLLECT {{ MATCH (e)-[:HANDLED]->(r:ExportReceipt)
            WHERE $since < r.receivedOn <= $as_of
            RETURN {{id: r.id, role: 'BANK', on: r.receivedOn, amountCny: r.amountCny}}
            ORDER BY r.id }}
    + COLLECT {{ MATCH (e)-[:CARRIED]->(w:Waybill)-[:SHIPS]->(o:Order)
            WHERE $since < w.shippedOn <= $as_of
            {_REASON}
            RETURN {{id: w.id, role: 'CARRIER', on: w.shippedOn, orderId: o.id,
                    reason: reason}} ORDER BY w.id }}
    AS documents,
  COLLECT {{ MATCH (e)-[:OPERATES_PREMISES]->(s:SupervisedPremises)
            WHERE s.approvedOn <= $as_of
            RETURN s {{.id, .kind, .name, .customsCode, .approvedOn, .status, .validUntil}}
            ORDER BY s.id }}
    AS premises,
  COLLECT {{ MATCH (e)-[:PENALISED]->(p:Penalty)
            WHERE {fact_counts("p", "decidedOn", "$as_of")}
            RETURN p {{.id, .department, .severity, .decidedOn, .publicUntil, .repairedOn}}
            ORDER BY p.decidedOn, p.id }}
    AS penalties,
  COLLECT {{ MATCH (e)-[:LISTED]->(l:ListEntry)
            WHERE {fact_counts("l", "listedOn", "$as_of")}
            RETURN l {{.id, .list, .department, .listedOn, .expiresOn, .removedOn}}
            ORDER BY l.listedOn, l.id }}
    AS listEntries
"""
"""The provider's facts. Parameters: `$uscc`, `$as_of`, `$since` (the window's exclusive
start: `as_of` less the provider model's `window_months`)."""
