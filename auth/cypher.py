"""Every Cypher statement of the auth package, as named, parameterised constants.

Values only ever travel as parameters. Nodes (constraints in
`graph_schema/migrations/0004_auth.cypher`):

- `(:Client {id, kind, institution, scopes, authMethod, secretHash, jwks, createdAt, disabled})`
- `(:RevokedToken {jti, exp})`: a revoked access token, kept until it would have expired.
- `(:UsedAssertion {key, exp})`: a client assertion's `client_id + " " + jti`, kept until the
  assertion expires, so a replay within its lifetime is refused.

Times (`exp`, `createdAt`) are integer seconds since the epoch.
"""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import consent_active, consent_in_force

CLIENT_FIELDS: Final = (
    "c {.id, .kind, .institution, .scopes, .authMethod, .secretHash, .jwks, .createdAt, .disabled}"
)

CREATE_CLIENT: Final = f"""
CREATE (c:Client {{id: $id}})
SET c += $props
RETURN {CLIENT_FIELDS} AS client
"""

REPLACE_CLIENT: Final = f"""
MERGE (c:Client {{id: $id}})
SET c += $props
RETURN {CLIENT_FIELDS} AS client
"""

GET_CLIENT: Final = f"""
MATCH (c:Client {{id: $id}})
RETURN {CLIENT_FIELDS} AS client
"""

LIST_CLIENTS: Final = f"""
MATCH (c:Client)
RETURN {CLIENT_FIELDS} AS client
ORDER BY c.id
"""

REMOVE_CLIENT: Final = """
MATCH (c:Client {id: $id})
DETACH DELETE c
RETURN count(*) AS removed
"""

SET_CLIENT_DISABLED: Final = f"""
MATCH (c:Client {{id: $id}})
SET c.disabled = $disabled
RETURN {CLIENT_FIELDS} AS client
"""

REVOKE_TOKEN: Final = """
MERGE (r:RevokedToken {jti: $jti})
ON CREATE SET r.exp = $exp
"""

IS_REVOKED: Final = """
OPTIONAL MATCH (r:RevokedToken {jti: $jti})
RETURN r IS NOT NULL AS revoked
"""

PURGE_REVOKED: Final = """
MATCH (r:RevokedToken) WHERE r.exp < $now
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS purged
"""

CONSUME_ASSERTION: Final = """
OPTIONAL MATCH (old:UsedAssertion {key: $key}) WHERE old.exp < $now
DELETE old
WITH count(*) AS _
CREATE (:UsedAssertion {key: $key, exp: $exp})
"""
"""Record a client assertion as used; fails on the unique constraint when it was used before
(an expired record of the same key is deleted first, since the assertion's `exp` is checked
anyway)."""

PURGE_ASSERTIONS: Final = """
MATCH (a:UsedAssertion) WHERE a.exp < $now
WITH a LIMIT $limit
DELETE a
RETURN count(*) AS purged
"""


# --- Audit trail (`auth.audit`) ---------------------------------------------------------------
#
# Nodes (constraints and indexes in `graph_schema/migrations/0005_audit.cypher`):
#
# - `(:AuditRecord {seq, hash, prevHash, at, clientId, kind, institution, operation, queryHash,
#   enterprises, purpose, outcome, extra})`: one audited request, hash-chained by `seq`.
# - `(:AuditHead {id: 'audit', seq, hash})`: the chain's last record; every batch of appends
#   takes its write lock first, so concurrent writers (several hub instances) never fork the chain.
# - `(:AuditRecord)-[:ACCESSED]->(:AuditAccess {uscc, seq})`: one per enterprise a record touched,
#   so an enterprise's access log is an index seek on `(uscc, seq)` rather than a scan of every
#   record's `enterprises` list.
# - `(:AuditAnchor {id: 'audit', seq, hash, at})`: where the chain continues in the graph after
#   records 1 to `seq` were archived to files (`auth.audit.archive`); absent before the first.

AUDIT_RECORD_FIELDS: Final = (
    "a {.seq, .hash, .prevHash, .at, .clientId, .kind, .institution, .operation, .queryHash, "
    ".enterprises, .purpose, .outcome, .extra, .requestId}"
)

AUDIT_LOCK_HEAD: Final = """
MERGE (h:AuditHead {id: 'audit'})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h.locked = true
"""
"""Create the head on first use and take its write lock (held until the transaction ends)."""

