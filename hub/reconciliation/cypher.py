"""Every Cypher read of the cross-department views, named and parameterised: one query per
section, so a section the caller may not read is never read.

Each sums one enterprise's records of the window ($since, $today] by calendar month.
"""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import export_receipt_of, is_export, receipt_counts_after

# Export declarations (customs) by the month declared.
EXPORTS_BY_MONTH: Final = f"""
MATCH (e:Enterprise {{uscc: $uscc}})-[:DECLARED]->(d:Declaration)
WHERE {is_export("d")} AND $since < d.declaredOn <= $today
RETURN substring(toString(d.declaredOn), 0, 7) AS month, count(d) AS count,
       sum(d.valueCny) AS value
"""

# Export proceeds received from abroad (SAFE) by the month received, with the part that counts
# against the window's exports: not the proceeds of an export declared before the window.
RECEIPTS_BY_MONTH: Final = f"""
MATCH (e:Enterprise {{uscc: $uscc}})
MATCH {export_receipt_of("e", "r")}
WHERE $since < r.receivedOn <= $today
RETURN substring(toString(r.receivedOn), 0, 7) AS month, count(r) AS count,
       sum(r.amountCny) AS value,
       sum(CASE WHEN {receipt_counts_after("r", "$since")} THEN r.amountCny ELSE 0.0 END)
         AS counted
"""

# Export tax refunds (tax): the claims by the month claimed and status, and the refunds paid
# by the month paid (a claim of before the window may be paid inside it).
REFUNDS_BY_MONTH: Final = """
MATCH (e:Enterprise {uscc: $uscc})
RETURN
  COLLECT { MATCH (e)-[:CLAIMED]->(r:TaxRefund) WHERE $since < r.claimedOn <= $today
            WITH substring(toString(r.claimedOn), 0, 7) AS month, r.status AS status,
                 count(r) AS count, sum(r.amountCny) AS value
            RETURN {month: month, status: status, count: count, value: value} } AS claimed,
  COLLECT { MATCH (e)-[:CLAIMED]->(r:TaxRefund)
            WHERE r.status = 'PAID' AND $since < r.paidOn <= $today
            WITH substring(toString(r.paidOn), 0, 7) AS month, count(r) AS count,
                 sum(r.amountCny) AS value
            RETURN {month: month, count: count, value: value} } AS paid
"""
