"""Every Cypher statement of objections, named and parameterised."""

from __future__ import annotations

from typing import Final

# The enterprise's own penalty, list entry or classification with this id, and where any
# objection to it stands.
OBJECTABLE: Final = """
MATCH (:Enterprise {uscc: $uscc})-[:PENALISED|LISTED|CLASSIFIED]->(r)
WHERE r.id = $record_id AND (r:Penalty OR r:ListEntry OR r:Classification)
RETURN [x IN labels(r) WHERE x IN ['Penalty', 'ListEntry', 'Classification']][0] AS label,
  r.department AS department, r.objectionStatus AS status, r.objectionFiledAt AS filedAt,
  r.withdrawnOn AS withdrawnOn
"""

# Files the objection in $status (`graph_schema.objections.OPEN`) and marks the record; the
# `openFor` constraint refuses a second pending objection filed at the same moment.
FILE: Final = """
MATCH (e:Enterprise {uscc: $uscc})-[:PENALISED|LISTED|CLASSIFIED]->(r)
WHERE r.id = $record_id AND $label IN labels(r)
CREATE (e)-[:OBJECTED]->(o:Objection {
  id: $id, recordId: $record_id, recordLabel: $label, openFor: $label + ':' + $record_id,
  department: r.department, uscc: $uscc, reason: $reason, filedAt: $now, filedBy: $client,
  status: $status, recordBatch: r.batch})-[:CONCERNS]->(r)
SET r.objectionId = $id, r.objectionStatus = $status, r.objectionFiledAt = $now
REMOVE r.objectionResolvedOn
RETURN o {.*} AS objection
"""

_FIELDS = (
    "o {.id, .recordId, .recordLabel, .department, .uscc, .reason, .filedAt, .status, "
    ".resolvedOn, .resolution, recordList: head([(o)-[:CONCERNS]->(r) | r.list])}"
)

OF_ENTERPRISE: Final = f"""
MATCH (:Enterprise {{uscc: $uscc}})-[:OBJECTED]->(o:Objection)
RETURN {_FIELDS} AS objection
ORDER BY o.filedAt DESC, o.id
"""

# A department's queue: objections in $status, oldest first, after the ($after_at, $after_id)
# of the previous page; $department null for every department. In the same read, how many
# the filter keeps by the kind and list of their record (`groups`: who may see an objection
# depends on them).
_QUEUED = "o.status = $status AND ($department IS NULL OR o.department = $department)"
QUEUE: Final = f"""
CALL () {{
  MATCH (o:Objection) WHERE {_QUEUED}
  WITH o.recordLabel AS recordLabel, head([(o)-[:CONCERNS]->(r) | r.list]) AS recordList,
       count(o) AS n
  RETURN collect({{recordLabel: recordLabel, recordList: recordList, n: n}}) AS groups
}}
RETURN groups, COLLECT {{
  MATCH (o:Objection)
  WHERE {_QUEUED}
    AND ($after_at IS NULL OR o.filedAt > $after_at
         OR (o.filedAt = $after_at AND o.id > $after_id))
  WITH o ORDER BY o.filedAt, o.id LIMIT $limit
  RETURN {_FIELDS} AS objection
}} AS page
"""