AUDIT_READ_LOCKED_HEAD: Final = """
MATCH (h:AuditHead {id: 'audit'})
RETURN h.seq AS seq, h.hash AS hash
"""
"""The head as of the lock just taken: a separate statement, so it reads after the lock."""

AUDIT_APPEND: Final = """
UNWIND $records AS r
CREATE (a:AuditRecord)
SET a = r, a.at = datetime(r.at)
FOREACH (uscc IN r.enterprises | CREATE (a)-[:ACCESSED]->(:AuditAccess {uscc: uscc, seq: r.seq}))
"""

AUDIT_MOVE_HEAD: Final = """
MATCH (h:AuditHead {id: 'audit'})
SET h.seq = $seq, h.hash = $hash
REMOVE h.locked
"""

AUDIT_JOURNAL_APPLIED: Final = """
MERGE (j:AuditJournal {id: $journal})
ON CREATE SET j.applied = 0
RETURN j.applied AS applied
"""
"""The last entry of a hub's local journal the chain holds (read under the head's lock)."""

AUDIT_JOURNAL_MOVE: Final = """
MATCH (j:AuditJournal {id: $journal})
SET j.applied = CASE WHEN $applied > j.applied THEN $applied ELSE j.applied END
"""

AUDIT_HEAD: Final = """
OPTIONAL MATCH (h:AuditHead {id: 'audit'})
RETURN h.seq AS seq, h.hash AS hash
"""

AUDIT_MAX_SEQ: Final = """
MATCH (a:AuditRecord) WHERE a.seq IS NOT NULL
RETURN a.seq AS seq ORDER BY a.seq DESC LIMIT 1
"""

AUDIT_COUNT: Final = """
MATCH (a:AuditRecord)
RETURN count(a) AS n
"""

AUDIT_COUNT_AFTER: Final = """
MATCH (a:AuditRecord) WHERE a.seq > $seq
RETURN count(a) AS n
"""

AUDIT_COUNT_UPTO: Final = """
MATCH (a:AuditRecord) WHERE a.seq <= $seq
RETURN count(a) AS n
"""

AUDIT_ANCHOR: Final = """
MATCH (x:AuditAnchor {id: 'audit'})
RETURN x.seq AS seq, x.hash AS hash
"""

AUDIT_MOVE_ANCHOR: Final = """
MERGE (x:AuditAnchor {id: 'audit'})
SET x.seq = $seq, x.hash = $hash, x.at = datetime()
"""
"""Records 1 to `seq` are archived: the chain continues in the graph after `seq`."""

AUDIT_ARCHIVE_PAGE: Final = """
MATCH (a:AuditRecord)
WHERE a.seq > $after AND a.seq <= $upto
WITH a ORDER BY a.seq LIMIT $page
RETURN properties(a) AS props
"""
"""Records to archive, in seq order."""

AUDIT_DELETE_ARCHIVED: Final = """
MATCH (a:AuditRecord) WHERE a.seq <= $seq
WITH a LIMIT $chunk
OPTIONAL MATCH (a)-[:ACCESSED]->(x:AuditAccess)
WITH a, collect(x) AS entries
FOREACH (x IN entries | DETACH DELETE x)
DETACH DELETE a
RETURN count(*) AS deleted
"""
"""One bounded transaction's share of the archived records and their access entries."""

AUDIT_VERIFY_PAGE: Final = """
MATCH (a:AuditRecord)
WHERE a.seq > $after AND a.seq <= $upto
WITH a ORDER BY a.seq LIMIT $page
RETURN properties(a) AS props, [(a)-[:ACCESSED]->(x:AuditAccess) | [x.uscc, x.seq]] AS access
"""
"""One page of the chain in seq order: every stored property, and the record's access entries."""

# The composite indexes below give their order only when ORDER BY names both their properties;
# with the first fixed by equality that is the same order as by seq alone.

_AUDIT_FILTERS = """
  AND ($kind IS NULL OR a.kind = $kind)
  AND ($clientId IS NULL OR a.clientId = $clientId)
  AND ($since IS NULL OR a.at >= $since)
  AND ($until IS NULL OR a.at < $until)
"""

