"""Every Cypher read of the credit engine, named and parameterised."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from auth.catalog import VisibilityMode
from auth.policy import VISIBILITY_PREDICATES, active_consent
from graph_schema.predicates import (
    NETWORK_TIES,
    POSITIONS,
    coverage_applies,
    document_mismatch,
    export_receipt_of,
    fact_counts,
    holder_kind,
    is_export,
    list_entry_in_force,
    may_be_listed,
    network_tie,
    order_documents,
    punitive,
    receipt_counts_after,
    tie_in_force,
)

# The facts of each enterprise valid at $as_of (a record withdrawn after an objection never
# counted, so it is left out whatever the date); orders over the rating model's order window
# up to it ($orders_since), export declarations (every mode) and the export proceeds received
# from abroad over its collection window ($collections_since), but for proceeds of an export
# declared before it. A three-document mismatch says
# why (`document_mismatch`). The registry status with its effective day, and the day of the
# first export declaration up to $as_of.
RATING_FACTS: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
RETURN e.uscc AS uscc, e.name AS name, e.zone AS zone, e.registeredOn AS registeredOn,
  e.status AS status, e.statusSince AS statusSince,
  head(COLLECT {{ MATCH (e)-[:DECLARED]->(d:Declaration)
                 WHERE {is_export("d")} AND d.declaredOn <= $as_of
                 RETURN d.declaredOn ORDER BY d.declaredOn LIMIT 1 }}) AS firstExportOn,
  COLLECT {{ MATCH (e)-[:PENALISED]->(p:Penalty)
            WHERE {fact_counts("p", "decidedOn", "$as_of")}
            RETURN p {{.id, .department, .severity, .decidedOn, .publicUntil, .repairedOn}} }}
    AS penalties,
  COLLECT {{ MATCH (e)-[:LISTED]->(l:ListEntry)
            WHERE {fact_counts("l", "listedOn", "$as_of")}
            RETURN l {{.id, .list, .department, .listedOn, .expiresOn, .removedOn}} }}
    AS listEntries,
  COLLECT {{ MATCH (e)-[:CLASSIFIED]->(c:Classification)
            WHERE {fact_counts("c", "effectiveFrom", "$as_of")}
            RETURN c {{.id, .department, .scheme, .value, .effectiveFrom, .effectiveTo}} }}
    AS classifications,
  COLLECT {{ MATCH (e)-[:SOLD]->(o:Order) WHERE $orders_since < o.orderedOn <= $as_of
            {order_documents("o", "$as_of")}
            RETURN {{id: o.id, orderedOn: o.orderedOn, reason: {document_mismatch("o")}}} }}
    AS orders,
  reduce(total = 0.0, v IN COLLECT {{
            MATCH (e)-[:DECLARED]->(d:Declaration)
            WHERE {is_export("d")} AND $collections_since < d.declaredOn <= $as_of
            RETURN d.valueCny }} | total + v) AS declaredExports,
  reduce(total = 0.0, v IN COLLECT {{
            MATCH {export_receipt_of("e", "r")}
            WHERE $collections_since < r.receivedOn <= $as_of
              AND {receipt_counts_after("r", "$collections_since")}
            RETURN r.amountCny }} | total + v) AS collected,
  COLLECT {{ MATCH (e)-[:BORROWED]->(l:Loan) WHERE l.grantedOn <= $as_of
            RETURN l {{.id, .status, .grantedOn, .dueOn}} }}
    AS loans
"""


# The two ways `a` and `b` are next to each other in the network on $as_of (`network_tie`):
# a shareholding of $tie_ratio or more between them, or a tie of each to one person (legal
# representative, officer, shareholder of $tie_ratio or more) or address `m`.
def _held(a: str, r: str, b: str) -> str:
    tie = network_tie(r, "$as_of", "$tie_ratio")
    return f"({a})-[{r}:SHAREHOLDER_OF WHERE {tie}]-({b}:Enterprise)"


def _shared(a: str, r: str, m: str, r2: str, b: str) -> str:
    tie, tie2 = network_tie(r, "$as_of", "$tie_ratio"), network_tie(r2, "$as_of", "$tie_ratio")
    return (
        f"({a})-[{r}:{NETWORK_TIES} WHERE {tie}]-({m} WHERE {m}:Person OR {m}:Address)"
        f"-[{r2}:{NETWORK_TIES} WHERE {tie2}]-({b}:Enterprise)"
    )


