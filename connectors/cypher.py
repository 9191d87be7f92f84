"""Every Cypher statement of the connectors package.

The ledger (connectors, signing keys, batches, rejections, and the effects an applied batch
owes; used by `connectors.store` and, for the owed effects, `hub.effects`) and the records that
change an existing fact instead of upserting one.

`graph_schema.writes.UPSERTS` has a statement per fact kind that MERGEs a node; a list removal
(`list.removal@1`) and a penalty repair (`penalty.repair@1`) instead mark a node that must
already exist. They follow the conventions of `graph_schema.writes`: one parameter `$rows`,
values only as parameters, safe to replay (the same row sets the same values again), and
`RETURN count(*) AS written` so a caller can tell rows that matched nothing.

An objection resolution (`objection.resolution@1`) closes the enterprise's pending objection
to a record; like a removal or repair, only the record's own department may send it. A repair
decision (`repair.decision@1`) likewise answers the enterprise's pending repair application
(`hub.repairs`) for a penalty of the sending department; GRANTED repairs the penalty as a
`penalty.repair@1` would.

A repair (by `penalty.repair@1` or a granted decision) is written only once the penalty's
minimum publicity has passed (`graph_schema.predicates.repair_eligible_from`, the twin of
`graph_schema.publicity`). Since a statement can only skip such a row, `REFUSALS` holds, for
the updates that check a rule beyond the node's existence and owner, a statement over the
same `$rows` naming each row the rule refuses: the pipeline runs it first in the batch's
transaction and refuses the batch naming the record and the day it becomes eligible
(`refused_rows`).

A department may only remove its own list entries and repair its own penalties: the node is
matched by `id` and by `department` (the batch's). The original lineage (`source`, `batch`) of
the entry or penalty is kept; the removal's or repair's lineage goes to its own properties
(`removalSource`, `removalBatch`, `repairSource`, `repairBatch`), and a removal's reason to
`removalReason`, so the listing `reason` stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from graph_schema import writes
from graph_schema.model import Severity
from graph_schema.predicates import (
    objection_resolvable,
    objection_withdraws,
    repair_eligible_from,
)
from graph_schema.publicity import PUBLICITY, RepairStatus
from graph_schema.writes import UPSERTS, Target

__all__ = [
    "REFUSALS",
    "STATEMENTS",
    "UPDATES",
    "UPDATE_LIST_REMOVALS",
    "UPDATE_OBJECTION_RESOLUTIONS",
    "UPDATE_PENALTY_REPAIRS",
    "UPDATE_REPAIR_DECISIONS",
    "WRITE_ORDER",
    "RowRefusal",
    "refused_rows",
    "write_statement_rows",
]

UPDATE_LIST_REMOVALS: Final = """
UNWIND $rows AS row
MATCH (n:ListEntry {id: row.id})
WHERE n.department = row.department
SET n.removedOn = row.props.removedOn,
    n.removalReason = row.props.reason,
    n.removalSource = row.props.source,
    n.removalBatch = row.props.batch
RETURN count(*) AS written
"""
"""Removal of a list entry of the sending department. Row: `{id, department, props:
{removedOn, reason, source, batch}}`."""

_ELIGIBLE_FROM = repair_eligible_from("n")

UPDATE_PENALTY_REPAIRS: Final = f"""
UNWIND $rows AS row
MATCH (n:Penalty {{id: row.id}})
WHERE n.department = row.department AND row.props.repairedOn >= {_ELIGIBLE_FROM}
SET n.repairedOn = row.props.repairedOn,
    n.repairSource = row.props.source,
    n.repairBatch = row.props.batch
RETURN count(*) AS written
"""
"""Credit repair of a penalty of the sending department, once its minimum publicity has
passed. Row: `{id, department, props: {repairedOn, source, batch}}`."""

_PENDING, _GRANTED = RepairStatus.PENDING.value, RepairStatus.GRANTED.value

# Open, or the same batch replayed; a grant also needs the minimum publicity passed. The
# application closes (`openFor` null frees the penalty for a new one); a grant repairs the
# penalty on the decision day, with the decision's lineage, as `penalty.repair@1` does.
UPDATE_REPAIR_DECISIONS: Final = f"""
UNWIND $rows AS row
MATCH (a:RepairApplication {{id: row.id}})-[:CONCERNS]->(n:Penalty)
WHERE n.department = row.department
  AND row.props.outcome IN ['{_GRANTED}', '{RepairStatus.REFUSED.value}']
  AND (a.status = '{_PENDING}'
       OR (a.status = row.props.outcome AND a.decisionBatch = row.props.batch))
  AND (row.props.outcome <> '{_GRANTED}' OR row.props.decidedOn >= {_ELIGIBLE_FROM})
  AND row.props.decidedOn >= date(a.filedAt)
