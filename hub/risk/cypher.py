"""Every Cypher read and write of the risk scan, named and parameterised.

Each detection starts from the enterprises of $usccs (a chunk of a full scan, or what a batch
touched) and returns its findings with their evidence; `hub.risk.scan` turns them into alerts.
"""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import (
    coverage_applies,
    document_mismatch,
    export_receipt_of,
    is_export,
    order_documents,
    receipt_settles_export,
    tie_in_force,
)

_IN_FORCE = tie_in_force("r", "$as_of")

# Rings of payments through each enterprise: a -> ... -> a over 2 to 5 distinct enterprises,
# every payment inside the window (the bound is the widest the rules allow).
PAYMENT_CYCLES: Final = """
UNWIND $usccs AS uscc
MATCH (a:Enterprise {uscc: uscc})
MATCH (a)((x:Enterprise)-[:PAID]->(t:TradePayment WHERE $since <= t.paidOn <= $as_of)
          -[:PAID_TO]->(y:Enterprise)){2,5}(a)
WHERE size(x) >= $min_size AND size(x) <= $max_size
  AND all(i IN range(0, size(x) - 2) WHERE NOT x[i] IN x[i + 1..])
RETURN [n IN x | n.uscc] AS members, [n IN x | n.zone] AS zones,
       [p IN t | p.id] AS payments, reduce(s = 0.0, p IN t | s + p.amountCny) AS total
LIMIT 10000
"""

# Addresses, phones and legal representatives shared by the enterprises of $usccs, with every
# enterprise sharing each of them (ties in force).
SHARED_HUBS: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
CALL (e) {{
  MATCH (e)-[r:REGISTERED_AT]->(h:Address) WHERE {_IN_FORCE}
  RETURN h, 'address' AS kind
  UNION
  MATCH (e)-[r:USES_PHONE]->(h:Phone) WHERE {_IN_FORCE}
  RETURN h, 'phone' AS kind
  UNION
  MATCH (e)<-[r:LEGAL_REPRESENTATIVE_OF]-(h:Person) WHERE {_IN_FORCE}
  RETURN h, 'legal_representative' AS kind
}}
WITH DISTINCT h, kind
MATCH (h)-[r:REGISTERED_AT|USES_PHONE|LEGAL_REPRESENTATIVE_OF]-(member:Enterprise)
WHERE {_IN_FORCE}
WITH h, kind, collect(DISTINCT member.uscc) AS members, collect(DISTINCT member.zone) AS zones
RETURN kind, coalesce(h.key, h.number, h.personKey) AS key,
       coalesce(h.text, h.number, h.name) AS label, members, zones
"""

# Orders of the window with those that fail the three-document check as of $as_of and why, as
# the credit engine judges them (a payment or waybill dated after $as_of was not there yet).
ORDER_MISMATCHES: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
CALL (e) {{
  MATCH (e)-[:SOLD]->(o:Order) WHERE $since < o.orderedOn <= $as_of
  {order_documents("o", "$as_of")}
  WITH o, {document_mismatch("o")} AS why
  RETURN count(o) AS orders, [x IN collect(CASE WHEN why IS NOT NULL THEN o.id END)
         WHERE x IS NOT NULL] AS unmatched, collect(why) AS reasons
}}
WITH e, orders, unmatched, reasons WHERE orders > 0
RETURN e.uscc AS uscc, e.zone AS zone, orders, unmatched, reasons
"""

# Young enterprises whose legal representative is covered by a joint-punishment row in force.
COVERED_REPRESENTATIVES: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}}) WHERE e.registeredOn > $young_since
MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE_OF]->(e) WHERE {_IN_FORCE}
MATCH (p)-[:COVERED_BY]->(c:ListCoverage {{kind: 'PUNISHMENT'}})
WHERE {coverage_applies("c", "$as_of")}
RETURN e.uscc AS uscc, e.zone AS zone, e.registeredOn AS registeredOn, p.personKey AS person,
       collect(DISTINCT c.cause) AS causes, collect(DISTINCT c.list) AS lists