# One enterprise hop of the network search from each of $usccs: the enterprises next to it
# (`_held`, `_shared`), each with its entries in force at $as_of; one row per enterprise of
# $usccs with a neighbour left, its `edges` a list of [next, rels, midLabel, midKey, entries]
# (a row per edge costs the driver more than the query). `hub.credit.gather` runs it a level
# at a time and finds each enterprise's nearest listed neighbours (fewest hops) from the
# edges. $remaining is how many hops the search takes after this one: a neighbour is kept
# only if it may reach a listed enterprise in them (`may_be_listed`, a superset: its own entry,
# or, with 1 hop left, a neighbour's), so at the last level only the listed are read. A
# neighbour left out is on no path to a listed enterprise in reach, so the search finds the
# same nearest listed by the same paths (`hub.credit.gather.nearest_listed` says why).
_MAY_REACH_LISTED = (
    f"{may_be_listed('y')} OR ($remaining = 1 AND ("
    f"EXISTS {{ MATCH {_held('y', 't', 'z')} WHERE {may_be_listed('z')} }} OR "
    f"EXISTS {{ MATCH {_shared('y', 't', 'n', 't2', 'z')}"
    f" WHERE z <> y AND {may_be_listed('z')} }}))"
)
NETWORK_STEP: Final = f"""
UNWIND $usccs AS uscc
MATCH (x:Enterprise {{uscc: uscc}})
CALL (x) {{
  MATCH {_held("x", "r", "y")}
  RETURN y, [type(r)] AS rels, null AS mid
  UNION
  MATCH {_shared("x", "r", "m", "r2", "y")}
  WHERE y <> x
  RETURN y, [type(r), type(r2)] AS rels, m AS mid
}}
WITH uscc, y, rels, mid WHERE $remaining > 0 OR {may_be_listed("y")}
WITH uscc, y, rels, mid ORDER BY coalesce(mid.personKey, mid.key, ''), rels
WITH uscc, y, head(collect([rels, mid])) AS edge  // one edge per pair is all a search needs
WITH y, collect([uscc, edge]) AS pairs  // each neighbour tested once, however many reach it
WHERE $remaining > 1 OR {_MAY_REACH_LISTED}
WITH y, pairs,
     COLLECT {{ MATCH (y)-[:LISTED]->(l:ListEntry) WHERE {list_entry_in_force("l", "$as_of")}
                RETURN [l.id, l.list] }} AS entries
WHERE $remaining > 0 OR size(entries) > 0
UNWIND pairs AS pair
WITH pair[0] AS uscc, y, pair[1][0] AS rels, pair[1][1] AS mid, entries
RETURN uscc, collect([y.uscc, rels, CASE WHEN mid IS NULL THEN null ELSE labels(mid)[0] END,
                      coalesce(mid.personKey, mid.key), entries]) AS edges
"""

# The network each of $usccs had when last searched, if that search was as of $as_of with
# the search `$search` (`hub.credit.gather.network_search_key`): `links` as
# `hub.credit.rating_store.network_links_json` wrote them.
STORED_NETWORKS: Final = """
UNWIND $usccs AS uscc
MATCH (n:NetworkSearch {uscc: uscc})
WHERE n.asOf = $as_of AND n.search = $search
RETURN n.uscc AS uscc, n.links AS links
"""

# --- what a batch can affect ----------------------------------------------------------------

# One hop from each of $usccs to the enterprises next to it: a direct shareholding, or a shared
# person or address. Ratios and dates are ignored: a tie that just ended or fell below a
# threshold still changes its neighbours' network risk, so it must still be followed.
NEIGHBOURS: Final = f"""
UNWIND $usccs AS uscc
MATCH (:Enterprise {{uscc: uscc}})-[:{NETWORK_TIES}]-(m)
CALL (m) {{
  WITH m WHERE m:Enterprise
  RETURN m AS next
  UNION
  WITH m WHERE NOT m:Enterprise
  MATCH (m)-[:{NETWORK_TIES}]-(next:Enterprise)
  RETURN next
}}
RETURN collect(DISTINCT next.uscc) AS usccs
"""

