"""Every Cypher read of the credit engine, named and parameterised."""

from __future__ import annotations

from typing import Final

# The facts of each enterprise valid at $as_of; orders, exports and collections over the 12
# months up to it ($since). A three-document mismatch says why: no payment, amount, no
# waybill or consignee (NOTES: paid = goods + freight + tax - discount, consignees equal).
RATING_FACTS: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})
RETURN e.uscc AS uscc, e.registeredOn AS registeredOn,
  COLLECT { MATCH (e)-[:PENALISED]->(p:Penalty) WHERE p.decidedOn <= $as_of
            RETURN p {.id, .department, .severity, .decidedOn, .publicUntil, .repairedOn} }
    AS penalties,
  COLLECT { MATCH (e)-[:LISTED]->(l:ListEntry) WHERE l.listedOn <= $as_of
            RETURN l {.id, .list, .department, .listedOn, .expiresOn, .removedOn} }
    AS listEntries,
  COLLECT { MATCH (e)-[:CLASSIFIED]->(c:Classification) WHERE c.effectiveFrom <= $as_of
            RETURN c {.id, .department, .scheme, .value, .effectiveFrom, .effectiveTo} }
    AS classifications,
  COLLECT { MATCH (e)-[:SOLD]->(o:Order) WHERE $since < o.orderedOn <= $as_of
            OPTIONAL MATCH (pay:Payment)-[:PAYS]->(o) WHERE pay.paidOn <= $as_of
            OPTIONAL MATCH (w:Waybill)-[:SHIPS]->(o) WHERE w.shippedOn <= $as_of
            WITH o, head(collect(pay)) AS pay, head(collect(w)) AS w
            RETURN {id: o.id, orderedOn: o.orderedOn, reason: CASE
              WHEN pay IS NULL THEN 'no payment'
              WHEN abs(pay.amountCny - (o.goodsCny + o.freightCny + o.taxCny - o.discountCny))
                   >= 0.005 THEN 'amount'
              WHEN w IS NULL THEN 'no waybill'
              WHEN w.consigneeName <> o.consigneeName OR w.consigneePhone <> o.consigneePhone
                   OR w.consigneeAddress <> o.consigneeAddress THEN 'consignee'
              ELSE null END} }
    AS orders,
  reduce(total = 0.0, v IN COLLECT {
            MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE d.direction = 'EXPORT' AND d.mode IN ['9710', '9810']
              AND $since < d.declaredOn <= $as_of
            RETURN d.valueCny } | total + v) AS declaredExports,
  reduce(total = 0.0, v IN COLLECT {
            MATCH (:Enterprise)-[:PAID]->(t:TradePayment)-[:PAID_TO]->(e)
            WHERE $since < t.paidOn <= $as_of
            RETURN t.amountCny } | total + v) AS collected,
  COLLECT { MATCH (e)-[:BORROWED]->(l:Loan) WHERE l.grantedOn <= $as_of
            RETURN l {.id, .status, .grantedOn, .dueOn} }
    AS loans
"""

# Listed enterprises within reach: the shortest path from each enterprise to each other
# enterprise with an entry active at $as_of, through legal representatives, officers,
# shareholdings of 25% or more and shared addresses. A hop is one step from an enterprise to
# the next (through a person or an address, or a direct shareholding), so 3 hops are at most 6
# relationships; the engine counts the hops from the path.
NETWORK_LINKS: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})
MATCH p = SHORTEST 1 (e)
      -[r:LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF|REGISTERED_AT
        WHERE r.ratio IS NULL OR r.ratio >= 0.25]-{1,6}
      (other:Enterprise WHERE other <> e)
WHERE size([n IN nodes(p) WHERE n:Enterprise]) <= 4
WITH uscc, other, p,
     COLLECT { MATCH (other)-[:LISTED]->(l:ListEntry)
               WHERE l.list <> 'RED_LIST' AND l.listedOn <= $as_of
                 AND (l.removedOn IS NULL OR l.removedOn > $as_of)
                 AND (l.expiresOn IS NULL OR l.expiresOn > $as_of)
               RETURN l {.id, .list} } AS entries
WHERE size(entries) > 0
RETURN uscc, other.uscc AS other, entries,
       [n IN nodes(p) | {label: labels(n)[0],
                         key: coalesce(n.uscc, n.personKey, n.key)}] AS nodes,
       [r IN relationships(p) | type(r)] AS relationships
"""