AUDIT_LOG: Final = f"""
MATCH (a:AuditRecord)
WHERE a.seq < $before {_AUDIT_FILTERS}
RETURN {AUDIT_RECORD_FIELDS} AS record
ORDER BY a.seq DESC
LIMIT $first
"""
"""Newest first, keyset by seq: a backward scan of the seq index, filtered."""

AUDIT_LOG_BY_CLIENT: Final = f"""
MATCH (a:AuditRecord {{clientId: $clientId}})
WHERE a.seq < $before {_AUDIT_FILTERS}
RETURN {AUDIT_RECORD_FIELDS} AS record
ORDER BY a.clientId DESC, a.seq DESC
LIMIT $first
"""
"""As `AUDIT_LOG`, driven by the `(clientId, seq)` index."""

AUDIT_LOG_BY_KIND: Final = f"""
MATCH (a:AuditRecord {{kind: $kind}})
WHERE a.seq < $before {_AUDIT_FILTERS}
RETURN {AUDIT_RECORD_FIELDS} AS record
ORDER BY a.kind DESC, a.seq DESC
LIMIT $first
"""
"""As `AUDIT_LOG`, driven by the `(kind, seq)` index."""

AUDIT_LOG_BY_ENTERPRISE: Final = f"""
MATCH (a:AuditRecord)-[:ACCESSED]->(x:AuditAccess {{uscc: $uscc}})
WHERE x.seq < $before {_AUDIT_FILTERS}
RETURN {AUDIT_RECORD_FIELDS} AS record
ORDER BY x.uscc DESC, x.seq DESC
LIMIT $first
"""
"""As `AUDIT_LOG`, driven by the `(uscc, seq)` index of the access entries."""

# --- consents ----------------------------------------------------------------------------------
# - `(:Enterprise)-[:CONSENTED]->(:Consent {id, institution, purpose, scopes, grantedAt,
#   expiresAt, revokedAt, grantedBy})`: kept after expiry or revocation, as history.

INSTITUTION_LENDS: Final = """
MATCH (c:Client) WHERE c.institution = $institution AND c.kind IN ['bank', 'insurer']
  AND coalesce(c.disabled, false) = false
RETURN count(c) > 0 AS lends
"""
"""Is `institution` a bank or insurer with an enabled client (one a consent can name)?"""

GRANT_CONSENT: Final = """
MATCH (e:Enterprise {uscc: $uscc})
CREATE (e)-[:CONSENTED]->(c:Consent {id: $id, institution: $institution, purpose: $purpose,
        scopes: $scopes, grantedAt: $now, expiresAt: $expiresAt, grantedBy: $clientId})
RETURN c {.*, uscc: e.uscc} AS consent
"""

REVOKE_CONSENT: Final = """
MATCH (e:Enterprise {uscc: $uscc})-[:CONSENTED]->(c:Consent {id: $id})
SET c.revokedAt = coalesce(c.revokedAt, $now)
RETURN c {.*, uscc: e.uscc} AS consent
"""
"""Revoke the enterprise's own consent (a consent of another enterprise matches nothing)."""

CONSENTS_OF: Final = f"""
MATCH (e:Enterprise {{uscc: $uscc}})-[:CONSENTED]->(c:Consent)
WHERE $include_ended OR ({consent_in_force("c", "$now")})
RETURN c {{.*, uscc: e.uscc}} AS consent
ORDER BY c.grantedAt DESC, c.id
"""

CONSENTS_COVERING: Final = f"""
UNWIND $usccs AS uscc
MATCH (:Enterprise {{uscc: uscc}})-[:CONSENTED]->(c:Consent)
WHERE {consent_active("c", "$institution", "$now")}
WITH uscc, c ORDER BY c.grantedAt DESC, c.id
UNWIND c.scopes AS scope
WITH uscc, scope, collect(c.id)[0] AS id
RETURN uscc, collect([scope, id]) AS covered
"""
"""For each of `usccs`, each scope its active consents to `institution` cover, with the newest
consent covering it (an enterprise without one has no row)."""

ADMITTING_CONSENTS: Final = f"""
MATCH (e:Enterprise)-[:CONSENTED]->(c:Consent)
WHERE e.uscc IN $usccs AND {consent_active("c", "$institution", "$now", "enterprise:read")}
RETURN collect(DISTINCT c.id) AS ids
"""
"""The active consents that admit the enterprises `usccs` to `institution` (the visibility
policy's `enterprise:read` test): what a bank's read of those enterprises was made under."""