# The enterprises each person of $keys holds a position in (any dates).
PERSON_ENTERPRISES: Final = f"""
UNWIND $keys AS key
MATCH (:Person {{personKey: key}})-[:{POSITIONS}]->(e:Enterprise)
RETURN collect(DISTINCT e.uscc) AS usccs
"""

# The subjects of list entries, penalties, classifications, orders and repair applications
# named by id (a removal, repair, objection resolution or repair decision names no one; a
# payment, waybill or inventory list only its order, whose seller it rates through the
# three-document match).
FACT_SUBJECTS: Final = """
UNWIND $ids AS id
CALL (id) {
  MATCH (s)-[:LISTED]->(:ListEntry {id: id})
  RETURN s
  UNION
  MATCH (s)-[:PENALISED]->(:Penalty {id: id})
  RETURN s
  UNION
  MATCH (s)-[:CLASSIFIED]->(:Classification {id: id})
  RETURN s
  UNION
  MATCH (s)-[:SOLD]->(:Order {id: id})
  RETURN s
  UNION
  MATCH (s)-[:APPLIED_FOR_REPAIR]->(:RepairApplication {id: id})
  RETURN s
}
RETURN [x IN collect(DISTINCT s.uscc) WHERE x IS NOT NULL] AS usccs,
       [x IN collect(DISTINCT s.personKey) WHERE x IS NOT NULL] AS keys
"""

# Listed persons holding a position in any of $usccs: their entries reach those enterprises.
LISTED_PERSONS: Final = f"""
UNWIND $usccs AS uscc
MATCH (p:Person)-[:{POSITIONS}]->(:Enterprise {{uscc: uscc}})
WHERE EXISTS {{ (p)-[:LISTED]->(:ListEntry) }}
RETURN collect(DISTINCT p.personKey) AS keys
"""

ALL_USCCS: Final = "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc"
ALL_LISTED_PERSONS: Final = """
MATCH (p:Person) WHERE EXISTS { (p)-[:LISTED]->(:ListEntry) }
RETURN p.personKey AS key ORDER BY key
"""

# --- date-driven re-rating ---------------------------------------------------------------------
#
# `(:ScheduledRun {name, lastAsOf, lastRunAt, due, changes})`: the last day a scheduled
# re-rating covered (`hub.credit.schedule`), and what its last run did.

# the first day the entry `l` no longer applies: the earlier of its removal and its expiry
_DUE_ENTRY_END = (
    "CASE WHEN l.removedOn < l.expiresOn THEN l.removedOn"
    " ELSE coalesce(l.expiresOn, l.removedOn) END"
)