"""

# Exports of the recent days against the monthly mean of the months before them.
EXPORT_VALUES: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WITH e,
  COLLECT {{ MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE {is_export("d")} AND $recent_since < d.declaredOn <= $as_of
            RETURN d.valueCny }} AS recent,
  COLLECT {{ MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE {is_export("d")} AND $history_since < d.declaredOn <= $recent_since
            RETURN d.valueCny }} AS history
WHERE size(recent) > 0
RETURN e.uscc AS uscc, e.zone AS zone,
       reduce(s = 0.0, v IN recent | s + v) AS recent,
       reduce(s = 0.0, v IN history | s + v) AS history, size(history) AS historyCount
"""

# Declarations dated after the day the enterprise's registration was revoked or deregistered
# ($statuses; its `statusSince`) up to $as_of; a status without its day is not judged.
DECLARATIONS_AFTER_DEREGISTRATION: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc}) WHERE e.status IN $statuses AND e.statusSince < $as_of
MATCH (e)-[:DECLARED]->(d:Declaration) WHERE e.statusSince < d.declaredOn <= $as_of
RETURN e.uscc AS uscc, e.zone AS zone, e.status AS status, e.statusSince AS statusSince,
       collect(d.id) AS declarations, sum(d.valueCny) AS value
"""

# Export declarations and export proceeds received from abroad over ($since, $as_of]: their
# totals over the whole window, and over the part before the grace days of each signal
# ($receipts_before: an advance receipt's time; $exports_before: the proceeds' time to come
# back), counting there only the proceeds that name no export of the enterprise (proceeds of
# an export declared before the window are explained). Only enterprises with either.
RECEIPTS_AND_EXPORTS: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WITH e,
  COLLECT {{ MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE {is_export("d")} AND $since < d.declaredOn <= $as_of
            RETURN d {{.id, .declaredOn, .valueCny}} }} AS exports,
  COLLECT {{ MATCH {export_receipt_of("e", "r")}
            WHERE $since < r.receivedOn <= $as_of
            RETURN r {{.id, .receivedOn, .amountCny,
                      settles: {receipt_settles_export("e", "r")}}} }} AS receipts
WHERE size(exports) > 0 OR size(receipts) > 0
RETURN e.uscc AS uscc, e.zone AS zone,
       reduce(s = 0.0, d IN exports | s + d.valueCny) AS exported,
       [d IN exports WHERE d.declaredOn <= $exports_before | d.id] AS oldExports,
       reduce(s = 0.0, d IN [x IN exports WHERE x.declaredOn <= $exports_before]
              | s + d.valueCny) AS oldExported,
       reduce(s = 0.0, r IN receipts | s + r.amountCny) AS received,
       [r IN receipts WHERE r.receivedOn <= $receipts_before AND NOT r.settles | r.id]
         AS oldReceipts,
       reduce(s = 0.0, r IN [x IN receipts WHERE x.receivedOn <= $receipts_before
                                             AND NOT x.settles]
              | s + r.amountCny) AS oldReceived
"""

# Export tax refunds claimed over ($since, $as_of] in $statuses, and the exports declared over
# ($exports_since, $as_of] (the claims' window and the months before it a claim may follow its
# export by). Only enterprises with such claims.
REFUNDS_AND_EXPORTS: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WITH e,
  COLLECT {{ MATCH (e)-[:CLAIMED]->(r:TaxRefund)
            WHERE $since < r.claimedOn <= $as_of AND r.status IN $statuses
            RETURN r {{.id, .amountCny}} }} AS claims
WHERE size(claims) > 0
WITH e, claims,
  COLLECT {{ MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE {is_export("d")} AND $exports_since < d.declaredOn <= $as_of
            RETURN d.valueCny }} AS exports
RETURN e.uscc AS uscc, e.zone AS zone, [c IN claims | c.id] AS claims,
       reduce(s = 0.0, c IN claims | s + c.amountCny) AS claimed,
       reduce(s = 0.0, v IN exports | s + v) AS exported, size(exports) AS exportCount
