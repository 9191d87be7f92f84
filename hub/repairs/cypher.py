"""Every Cypher statement of repair applications, named and parameterised."""

from __future__ import annotations

from typing import Final

# The enterprise's own penalty with this id, what a repair of it turns on, and the filing
# date of a pending application for it (null when none is pending).
REPAIRABLE: Final = """
MATCH (:Enterprise {uscc: $uscc})-[:PENALISED]->(p:Penalty {id: $record_id})
RETURN p.department AS department, p.severity AS severity, p.decidedOn AS decidedOn,
  p.publicUntil AS publicUntil, p.repairedOn AS repairedOn, p.withdrawnOn AS withdrawnOn,
  head([(p)<-[:CONCERNS]-(a:RepairApplication) WHERE a.status = $pending | a.filedAt])
    AS pendingSince
"""

# Files the application in $status (PENDING); the `openFor` constraint refuses a second
# pending application filed at the same moment.
FILE: Final = """
MATCH (e:Enterprise {uscc: $uscc})-[:PENALISED]->(p:Penalty {id: $record_id})
CREATE (e)-[:APPLIED_FOR_REPAIR]->(a:RepairApplication {
  id: $id, recordId: $record_id, recordLabel: 'Penalty', openFor: 'Penalty:' + $record_id,
  department: p.department, uscc: $uscc, correction: $correction, commitment: $commitment,
  filedAt: $now, filedBy: $client, status: $status, eligibleFrom: $eligible_from,
  regime: $regime, basis: $basis})-[:CONCERNS]->(p)
RETURN a {.*} AS application
"""

_FIELDS = (
    "a {.id, .recordId, .recordLabel, .department, .uscc, .correction, .commitment, .filedAt, "
    ".status, .eligibleFrom, .regime, .basis, .decidedOn, .decision}"
)

OF_ENTERPRISE: Final = f"""
MATCH (:Enterprise {{uscc: $uscc}})-[:APPLIED_FOR_REPAIR]->(a:RepairApplication)
RETURN {_FIELDS} AS application
ORDER BY a.filedAt DESC, a.id
"""

# A queue: applications in $status, oldest first, after the ($after_at, $after_id) of the
# previous page; $department null for every department. In the same read, how many the
# filter keeps over all pages.
_QUEUED = "a.status = $status AND ($department IS NULL OR a.department = $department)"
QUEUE: Final = f"""
CALL () {{ MATCH (a:RepairApplication) WHERE {_QUEUED} RETURN count(a) AS total }}
RETURN total, COLLECT {{
  MATCH (a:RepairApplication)
  WHERE {_QUEUED}
    AND ($after_at IS NULL OR a.filedAt > $after_at
         OR (a.filedAt = $after_at AND a.id > $after_id))
  WITH a ORDER BY a.filedAt, a.id LIMIT $limit
  RETURN {_FIELDS} AS application
}} AS page
"""