# The subjects whose rating or list coverage a date in ($d0, $d1] moves, with no new data (the
# parameters come from `hub.credit.due.due_params`): one row per subject and reason, with
# `uscc` or `key` (a person), whether the change reaches the enterprises around it in the
# network and the joint lists (`reaching`: a list entry or a tie), and, for a penalty that may
# be public in that time, the penalty, which `hub.credit.due.penalty_moves` judges (its
# publicity starting or ending, its repair, a step of its decay) with the engine's arithmetic.
# A tie's `until` is its last day, a loan counts once past due; every other end is the first
# day the fact no longer applies.
DUE_SUBJECTS: Final = f"""
CALL () {{
  MATCH (e:Enterprise)-[:CLASSIFIED]->(c:Classification)
  WHERE $d0 < c.effectiveFrom <= $d1 OR $d0 < c.effectiveTo <= $d1
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  // old enough to leave grade M
  MATCH (e:Enterprise) WHERE $age_from <= e.registeredOn <= $age_to
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  // a revocation or deregistration taking effect: no longer graded
  MATCH (e:Enterprise) WHERE $d0 < e.statusSince <= $d1
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  // an order leaving the order window or dated inside the days, a document or its inventory
  // list dated inside them
  MATCH (e:Enterprise)-[:SOLD]->(o:Order)
  WHERE $orders_left_from <= o.orderedOn <= $orders_left_to OR $d0 < o.orderedOn <= $d1
    OR EXISTS {{ MATCH (o)<-[:PAYS]-(pay:Payment) WHERE $d0 < pay.paidOn <= $d1 }}
    OR EXISTS {{ MATCH (o)<-[:SHIPS]-(w:Waybill) WHERE $d0 < w.shippedOn <= $d1 }}
    OR EXISTS {{ MATCH (o)<-[:DECLARES]-(inv:InventoryList) WHERE $d0 < inv.declaredOn <= $d1 }}
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  // exports and export proceeds leaving the collection window or dated inside the days
  MATCH (e:Enterprise)-[:DECLARED]->(d:Declaration)
  WHERE {is_export("d")} AND ($collections_left_from <= d.declaredOn <= $collections_left_to
    OR $d0 < d.declaredOn <= $d1)
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  MATCH {export_receipt_of("e", "r")}
  WHERE $collections_left_from <= r.receivedOn <= $collections_left_to
    OR $d0 < r.receivedOn <= $d1
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  MATCH (e:Enterprise)-[:BORROWED]->(l:Loan)
  WHERE $d0 < l.grantedOn <= $d1 OR $d0 <= l.dueOn < $d1
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  // a penalty or an ended list entry leaving the incentive criteria's clean years
  MATCH (e:Enterprise)-[:PENALISED]->(p:Penalty)
  WHERE p.severity <> $unmarked AND $clean_from <= p.decidedOn <= $clean_to
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  MATCH (e:Enterprise)-[:LISTED]->(l:ListEntry)
  WHERE {punitive("l")} AND $clean_from <= {_DUE_ENTRY_END} <= $clean_to
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
  UNION
  MATCH (e:Enterprise)-[:PENALISED]->(p:Penalty)
  WHERE {fact_counts("p", "decidedOn", "$d1")} AND p.severity IN $published
    AND (p.publicUntil > $d0 OR (p.publicUntil IS NULL AND p.decidedOn >= $undated_public_since))
    AND (p.repairedOn IS NULL OR p.repairedOn > $d0)
  RETURN e.uscc AS uscc, null AS key, false AS reaching,
         p {{.id, .department, .severity, .decidedOn, .publicUntil, .repairedOn}} AS penalty
  UNION
  // a list entry starting or ending: its subject, and for a punitive one what it reaches
  MATCH (s)-[:LISTED]->(l:ListEntry)
  WHERE $d0 < l.listedOn <= $d1 OR $d0 < l.expiresOn <= $d1 OR $d0 < l.removedOn <= $d1
  RETURN s.uscc AS uscc, s.personKey AS key, {punitive("l")} AS reaching, null AS penalty
  UNION
  // a tie starting or ending: the enterprise, and the person or enterprise at its other end
  MATCH (e:Enterprise)-[r:{NETWORK_TIES}]-(x)
  WHERE $d0 < r.since <= $d1 OR $d0 <= r.until < $d1
  RETURN e.uscc AS uscc, x.personKey AS key, true AS reaching, null AS penalty
  UNION
  // a coverage row starting, ending or withdrawn: the covered enterprise's list status moves
  MATCH (e:Enterprise)-[:COVERED_BY]->(c:ListCoverage)
  WHERE $d0 < c.validFrom <= $d1 OR $d0 < c.validUntil <= $d1 OR $d0 < c.withdrawnOn <= $d1
  RETURN e.uscc AS uscc, null AS key, false AS reaching, null AS penalty
}}
RETURN uscc, key, reaching, penalty
"""

SCHEDULED_RUN: Final = """
MATCH (r:ScheduledRun {name: $name})
RETURN r.lastAsOf AS lastAsOf
"""

# The earliest day a current rating is as of (null: nothing rated): where a first scheduled
# run starts, so what the days since changed is caught up.
EARLIEST_CURRENT_RATING: Final = """
MATCH (:Enterprise)-[:CURRENT_RATING]->(r:Rating)
RETURN min(r.asOf) AS earliest
"""

# What a scheduled run covered, recorded under the run's lease (`Lease.held_in`).
SCHEDULED_RUN_DONE: Final = """
MERGE (r:ScheduledRun {name: $name})
SET r.lastAsOf = $as_of, r.lastRunAt = $ran_at, r.due = $due, r.changes = $changes
"""


# --- joint punishment -------------------------------------------------------------------------