SET a.status = row.props.outcome,
    a.decidedOn = row.props.decidedOn,
    a.decision = row.props.reason,
    a.decisionSource = row.props.source,
    a.decisionBatch = row.props.batch,
    a.openFor = null
FOREACH (_ IN CASE WHEN row.props.outcome = '{_GRANTED}' THEN [1] ELSE [] END |
  SET n.repairedOn = row.props.decidedOn,
      n.repairSource = row.props.source,
      n.repairBatch = row.props.batch,
      n.repairApplicationId = a.id)
RETURN count(*) AS written
"""
"""The department's decision on the pending repair application `id` for its penalty. Row:
`{id, department, props: {outcome, decidedOn, reason, source, batch}}`."""

_WITHDRAWS = objection_withdraws("row.props.outcome")

# The transitions are those of `graph_schema.objections` (an open objection, or the same batch
# replayed; CORRECTED only once the corrected record came, from a later batch).
UPDATE_OBJECTION_RESOLUTIONS: Final = f"""
UNWIND $rows AS row
MATCH (o:Objection {{recordId: row.id}})-[:CONCERNS]->(n)
WHERE n.department = row.department
  AND {objection_resolvable("o", "n", "row.props.outcome", "row.props.batch")}
SET o.status = row.props.outcome,
    o.resolvedOn = row.props.resolvedOn,
    o.resolution = row.props.reason,
    o.resolutionSource = row.props.source,
    o.resolutionBatch = row.props.batch,
    o.openFor = null,
    n.objectionStatus = row.props.outcome,
    n.objectionResolvedOn = row.props.resolvedOn
FOREACH (_ IN CASE WHEN {_WITHDRAWS} THEN [1] ELSE [] END |
  SET n.withdrawnOn = row.props.resolvedOn, n.withdrawalReason = row.props.reason)
// a withdrawn listing never took effect: removed as of the day it was listed
FOREACH (_ IN CASE WHEN {_WITHDRAWS} AND n:ListEntry THEN [1] ELSE [] END |
  SET n.removedOn = n.listedOn, n.removalReason = row.props.reason)
