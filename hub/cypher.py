"""Every Cypher read of the hub's enterprise API, named and parameterised.

Values always travel as parameters. The only text ever composed is the WHERE clause of the
enterprise list, and it is assembled from the fixed fragments in `ENTERPRISE_FILTERS`, chosen
by which filters are present, never from what the caller typed.
"""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import holder_kind

# `{visible}` below is always one of auth.policy's fixed visibility predicates (which
# enterprises the caller may see), placed right after the indexed lookup.
ENTERPRISES_BY_USCC: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WHERE {visible}
RETURN uscc, e {{.*}} AS enterprise
"""

# Fragments of the enterprise list filter; each names the parameter it reads.
ENTERPRISE_FILTERS: Final[dict[str, str]] = {
    "zone": "e.zone = $zone",
    "industry_belt": "e.industryBelt = $industry_belt",
    "status": "e.status = $status",
    # the English name in any case ("kaifeng" finds Kaifeng); the Chinese name has none
    "name_contains": "(e.name CONTAINS $name_contains"
    " OR toLower(e.nameEn) CONTAINS toLower($name_contains))",
    "after": "e.uscc > $after",
}

# Keyset pagination on the unique uscc index: the page is read in index order and stops early.
# The page comes back as one row holding a list (in page order: the ordered WITH feeds the
# collect), with the relations the request selects: one Bolt message instead of a record per
# enterprise, which the Python driver reads at several socket reads each.
ENTERPRISE_PAGE: Final = """
MATCH (e:Enterprise)
WHERE e.uscc IS NOT NULL {where} AND {visible}
WITH e ORDER BY e.uscc LIMIT $limit
RETURN collect({{uscc: e.uscc, enterprise: e {{.*}}{parts}}}) AS page
"""

ENTERPRISE_COUNT: Final = """
MATCH (e:Enterprise)
WHERE e.uscc IS NOT NULL {where} AND {visible}
RETURN count(e) AS total
"""

LEGAL_REPRESENTATIVES: Final = """
UNWIND $usccs AS uscc
MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE_OF]->(:Enterprise {uscc: uscc})
RETURN uscc, p {.personKey, .name, .idMasked} AS person, r {.since, .until} AS rel
ORDER BY r.since DESC
"""

OFFICERS: Final = """
UNWIND $usccs AS uscc
MATCH (p:Person)-[r:OFFICER_OF]->(:Enterprise {uscc: uscc})
RETURN uscc, p {.personKey, .name, .idMasked} AS person, r {.role, .since, .until} AS rel
ORDER BY r.role, p.name
"""

SHAREHOLDERS: Final = f"""
UNWIND $usccs AS uscc
MATCH (h)-[r:SHAREHOLDER_OF]->(:Enterprise {{uscc: uscc}})
RETURN uscc,
       {holder_kind("h")} AS kind,
       h {{.personKey, .name, .idMasked, .uscc}} AS holder,
       r {{.ratio, .since, .until}} AS rel
ORDER BY r.ratio DESC
"""

HOLDINGS: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[r:SHAREHOLDER_OF]->(t:Enterprise)
RETURN uscc, t.uscc AS target, r {.ratio, .since, .until} AS rel
ORDER BY r.ratio DESC
"""

ADDRESSES: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[r:REGISTERED_AT]->(a:Address)
RETURN uscc, a {.key, .text} AS address, r {.since, .until} AS rel
"""

FILINGS: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:FILED]->(f:Filing)
OPTIONAL MATCH (f)-[:SHARED_WITH]->(d:Department)
WITH uscc, f, collect(d.code) AS departments
RETURN uscc, f {.*, sharedWith: departments} AS fact
ORDER BY f.filedOn DESC
"""

PENALTIES: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:PENALISED]->(p:Penalty)
RETURN uscc, p {.*} AS fact
ORDER BY p.decidedOn DESC
"""

LIST_ENTRIES: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:LISTED]->(l:ListEntry)
RETURN uscc, l {.*} AS fact
ORDER BY l.listedOn DESC
"""

CLASSIFICATIONS: Final = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})-[:CLASSIFIED]->(c:Classification)
RETURN uscc, c {.*} AS fact
ORDER BY c.department, c.scheme, c.effectiveFrom DESC
"""

# One enterprise with every relation a profile asks for, in a single round trip. Each part is
# a COLLECT subquery returning rows shaped like the relation's own query above; the query is
# assembled from the parts the request selects (see `profile_query`).
ENTERPRISE_PROFILE: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}})
WHERE {visible}
RETURN uscc, e {{.*}} AS enterprise{parts}
"""