# The punitive list entries of the enterprises $usccs and of the persons $keys, one row per
# subject with entries (its `entries`: each entry, and whether coverage exists already), with
# who is responsible for each listed enterprise at $as_of (read once for all its entries).
LISTED_ENTRIES: Final = f"""
CALL () {{
  UNWIND $usccs AS key
  MATCH (s:Enterprise {{uscc: key}})
  RETURN s, key, 'ENTERPRISE' AS subjectType
  UNION
  UNWIND $keys AS key
  MATCH (s:Person {{personKey: key}})
  RETURN s, key, 'PERSON' AS subjectType
}}
WITH s, key, subjectType, COLLECT {{
  MATCH (s)-[:LISTED]->(l:ListEntry) WHERE {punitive("l")}
  RETURN {{entry: l {{.id, .list, .department, .listedOn, .expiresOn, .removedOn}},
          covered: EXISTS {{ (l)<-[:CAUSED_BY]-(:ListCoverage) }}}}
}} AS entries
WHERE size(entries) > 0
RETURN subjectType, key, s.name AS name, s.zone AS zone, entries,
  COLLECT {{
    MATCH (h)-[r:{POSITIONS}]->(s:Enterprise)
    WHERE {tie_in_force("r", "$as_of")}
    RETURN {{subjectType: {holder_kind("h")},
            key: coalesce(h.personKey, h.uscc), name: h.name, relationship: type(r),
            role: r.role, ratio: r.ratio}}
  }} AS responsible
"""

# What each subject of $keys (persons) and $usccs (enterprises) represents or controls at
# $as_of: enterprises it is legal representative of, or holds $control_ratio or more of.
CONTROLS: Final = f"""
CALL () {{
  UNWIND $keys AS key
  MATCH (s:Person {{personKey: key}})
  RETURN s, key
  UNION
  UNWIND $usccs AS key
  MATCH (s:Enterprise {{uscc: key}})
  RETURN s, key
}}
MATCH (s)-[r:LEGAL_REPRESENTATIVE_OF|SHAREHOLDER_OF]->(y:Enterprise)
WHERE (type(r) = 'LEGAL_REPRESENTATIVE_OF' OR r.ratio >= $control_ratio)
  AND {tie_in_force("r", "$as_of")}
RETURN key, y.uscc AS uscc, y.name AS name, y.zone AS zone, type(r) AS relationship,
       r.ratio AS ratio
"""

# --- writes -------------------------------------------------------------------------------------

# A rating is stored only when it differs from the enterprise's current one (by fingerprint:
# score, grade, model and factors), so re-rating unchanged data adds no history.
WRITE_RATINGS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
OPTIONAL MATCH (e)-[current:CURRENT_RATING]->(old:Rating)
WITH e, row, current, old
WHERE old IS NULL OR old.fingerprint <> row.fingerprint
CREATE (r:Rating {id: row.id, uscc: row.uscc, score: row.score, grade: row.grade,
                  forcedBy: row.forcedBy, modelVersion: row.modelVersion, asOf: row.asOf,
                  computedAt: $computed_at, fingerprint: row.fingerprint,
                  factors: row.factors, treatment: row.treatment})
CREATE (e)-[:RATED]->(r)
CREATE (e)-[:CURRENT_RATING]->(r)
SET e.creditGrade = row.grade, e.creditScore = row.score, old.supersededAt = $computed_at
DELETE current
RETURN count(r) AS written,
  collect(CASE WHEN old IS NOT NULL AND (old.grade <> row.grade OR old.score <> row.score)
          THEN {uscc: row.uscc, kind: 'RATING', previousGrade: old.grade, grade: row.grade,
                previousScore: old.score, score: row.score} END) AS changes
