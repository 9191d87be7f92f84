"""Every Cypher read of the credit services, named and parameterised.

Values travel as parameters; filters are fixed `($x IS NULL OR ...)` clauses, so the text never
depends on what the caller typed. `{visible}` is always one of `auth.policy`'s fixed visibility
predicates over `e` (the caller's enterprises), formatted in by `visible()`.
"""

from __future__ import annotations

from typing import Final

IDENTITY: Final = """
MATCH (e:Enterprise {uscc: $uscc})
RETURN e {.uscc, .name, .nameEn, .registeredOn, .status, .statusSince} AS enterprise
"""
"""The registry facts identity verification compares (published by law: no visibility)."""

_DECLARED_LINES: Final = """
WITH d.hsCode AS hsCode, count(d) AS declarations, sum(d.valueCny) AS valueCny,
     collect(DISTINCT e.uscc) AS usccs
RETURN hsCode, declarations, valueCny, usccs
ORDER BY hsCode
"""

DECLARED_LINES_ZONE: Final = (
    """
MATCH (e:Enterprise)-[:DECLARED]->(d:Declaration)
WHERE d.hsCode STARTS WITH $code AND {visible}
"""
    + _DECLARED_LINES
)
"""Declarations under an HS code across the enterprises the caller sees, per declared code."""

DECLARED_LINES_OF: Final = (
    """
MATCH (e:Enterprise {{uscc: $uscc}})
WHERE {visible}
MATCH (e)-[:DECLARED]->(d:Declaration)
WHERE d.hsCode STARTS WITH $code
"""
    + _DECLARED_LINES
)
"""The same for one enterprise (none when the caller may not see it)."""

_SHIPMENTS: Final = """
MATCH (e:Enterprise)-[:SOLD]->(o:Order)<-[:SHIPS]-(w:Waybill)
WHERE {visible}
  AND ($carrier IS NULL OR toLower(w.carrier) CONTAINS toLower($carrier))
  AND ($carrier_uscc IS NULL OR w.carrierUscc = $carrier_uscc)
  AND ($shipped_from IS NULL OR w.shippedOn >= $shipped_from)
  AND ($shipped_to IS NULL OR w.shippedOn <= $shipped_to)
  AND ($direction IS NULL OR o.direction = $direction)
"""

SHIPMENTS_PAGE: Final = (
    _SHIPMENTS
    + """  AND ($after IS NULL OR w.id > $after)
RETURN w {{.id, .shippedOn, .carrier, .carrierUscc, .logisticsCode}} AS waybill,
       o.id AS orderId, o.direction AS direction, e.uscc AS uscc, e.name AS name
ORDER BY w.id
LIMIT $limit
"""
)
"""A page of waybills (by id) of the orders of the enterprises the caller sees."""

SHIPMENTS_COUNT: Final = _SHIPMENTS + "RETURN count(w) AS totalCount\n"

_DECLARATIONS: Final = """
MATCH (e:Enterprise)-[:DECLARED]->(d:Declaration)
WHERE {visible}
  AND ($declared_from IS NULL OR d.declaredOn >= $declared_from)
  AND ($declared_to IS NULL OR d.declaredOn <= $declared_to)
  AND ($mode IS NULL OR d.mode = $mode)
  AND ($direction IS NULL OR d.direction = $direction)
  AND ($destination IS NULL OR d.destination = $destination)
  AND ($hs_code_prefix IS NULL OR d.hsCode STARTS WITH $hs_code_prefix)
"""

DECLARATIONS_PAGE: Final = (
    _DECLARATIONS
    + """  AND ($after IS NULL OR d.id > $after)
RETURN d {{.id, .mode, .direction, .declaredOn, .valueCny, .destination, .hsCode}}
         AS declaration, e.uscc AS uscc, e.name AS name
ORDER BY d.id
LIMIT $limit
"""
)
"""A page of declarations (by id) of the enterprises the caller sees."""

DECLARATIONS_TOTALS: Final = (
    _DECLARATIONS + "RETURN count(d) AS totalCount, sum(d.valueCny) AS totalValueCny\n"
)


def visible(query: str, predicate: str) -> str:
    """`query` with the fixed visibility predicate `predicate` (`VisibilityFilter.predicate`)
    in place of `{visible}`."""
    return query.format(visible=predicate)
