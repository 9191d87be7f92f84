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
  AND ($person IS NULL OR a.extra CONTAINS $person)
"""
"""`$person` is `events.person_marker` of an account id: no index, a scan within the others."""

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


# --- people: accounts, sign-in requests, codes, sessions (`auth.accounts`, `auth.signin`) ------
# Nodes (constraints in `graph_schema/migrations/0021_people.cypher`):
#
# - `(:Account {username, name, kind, institution, scopes, passwordHash, totpSecret, failures,
#   lockedUntil, disabled, createdAt})`: a person who signs in with a password.
# - `(:PendingAuthorization {digest, exp, request})`: a validated authorization request waiting
#   for its person to sign in; `digest` is the SHA-256 of its opaque id, `request` its JSON.
# - `(:AuthorizationCode {digest, exp, grant})`: a single-use code; `grant` is the JSON of what
#   it was issued for (client, redirect URI, PKCE challenge, the person).
# - `(:SessionFamily {id, exp, revoked, person, accountId, clientId, scope})` and
#   `(:RefreshToken {digest, family, used, issuedAt})`: a person's session and the rotating
#   refresh tokens of it.
#
# A statement that reads a value then writes from it first sets `_lock` (taking the node's
# write lock), so two hub workers never both use one code or refresh token.

ACCOUNT_FIELDS: Final = (
    "a {.username, .name, .kind, .institution, .scopes, .passwordHash, .totpSecret, "
    ".failures, .lockedUntil, .disabled, .createdAt}"
)

CREATE_ACCOUNT: Final = f"""
CREATE (a:Account {{username: $username}})
SET a += $props
RETURN {ACCOUNT_FIELDS} AS account
"""

REPLACE_ACCOUNT: Final = f"""
MERGE (a:Account {{username: $username}})
SET a += $props
RETURN {ACCOUNT_FIELDS} AS account
"""

GET_ACCOUNT: Final = f"""
MATCH (a:Account {{username: $username}})
RETURN {ACCOUNT_FIELDS} AS account
"""

LIST_ACCOUNTS: Final = f"""
MATCH (a:Account)
RETURN {ACCOUNT_FIELDS} AS account
ORDER BY a.username
"""

SET_ACCOUNT_DISABLED: Final = f"""
MATCH (a:Account {{username: $username}})
SET a.disabled = $disabled
RETURN {ACCOUNT_FIELDS} AS account
"""

UNLOCK_ACCOUNT: Final = f"""
MATCH (a:Account {{username: $username}})
SET a.failures = 0
REMOVE a.lockedUntil
RETURN {ACCOUNT_FIELDS} AS account
"""

RECORD_SIGN_IN_FAILURE: Final = """
MATCH (a:Account {username: $username})
SET a._lock = true
WITH a, coalesce(a.failures, 0) + 1 AS failures
SET a.failures = CASE WHEN failures >= $maxFailures THEN 0 ELSE failures END,
    a.lockedUntil = CASE WHEN failures >= $maxFailures THEN $lockedUntil ELSE a.lockedUntil END