"""

WRITE_COVERAGE: Final = """
UNWIND $rows AS row
MERGE (c:ListCoverage {id: row.id})
SET c += row.props, c.withdrawnOn = null, c.computedAt = $computed_at
WITH c, row
CALL (c, row) {
  MATCH (s:Enterprise {uscc: row.props.subjectKey}) WHERE row.props.subjectType = 'ENTERPRISE'
  RETURN s
  UNION
  MATCH (s:Person {personKey: row.props.subjectKey}) WHERE row.props.subjectType = 'PERSON'
  RETURN s
}
MERGE (s)-[:COVERED_BY]->(c)
WITH c, row
OPTIONAL MATCH (l:ListEntry {id: row.props.cause})
CALL (c, l) {
  WITH c, l WHERE l IS NOT NULL
  MERGE (c)-[:CAUSED_BY]->(l)
}
RETURN count(DISTINCT c) AS written
"""

# The network each enterprise's search found as of $as_of (`STORED_NETWORKS` reads them
# back), written only where it differs from the stored one: an unchanged network on the
# same day costs a read. Row: `{uscc, search, links}`.
WRITE_NETWORKS: Final = """
UNWIND $rows AS row
MERGE (n:NetworkSearch {uscc: row.uscc})
WITH n, row
WHERE n.asOf IS NULL OR n.asOf <> $as_of OR n.search <> row.search OR n.links <> row.links
SET n.asOf = $as_of, n.search = row.search, n.links = row.links
RETURN count(n) AS written
"""

# Coverage an entry in force no longer gives (a tie ended): withdrawn from $as_of, kept.
WITHDRAW_PUNISHMENT: Final = """
UNWIND $rows AS row
MATCH (:ListEntry {id: row.entry})<-[:CAUSED_BY]-(c:ListCoverage)
WHERE c.withdrawnOn IS NULL AND NOT c.id IN row.kept
SET c.withdrawnOn = $as_of
RETURN count(c) AS withdrawn
"""

# Incentives an enterprise no longer earns: withdrawn from $as_of, kept.
WITHDRAW_INCENTIVES: Final = """
UNWIND $rows AS row
MATCH (:Enterprise {uscc: row.uscc})-[:COVERED_BY]->(c:ListCoverage {kind: 'INCENTIVE'})
WHERE c.withdrawnOn IS NULL AND NOT c.id IN row.kept
SET c.withdrawnOn = $as_of
RETURN count(c) AS withdrawn
"""

# Ended entries are not derived again (their coverage is history); only their end date moves.
END_COVERAGE: Final = """
UNWIND $rows AS row
MATCH (:ListEntry {id: row.entry})<-[:CAUSED_BY]-(c:ListCoverage)
SET c.validUntil = row.until
RETURN count(c) AS ended
"""

# --- reads for the API --------------------------------------------------------------------------

_APPLIES = coverage_applies("c", "$as_of")

# A page of the consolidated list of one kind in id order, and how many rows the filter keeps
# over all pages (in the same read). $lists are the lists the caller may see; $only_uscc,
# when set, keeps the caller's own enterprise (an enterprise client); $listed_only keeps the
# rows whose subject is the one listed on the causing entry (what the law publishes), never
# covered persons nor incentives earned by criteria.
_JOINT_LIST_FILTER = f"""c.kind = $kind
  AND c.list IN $lists
  AND ($list IS NULL OR c.list = $list)
  AND ($subject_type IS NULL OR c.subjectType = $subject_type)
  AND ($zone IS NULL OR c.zone = $zone)
  AND ($department IS NULL OR $department IN c.departments)
  AND ($only_uscc IS NULL OR (c.subjectType = 'ENTERPRISE' AND c.subjectKey = $only_uscc))
  AND (NOT $listed_only
       OR EXISTS {{ (s)-[:COVERED_BY]->(c)-[:CAUSED_BY]->(:ListEntry)<-[:LISTED]-(s) }})
  AND ($include_ended OR ({_APPLIES}))"""
JOINT_LIST_PAGE: Final = f"""
CALL () {{ MATCH (c:ListCoverage) WHERE {_JOINT_LIST_FILTER} RETURN count(c) AS total }}
RETURN total, COLLECT {{
  MATCH (c:ListCoverage)
  WHERE {_JOINT_LIST_FILTER} AND ($after IS NULL OR c.id > $after)
  WITH c ORDER BY c.id LIMIT $limit
  RETURN c {{.*}} AS c
}} AS page
"""

# The coverage rows that apply to one enterprise on $as_of, punishment and incentive.
ENTERPRISE_COVERAGE: Final = f"""
MATCH (:Enterprise {{uscc: $uscc}})-[:COVERED_BY]->(c:ListCoverage)
WHERE c.list IN $lists AND {_APPLIES}
RETURN c {{.*}} AS c
ORDER BY c.kind, c.id
"""

# An enterprise's stored ratings, newest first.
RATING_HISTORY: Final = """
MATCH (:Enterprise {uscc: $uscc})-[:RATED]->(r:Rating)
RETURN r {.id, .score, .grade, .forcedBy, .modelVersion, .asOf, .computedAt, .supersededAt,
          .treatment} AS r
