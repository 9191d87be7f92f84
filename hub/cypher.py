"""Every Cypher read of the hub's enterprise API, named and parameterised.

Values always travel as parameters. The only text ever composed is the WHERE clause of the
enterprise list, and it is assembled from the fixed fragments in `ENTERPRISE_FILTERS`, chosen
by which filters are present, never from what the caller typed.
"""

from __future__ import annotations

from typing import Final

ENTERPRISES_BY_USCC: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})
RETURN uscc, e {.*} AS enterprise
"""

# Fragments of the enterprise list filter; each names the parameter it reads.
ENTERPRISE_FILTERS: Final[dict[str, str]] = {
    "zone": "e.zone = $zone",
    "industry_belt": "e.industryBelt = $industry_belt",
    "status": "e.status = $status",
    "name_contains": "e.name CONTAINS $name_contains",
    "after": "e.uscc > $after",
}

# Keyset pagination on the unique uscc index: the page is read in index order and stops early.
ENTERPRISE_PAGE: Final = """
MATCH (e:Enterprise)
WHERE e.uscc IS NOT NULL {where}
RETURN e {{.*}} AS enterprise
ORDER BY e.uscc
LIMIT $limit
"""

ENTERPRISE_COUNT: Final = """
MATCH (e:Enterprise)
WHERE e.uscc IS NOT NULL {where}
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

SHAREHOLDERS: Final = """
UNWIND $usccs AS uscc
MATCH (h)-[r:SHAREHOLDER_OF]->(:Enterprise {uscc: uscc})
RETURN uscc,
       CASE WHEN h:Person THEN 'PERSON' ELSE 'ENTERPRISE' END AS kind,
       h {.personKey, .name, .idMasked, .uscc} AS holder,
       r {.ratio, .since, .until} AS rel
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

READINESS: Final = "RETURN 1 AS ok"