REMOVE a._lock
RETURN failures >= $maxFailures AS locked
"""
"""Count one failed sign-in; the `maxFailures`th in a row locks the account until
`lockedUntil` (and starts the count again)."""

USE_TOTP_STEP: Final = """
MATCH (a:Account {username: $username})
SET a._lock = true
WITH a, coalesce(a.totpLastStep, -1) < $step AS fresh
SET a.totpLastStep = CASE WHEN fresh THEN $step ELSE a.totpLastStep END
REMOVE a._lock
RETURN fresh
"""
"""Record the TOTP time step a sign-in used; False when it (or a later one) was used before,
so a code seen over a shoulder cannot be used again (RFC 6238 section 5.2)."""

RECORD_SIGN_IN_SUCCESS: Final = """
MATCH (a:Account {username: $username})
SET a.failures = 0
"""

CREATE_PENDING: Final = """
CREATE (:PendingAuthorization {digest: $digest, exp: $exp, request: $request})
"""

GET_PENDING: Final = """
MATCH (p:PendingAuthorization {digest: $digest}) WHERE p.exp >= $now
RETURN p.request AS request
"""

CONSUME_PENDING: Final = """
MATCH (p:PendingAuthorization {digest: $digest})
SET p._lock = true
WITH p, p.request AS request, p.exp >= $now AS live
DETACH DELETE p
RETURN request, live
"""
"""Use up a pending request (once): its JSON, and whether it had not yet expired."""

CREATE_CODE: Final = """
CREATE (:AuthorizationCode {digest: $digest, exp: $exp, grant: $grant})
"""

CONSUME_CODE: Final = """
MATCH (c:AuthorizationCode {digest: $digest})
SET c._lock = true
WITH c, c.grant AS grant, c.exp >= $now AS live, coalesce(c.used, false) AS reused
SET c.used = true, c.replayed = coalesce(c.replayed, false) OR reused,
    c.keepUntil = CASE WHEN reused THEN c.keepUntil ELSE $keepUntil END
REMOVE c._lock
WITH c, grant, live, reused
OPTIONAL MATCH (f:SessionFamily {id: c.family}) WHERE reused
SET f.revoked = true
RETURN grant, live, reused
"""
"""Use up an authorization code, expired or not; an unknown code matches nothing. A used code
is kept (until `keepUntil`) so that a second use (`reused`) revokes the session issued from it
(RFC 6749 section 4.1.2)."""

CREATE_SESSION: Final = """
OPTIONAL MATCH (c:AuthorizationCode {digest: $codeDigest})
SET c.family = $family
CREATE (f:SessionFamily {id: $family, exp: $exp, revoked: coalesce(c.replayed, false),
        person: $person, accountId: $accountId, clientId: $clientId, scope: $scope})
CREATE (:RefreshToken {digest: $digest, family: $family, used: false, issuedAt: $now})
"""
"""A session issued from the code `codeDigest`; born revoked when the code was replayed while
the first exchange was under way."""

ADD_REFRESH_TOKEN: Final = """
MATCH (f:SessionFamily {id: $family})
CREATE (:RefreshToken {digest: $digest, family: $family, used: false, issuedAt: $now})
"""

USE_REFRESH_TOKEN: Final = """
MATCH (t:RefreshToken {digest: $digest})
MATCH (f:SessionFamily {id: t.family})
SET t._lock = true, f._lock = true
WITH t, f, t.used AS reused
SET t.used = true, f.revoked = f.revoked OR reused
REMOVE t._lock, f._lock
RETURN reused, f {.id, .exp, .revoked, .person, .accountId, .clientId, .scope} AS family
"""
"""Use up a refresh token: a second use (`reused`) revokes its whole family."""

FAMILY_OF_REFRESH_TOKEN: Final = """
MATCH (t:RefreshToken {digest: $digest})
RETURN t.family AS family
"""

REVOKE_SESSION: Final = """
MATCH (f:SessionFamily {id: $family})
SET f.revoked = true
"""

PURGE_SIGN_IN: Final = """
OPTIONAL MATCH (p:PendingAuthorization) WHERE p.exp < $now
WITH collect(p)[..$limit] AS pending
OPTIONAL MATCH (c:AuthorizationCode) WHERE coalesce(c.keepUntil, c.exp) < $now
WITH pending, collect(c)[..$limit] AS codes
OPTIONAL MATCH (f:SessionFamily) WHERE f.exp < $now
WITH pending, codes, collect(f)[..$limit] AS families
OPTIONAL MATCH (t:RefreshToken) WHERE t.family IN [f IN families | f.id]
WITH pending, codes, families, collect(t) AS tokens
WITH pending + codes + families + tokens AS gone
FOREACH (n IN gone | DETACH DELETE n)
RETURN size(gone) AS purged
"""
"""Delete up to `limit` each of the expired pending requests, codes and sessions."""