ORDER BY r.computedAt DESC, r.id
LIMIT $limit
"""


# --- the change feed: what a lender watching an enterprise learns -------------------------
#
# - `(:CreditChange {seq, at, uscc, kind, ...})`: a rating's grade or score changed (kind
#   RATING: previousGrade, grade, previousScore, score), or the lists covering the enterprise
#   did (kind LIST_STATUS: previousLists, lists). Written in the recomputation's transaction.
# - `(:ChangeHead {id: 'changes', seq})`: the last seq; each append takes its write lock, so
#   several hub instances number one feed.

# The lists covering each of $usccs on $as_of against the last ones recorded on the
# enterprise (`listStatus`); records and returns those that changed.
LIST_STATUS_CHANGES: Final = f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WITH e, coalesce(e.listStatus, []) AS before, COLLECT {{
  MATCH (e)-[:COVERED_BY]->(c:ListCoverage) WHERE {_APPLIES}
  RETURN DISTINCT c.list AS list ORDER BY list
}} AS lists
WHERE lists <> before
SET e.listStatus = lists
RETURN collect({{uscc: e.uscc, kind: 'LIST_STATUS', previousLists: before, lists: lists}})
  AS changes
"""

CHANGES_LOCK_HEAD: Final = """
MERGE (h:ChangeHead {id: 'changes'})
ON CREATE SET h.seq = 0
SET h.locked = true
"""
"""Create the head on first use and take its write lock (held until the transaction ends)."""

CHANGES_READ_LOCKED_HEAD: Final = """
MATCH (h:ChangeHead {id: 'changes'})
RETURN h.seq AS seq
"""
"""The head as of the lock just taken: a separate statement, so it reads after the lock."""

CHANGES_APPEND: Final = """
UNWIND $rows AS row
CREATE (c:CreditChange)
SET c = row, c.at = $computed_at, c.asOf = $as_of
WITH max(row.seq) AS last
MATCH (h:ChangeHead {id: 'changes'})
SET h.seq = last
REMOVE h.locked
"""

CHANGES_HEAD: Final = """
OPTIONAL MATCH (h:ChangeHead {id: 'changes'})
RETURN coalesce(h.seq, 0) AS seq
"""

# The changes after $after, for the feed's poller (it filters per subscriber).
CHANGES_AFTER: Final = """
MATCH (c:CreditChange) WHERE c.seq > $after
RETURN c {.*} AS c
ORDER BY c.seq
LIMIT $limit
"""

# The changes in ($after, $upto] of enterprises the caller may watch: visible to it and, for
# a bank or insurer, under a consent that also covers credit:read; $usccs (null for all)
# narrows them. One text per visibility mode (see `auth.policy.VISIBILITY_PREDICATES`).
_WATCHABLE = "($visibility_mode <> 'consented' OR " + active_consent("credit:read") + ")"


def _changes_since(visible: str) -> str:
    # `ch`, not `c`: the consent tests bind `c` to the consents they look at
    return f"""
MATCH (ch:CreditChange) WHERE $after < ch.seq <= $upto AND ch.kind IN $kinds
  AND ($usccs IS NULL OR ch.uscc IN $usccs)
MATCH (e:Enterprise {{uscc: ch.uscc}})
WHERE {visible} AND {_WATCHABLE}
RETURN ch {{.*}} AS c
ORDER BY ch.seq
LIMIT $limit
"""


# Which of $usccs the caller may watch now (the same test, for the subscriptions).
def _watchable_of(visible: str) -> str:
    return f"""
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WHERE {visible} AND {_WATCHABLE}
RETURN collect(e.uscc) AS usccs
"""


CHANGES_SINCE: Final[Mapping[VisibilityMode, str]] = {
    mode: _changes_since(predicate) for mode, predicate in VISIBILITY_PREDICATES.items()
}
WATCHABLE: Final[Mapping[VisibilityMode, str]] = {
    mode: _watchable_of(predicate) for mode, predicate in VISIBILITY_PREDICATES.items()
}