RETURN count(*) AS written
"""
"""The department's answer to the pending objection to its record `id`. Row: `{id,
department, props: {outcome, resolvedOn, reason, source, batch}}`. The objection closes
(`openFor` null frees the record for a new one); the record carries `objectionStatus`; a
REMOVED record gets `withdrawnOn`, which the credit engine reads as never having counted."""

UPDATES: Final[dict[str, str]] = {
    "list_removals": UPDATE_LIST_REMOVALS,
    "penalty_repairs": UPDATE_PENALTY_REPAIRS,
    "objection_resolutions": UPDATE_OBJECTION_RESOLUTIONS,
    "repair_decisions": UPDATE_REPAIR_DECISIONS,
}
"""The statements that mark existing facts, keyed like `graph_schema.writes.UPSERTS`."""


# The rows of $rows (by index) whose penalty, found as the update finds it, may not be repaired
# on `day`: not published (`eligibleFrom` null), or before its minimum publicity.
def _too_early(day: str) -> str:
    return f"""WITH index, n, {_ELIGIBLE_FROM} AS eligibleFrom, {day} AS day
WHERE eligibleFrom IS NULL OR day < eligibleFrom
RETURN index, n.id AS penalty, n.severity AS severity, n.decidedOn AS decidedOn, day
ORDER BY index
"""


_EACH_ROW = "UNWIND range(0, size($rows) - 1) AS index\nWITH index, $rows[index] AS row"

REFUSALS: Final[dict[str, tuple[str, str]]] = {
    "penalty_repairs": (
        "repairedOn",
        f"""{_EACH_ROW}
MATCH (n:Penalty {{id: row.id}})
WHERE n.department = row.department
{_too_early("row.props.repairedOn")}""",
    ),
    "repair_decisions": (
        "decidedOn",
        f"""{_EACH_ROW}
MATCH (a:RepairApplication {{id: row.id}})-[:CONCERNS]->(n:Penalty)
WHERE n.department = row.department AND a.status = '{_PENDING}'
WITH index, n, row.props.decidedOn AS day, date(a.filedAt) AS filedOn,
  CASE WHEN row.props.outcome = '{_GRANTED}' THEN {_ELIGIBLE_FROM} END AS eligibleFrom,
  row.props.outcome = '{_GRANTED}' AS grant
WHERE day < filedOn OR day > $today OR (grant AND (eligibleFrom IS NULL OR day < eligibleFrom))
RETURN index, n.id AS penalty, n.severity AS severity, n.decidedOn AS decidedOn, day, filedOn
ORDER BY index""",
    ),
}
"""For an update kind whose rule a statement can only skip: (the record field the rule is
about, a statement over the same `$rows` returning each refused row's `index`, `penalty`,
`severity`, `decidedOn` and `day`)."""


@dataclass(frozen=True)
class RowRefusal:
    """A record of the batch (by index) that its statement would not write, and why."""

    index: int
    field: str
    message: str


async def refused_rows(
    tx: AsyncManagedTransaction, kind: str, rows: Sequence[Mapping[str, Any]], today: dt.date
) -> list[RowRefusal]:
    """The rows of statement `kind` that `REFUSALS` refuses (none for the other kinds), each
    with a message naming the penalty and the day it may be repaired; a decision is also
    refused when dated before its application or after `today` (the batch's arrival)."""
    check = REFUSALS.get(kind)
    if check is None or not rows:
        return []
    field, query = check
    result = await tx.run(query, {"rows": list(rows), "today": today})
    refused = []
    async for record in result:
        decided_on = record["decidedOn"].to_native()
        day = record["day"].to_native()
        filed = record.get("filedOn")
        if filed is not None and day > today:
            message = f"penalty {record['penalty']}: decided on {day}, after today ({today})"
            refused.append(RowRefusal(record["index"], field, message))
            continue
        if filed is not None and day < filed.to_native():
            why = f"decided on {day}, before the application was filed on {filed.to_native()}"
            refused.append(
                RowRefusal(record["index"], field, f"penalty {record['penalty']}: {why}")
            )
            continue
        reason = PUBLICITY.repair_refusal(Severity(record["severity"]), decided_on, day)
        why = reason or f"may not be repaired on {day}"  # the twins agree: not reached
        refused.append(RowRefusal(record["index"], field, f"penalty {record['penalty']}: {why}"))
    return refused


STATEMENTS: Final[dict[str, str]] = {**UPSERTS, **UPDATES}
"""Every statement a connector record can map to: the upserts, then the updates (which refer
to nodes the upserts write, so they come after them)."""

WRITE_ORDER: Final[tuple[str, ...]] = tuple(STATEMENTS)
"""The statement kinds in the order they must be written within one transaction."""


async def write_statement_rows(
    target: Target,
    kind: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    database: str | None = None,
) -> int:
    """Write `rows` with the statement `kind` of `STATEMENTS`, like `graph_schema.writes.
    write_rows` (which knows only the upserts); returns how many rows were written."""
    query = UPDATES.get(kind)
    if query is None:
        return await writes.write_rows(target, kind, rows, database=database)
    return await writes.run_rows(target, query, rows, database=database)


# --- the connector registry and batch ledger ----------------------------------------------

REGISTER_CONNECTOR: Final = """
MERGE (c:Connector {id: $id})
ON CREATE SET c.lastSequence = 0, c.createdAt = $now
SET c.department = $department, c.recordTypes = $record_types
RETURN c.id AS id
"""

ADD_KEY: Final = """
MATCH (c:Connector {id: $connector})
CREATE (k:SigningKey {kid: $kid, connector: $connector, alg: $alg, publicJwk: $jwk,
                      validFrom: $valid_from})
CREATE (c)-[:HAS_KEY]->(k)
RETURN k.kid AS kid
"""

KEY_TAKEN: Final = "MATCH (k:SigningKey {kid: $kid}) RETURN k.connector AS connector"

# Rotation closes the current keys' validity; what they signed before stays verifiable.
CLOSE_OPEN_KEYS: Final = """
MATCH (:Connector {id: $connector})-[:HAS_KEY]->(k:SigningKey)
WHERE k.validTo IS NULL AND k.revokedAt IS NULL AND k.kid <> $keep
SET k.validTo = $now
RETURN k.kid AS kid
"""

REVOKE_KEY: Final = """
MATCH (k:SigningKey {kid: $kid})
SET k.revokedAt = coalesce(k.revokedAt, $now)
RETURN k.kid AS kid, k.connector AS connector
"""

KEY_AND_CONNECTOR: Final = """
MATCH (c:Connector)-[:HAS_KEY]->(k:SigningKey {kid: $kid})
RETURN k {.*} AS key, c {.*} AS connector
"""

# A map projection, so a fresh graph without these property keys yet raises no notification.
CONNECTOR_BY_ID: Final = "MATCH (c:Connector {id: $id}) RETURN c {.*} AS connector"

BATCH_BY_ID: Final = (
    "MATCH (b:Batch {id: $id}) RETURN b.hash AS hash, b.connector AS connector, b {.*} AS batch"
)

# Taking the connector's write lock first serialises its batches: the sequence and batch-id
# checks below cannot race with another batch of the same connector. The batch-id check
# serialises claims of one id across connectors too: in a writing query the seek on the
# unique `Batch.id` is a locking one (NodeUniqueIndexSeek(Locking)), which, for an id not
# yet applied, holds the id's index entry exclusively until the transaction ends. A batch of
# another connector with the same id therefore waits here and then sees this one's Batch,
# instead of failing on the uniqueness constraint when it records its own.
LOCK_CONNECTOR: Final = """
MATCH (c:Connector {id: $id})
SET c.lockedBy = $batch_id
WITH c
OPTIONAL MATCH (b:Batch {id: $batch_id})
RETURN c.lastSequence AS lastSequence, b.hash AS appliedHash, b.connector AS appliedBy
"""

RECORD_BATCH: Final = """
MATCH (c:Connector {id: $connector})
CREATE (b:Batch {id: $id, connector: $connector, department: $department,
                 sequence: $sequence, recordType: $record_type, hash: $hash,
                 createdAt: $created_at, receivedAt: $received_at, records: $records,
                 written: $written, gapFrom: $gap_from, gapTo: $gap_to, outcome: 'APPLIED'})
CREATE (c)-[:SENT]->(b)
SET c.lastSequence = $sequence, c.lastBatch = $id, c.lockedBy = null
"""

# An operator's reset of the last accepted sequence, recorded in the same transaction. The
# first SET takes the connector's write lock (as LOCK_CONNECTOR does), so `previous` is read
# after any batch being written commits, and no batch interleaves.
RESET_SEQUENCE: Final = """
MATCH (c:Connector {id: $connector})
SET c.lockedBy = $id
WITH c, c.lastSequence AS previous
CREATE (r:SequenceReset {id: $id, connector: $connector, fromSequence: previous,
                         toSequence: $to, reason: $reason, by: $by, at: $at})
CREATE (c)-[:SEQUENCE_RESET]->(r)
SET c.lastSequence = $to, c.lockedBy = null
RETURN previous AS fromSequence
"""

RECORD_REJECTION: Final = """
CREATE (r:BatchRejection {id: randomUUID(), batchId: $batch_id, connector: $connector,
                          sequence: $sequence, recordType: $record_type, hash: $hash,
                          receivedAt: $received_at, code: $code, reasons: $reasons})
RETURN r.id AS id
"""

CONNECTOR_STATUS: Final = """
MATCH (c:Connector)
WHERE $id IS NULL OR c.id = $id
OPTIONAL MATCH (c)-[:SENT]->(b:Batch)
WITH c, count(b) AS accepted, sum(b.records) AS records,
     [x IN collect(b) WHERE x.gapFrom IS NOT NULL | [x.gapFrom, x.gapTo]] AS gaps
OPTIONAL MATCH (r:BatchRejection {connector: c.id})
WITH c, accepted, records, gaps, r ORDER BY r.receivedAt DESC
WITH c, accepted, records, gaps, count(r) AS rejected,
     collect(r {.batchId, .sequence, .code, .reasons, .receivedAt})[0..$recent] AS recent
OPTIONAL MATCH (c)-[:SEQUENCE_RESET]->(s:SequenceReset)
WITH c, accepted, records, gaps, rejected, recent, s ORDER BY s.at DESC
WITH c, accepted, records, gaps, rejected, recent,
     collect(s {.fromSequence, .toSequence, .reason, .by, .at})[0..$recent] AS resets
RETURN c {.id, .department, .recordTypes, .lastSequence, .lastBatch} AS connector,
       accepted, records, gaps, rejected, recent, resets
ORDER BY c.id
"""


# --- the effects an applied batch owes (the outbox; drained by `hub.effects`) ---------------
# (:OwedEffect {id, batch, kind: RERATE | SCAN, state: OWED | CLAIMED | DONE, createdAt,
#  claimedBy, claimedUntil, doneBy, doneAt, usccs, personKeys, factIds, reach})

RECORD_OWED_EFFECTS: Final = """
UNWIND $effects AS effect
CREATE (e:OwedEffect)
SET e = effect, e.state = 'OWED', e.createdAt = $created_at
"""
"""Record a batch's effects, in its transaction. Row: `{id, batch, kind, usccs, personKeys,
factIds, reach}`."""

# A SCAN reads the coverage its batch's re-rating stores: it waits for that RERATE to be done.
_CLAIMABLE = """
(e.state = 'OWED' OR e.claimedUntil <= $now)
AND (e.kind <> 'SCAN' OR NOT EXISTS {
  MATCH (r:OwedEffect {batch: e.batch, kind: 'RERATE'}) WHERE r.state <> 'DONE'
})
"""

CLAIMABLE_EFFECTS: Final = f"""
MATCH (e:OwedEffect)
WHERE e.state IN ['OWED', 'CLAIMED'] AND {_CLAIMABLE}
RETURN e.id AS id
ORDER BY e.createdAt, CASE e.kind WHEN 'RERATE' THEN 0 ELSE 1 END, e.id
LIMIT $limit
"""
"""The ids of effects a drainer may claim at `$now`, oldest first: owed, or claimed by a
claimant whose claim has run out."""

BATCH_EFFECTS: Final = """
MATCH (e:OwedEffect {batch: $batch})
RETURN e {.*} AS effect
ORDER BY CASE e.kind WHEN 'RERATE' THEN 0 ELSE 1 END
"""
"""A batch's effects, done or not, its RERATE first."""

LOCK_EFFECT: Final = "MATCH (e:OwedEffect {id: $id}) SET e.lockedBy = $worker"
"""Take the effect's write lock (held until the transaction ends)."""

CLAIM_LOCKED_EFFECT: Final = f"""
MATCH (e:OwedEffect {{id: $id}})
SET e.lockedBy = null
WITH e
WHERE e.state IN ['OWED', 'CLAIMED'] AND {_CLAIMABLE}
SET e.state = 'CLAIMED', e.claimedBy = $worker, e.claimedUntil = $until,
    e.claims = coalesce(e.claims, 0) + 1
RETURN e {{.*}} AS effect
"""
"""The claim, as of the lock just taken (a separate statement, so it reads after the lock): two
drainers never both hold an effect. Returns the claimed effect, or nothing."""

EXTEND_CLAIM: Final = """
MATCH (e:OwedEffect {id: $id})
WHERE e.state = 'CLAIMED' AND e.claimedBy = $worker
SET e.claimedUntil = $until
RETURN count(e) AS extended
"""

MARK_EFFECT_DONE: Final = """
MATCH (e:OwedEffect {id: $id})
WHERE e.state = 'CLAIMED' AND e.claimedBy = $worker
SET e.state = 'DONE', e.doneBy = $worker, e.doneAt = $now, e.claimedUntil = null
REMOVE e.usccs, e.personKeys, e.factIds
RETURN count(e) AS done
"""
"""Done, by the claimant that did it (nothing when its claim was taken over meanwhile). A done
effect keeps who did it and when, not its subjects (up to a batch's 10,000 keys each): the
batch's records say what they name, and the trail of every batch stays small."""

RELEASE_CLAIM: Final = """
MATCH (e:OwedEffect {id: $id})
WHERE e.state = 'CLAIMED' AND e.claimedBy = $worker
SET e.state = 'OWED', e.claimedBy = null, e.claimedUntil = null
"""
"""Give an effect back unfinished (its claimant is stopping): any drainer takes it at once."""

EFFECTS_BACKLOG: Final = """
MATCH (e:OwedEffect) WHERE e.state IN ['OWED', 'CLAIMED']
RETURN count(e) AS owed, min(e.createdAt) AS oldest
"""
"""How many effects are not done yet, and when the oldest of them was recorded."""