PROFILE_PARTS: Final[dict[str, str]] = {
    "legal_representatives": """COLLECT {
        MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE_OF]->(e)
        RETURN {person: p {.personKey, .name, .idMasked}, rel: r {.since, .until}}
        ORDER BY r.since DESC }""",
    "officers": """COLLECT {
        MATCH (p:Person)-[r:OFFICER_OF]->(e)
        RETURN {person: p {.personKey, .name, .idMasked}, rel: r {.role, .since, .until}}
        ORDER BY r.role, p.name }""",
    "shareholders": f"""COLLECT {{
        MATCH (h)-[r:SHAREHOLDER_OF]->(e)
        RETURN {{kind: {holder_kind("h")},
                holder: h {{.personKey, .name, .idMasked, .uscc}},
                rel: r {{.ratio, .since, .until}}}}
        ORDER BY r.ratio DESC }}""",
    "holdings": """COLLECT {
        MATCH (e)-[r:SHAREHOLDER_OF]->(t:Enterprise)
        RETURN {target: t.uscc, rel: r {.ratio, .since, .until}} ORDER BY r.ratio DESC }""",
    "addresses": """COLLECT {
        MATCH (e)-[r:REGISTERED_AT]->(a:Address)
        RETURN {address: a {.key, .text}, rel: r {.since, .until}} }""",
    "filings": """COLLECT {
        MATCH (e)-[:FILED]->(f:Filing)
        RETURN {fact: f {.*, sharedWith: COLLECT {
            MATCH (f)-[:SHARED_WITH]->(d:Department) RETURN d.code }}}
        ORDER BY f.filedOn DESC }""",
    "penalties": """COLLECT {
        MATCH (e)-[:PENALISED]->(p:Penalty) RETURN {fact: p {.*}} ORDER BY p.decidedOn DESC }""",
    "list_entries": """COLLECT {
        MATCH (e)-[:LISTED]->(l:ListEntry) RETURN {fact: l {.*}} ORDER BY l.listedOn DESC }""",
    "classifications": """COLLECT {
        MATCH (e)-[:CLASSIFIED]->(c:Classification) RETURN {fact: c {.*}}
        ORDER BY c.department, c.scheme, c.effectiveFrom DESC }""",
}


def _parts(relations: list[str], shape: str) -> str:
    """The named PROFILE_PARTS in their fixed order, each written as `shape` (with `{name}` and
    `{part}`) after a comma; unknown names are refused."""
    unknown = set(relations) - set(PROFILE_PARTS)
    if unknown:
        raise KeyError(f"no profile part {sorted(unknown)}")
    return "".join(
        ",\n       " + shape.format(name=name, part=PROFILE_PARTS[name])
        for name in PROFILE_PARTS
        if name in relations
    )


def enterprise_page_query(relations: list[str], where: str, visible: str) -> str:
    """ENTERPRISE_PAGE with the named relations (PROFILE_PARTS) beside each enterprise, for the
    filter fragments `where` (ENTERPRISE_FILTERS) and the visibility predicate `visible`."""
    parts = _parts(relations, "{name}: {part}")
    return ENTERPRISE_PAGE.format(where=where, visible=visible, parts=parts)


def profile_query(relations: list[str], visible: str) -> str:
    """ENTERPRISE_PROFILE with the named parts, in a fixed order, for the visibility predicate
    `visible`; unknown names are refused."""
    return ENTERPRISE_PROFILE.format(parts=_parts(relations, "{part} AS {name}"), visible=visible)


READINESS: Final = "RETURN 1 AS ok"

GRAPH_IS_EMPTY: Final = "MATCH (e:Enterprise) RETURN count(e) = 0 AS empty"

BATCHES_IN_LEDGER: Final = "UNWIND $ids AS id MATCH (b:Batch {id: id}) RETURN b.id AS id"

FIRST_ENTERPRISE: Final = """
MATCH (e:Enterprise)
RETURN e.uscc AS uscc
ORDER BY EXISTS { (e)-[:DECLARED]->(:Declaration) } DESC, e.uscc
LIMIT 1"""
"""The demo enterprise client's own enterprise: the first in USCC order that declared goods to
customs (so it has trade records to show, consent to and read), else the first; stable per
zone."""


# --- leases: one hub process among several does a job (`hub.lease`) ---------------------------
#
# `(:Lease {name, holder, until})`: who holds the named job until when; each change takes the
# node's write lock first, then reads it, so two processes never both see it free.

LEASE_LOCK: Final = """
MERGE (l:Lease {name: $name})
SET l.locked = true
"""
"""Create the lease on first use and take its write lock (held until the transaction ends)."""

LEASE_READ_LOCKED: Final = """
MATCH (l:Lease {name: $name})
RETURN l.holder AS holder, l.until AS until
"""
"""The lease as of the lock just taken: a separate statement, so it reads after the lock."""

LEASE_SET: Final = """
MATCH (l:Lease {name: $name})
SET l.holder = $holder, l.until = $until
REMOVE l.locked
"""
"""Give the lease to `$holder` until `$until` (both null: free it)."""

LEASE_UNLOCK: Final = """
MATCH (l:Lease {name: $name})
REMOVE l.locked
"""
"""Leave the lease as it was (the lock ends with the transaction)."""

# --- mutexes (hub.mutex) --------------------------------------------------------------------

MUTEX_TAKE: Final = """
MERGE (m:Mutex {name: $name})
SET m.heldSince = datetime()
"""
"""Take the mutex's write lock (waiting while another transaction holds it), for as long as
this transaction stays open; unique on `name` (migration 0013), so two processes cannot make
two."""