"""

WRITE_ALERTS: Final = """
UNWIND $rows AS row
MERGE (a:RiskAlert {id: row.id})
ON CREATE SET a.detectedOn = $as_of
SET a += row.props, a.lastSeenOn = $as_of, a.clearedOn = null
WITH a, row
UNWIND row.props.subjects AS uscc
MATCH (e:Enterprise {uscc: uscc})
MERGE (e)-[:ALERTED]->(a)
RETURN count(DISTINCT a) AS written
"""

# Alerts of the scanned kinds about the scanned enterprises that the scan no longer found.
CLEAR_ALERTS: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:ALERTED]->(a:RiskAlert)
WHERE a.clearedOn IS NULL AND NOT a.id IN $found
SET a.clearedOn = $as_of
RETURN count(DISTINCT a) AS cleared
"""

# The alerts $filter keeps (kind, zone, detected since, cleared or not, disposal status).
_ALERT_FILTER: Final = """($kind IS NULL OR a.kind = $kind)
  AND ($zone IS NULL OR $zone IN a.zones)
  AND ($since IS NULL OR a.detectedOn >= $since)
  AND ($include_cleared OR a.clearedOn IS NULL)
  AND ($disposal_status IS NULL OR coalesce(a.disposalStatus, 'OPEN') = $disposal_status)"""

# The order of a page: a rank (the severity's when $by_severity, else 0) descending, then the
# day detected descending, then the id; the keyset ($after_*) is the last row's.
_RANK: Final = """CASE WHEN $by_severity
  THEN CASE a.severity WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 1 ELSE 0 END
  ELSE 0 END"""

# How many alerts the filter keeps, and a page of them with their disposal steps (oldest
# first), in one read.
ALERT_PAGE: Final = f"""
CALL () {{
  MATCH (a:RiskAlert) WHERE {_ALERT_FILTER}
  RETURN count(a) AS total
}}
RETURN total, COLLECT {{
  MATCH (a:RiskAlert) WHERE {_ALERT_FILTER}
  WITH a, {_RANK} AS rank
  WHERE $after_id IS NULL OR rank < $after_rank
     OR (rank = $after_rank AND (a.detectedOn < $after_on
         OR (a.detectedOn = $after_on AND a.id > $after_id)))
  WITH a, rank ORDER BY rank DESC, a.detectedOn DESC, a.id LIMIT $limit
  RETURN a {{.*, rank: rank, steps: COLLECT {{
    MATCH (a)-[:DISPOSAL_STEP]->(s:DisposalStep) RETURN s {{.*}} AS s ORDER BY s.seq
  }}}} AS a
}} AS page
"""

# --- disposal: (:RiskAlert)-[:DISPOSAL_STEP]->(:DisposalStep {seq, action, by, at, note,
# assignee, result}); the alert keeps where it stands (disposalStatus, disposalAssignee,
# disposalResult) for the filter.

# Takes the alert's write lock before its steps are read, so that two steps on one alert are
# decided one after the other (the lock is released at commit; the write removes the mark).
LOCK_ALERT: Final = """
MATCH (a:RiskAlert {id: $id})
SET a.disposalLock = true
RETURN a.id AS id
"""

ALERT_WITH_STEPS: Final = """
MATCH (a:RiskAlert {id: $id})
RETURN a {.*, rank: 0, steps: COLLECT {
  MATCH (a)-[:DISPOSAL_STEP]->(s:DisposalStep) RETURN s {.*} AS s ORDER BY s.seq
}} AS a
"""

APPEND_STEP: Final = """
MATCH (a:RiskAlert {id: $id})
CREATE (a)-[:DISPOSAL_STEP]->(s:DisposalStep)
SET s = $step,
    a.disposalStatus = $status, a.disposalAssignee = $assignee, a.disposalResult = $result
REMOVE a.disposalLock
RETURN s.seq AS seq
"""

ALL_USCCS: Final = "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc"
