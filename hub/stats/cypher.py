"""Every Cypher read of the statistics, named and parameterised; one query per grouping."""

from __future__ import annotations

from typing import Final

from graph_schema.model import ENDED_STATUSES, EnterpriseStatus

_REGISTERED = f"['{EnterpriseStatus.ACTIVE}', '{EnterpriseStatus.ABNORMAL}']"
_ENDED = str(sorted(status.value for status in ENDED_STATUSES))

# An operator on $to: registered by then and neither revoked nor deregistered by then. ABNORMAL
# counts: an enterprise on the abnormal-operation list is still registered and may trade.
_OPERATOR = (
    f"e.registeredOn <= $to AND (e.status IN {_REGISTERED} "
    f"OR (e.status IN {_ENDED} AND e.statusSince > $to))"
)

_DECLARATIONS = """
MATCH (e:Enterprise)-[:DECLARED]->(d:Declaration)
WHERE ($zone IS NULL OR e.zone = $zone) AND $from <= d.declaredOn <= $to
WITH {key} AS key, d
RETURN key, count(d) AS count, sum(d.valueCny) AS value
ORDER BY key
"""

DECLARATIONS_BY: Final[dict[str, str]] = {
    "MONTH": _DECLARATIONS.format(key="substring(toString(d.declaredOn), 0, 7)"),
    "MODE": _DECLARATIONS.format(key="d.mode"),
    "DESTINATION": _DECLARATIONS.format(key="d.destination"),
    "INDUSTRY_BELT": _DECLARATIONS.format(key="coalesce(e.industryBelt, 'NONE')"),
}
"""Declared counts and values between $from and $to, by the grouping (fixed texts)."""

GRADE_DISTRIBUTION: Final = """
MATCH (e:Enterprise) WHERE $zone IS NULL OR e.zone = $zone
RETURN coalesce(e.creditGrade, 'UNRATED') AS grade, count(e) AS count
ORDER BY grade
"""

# A CBEC operator on $to: an operator (`_OPERATOR`) with a filing of a CBEC kind by then.
_CBEC_FILED = (
    "EXISTS { MATCH (e)-[:FILED]->(f:Filing) WHERE f.kind IN $cbec_kinds AND f.filedOn <= $to }"
)
_CBEC_OPERATOR = f"{_OPERATOR} AND {_CBEC_FILED}"

# Per zone on $to (hub.stats.progress.ZoneFigures): its registered enterprises; its CBEC
# operators; those whose first CBEC filing is in the 12 months to $to (after $year_ago); its
# belts with at least $belt_min CBEC operators; and the value declared in those 12 months, summed
# in fen (integers) so that the sum is exact where a float sum of yuan is not.
ZONE_FIGURES: Final = f"""
MATCH (z:Zone) WHERE $zone IS NULL OR z.code = $zone
CALL (z) {{
  MATCH (e:Enterprise {{zone: z.code}})-[:DECLARED]->(d:Declaration)
  WHERE $year_ago < d.declaredOn <= $to
  RETURN sum(toInteger(round(d.valueCny * 100))) AS declaredCents
}}
RETURN z.code AS zone,
  COUNT {{ MATCH (e:Enterprise {{zone: z.code}}) WHERE {_OPERATOR} }} AS registered,
  COUNT {{ MATCH (e:Enterprise {{zone: z.code}}) WHERE {_CBEC_OPERATOR} }} AS cbecOperators,
  COUNT {{
    MATCH (e:Enterprise {{zone: z.code}}) WHERE {_OPERATOR}
      AND EXISTS {{ MATCH (e)-[:FILED]->(f:Filing)
                   WHERE f.kind IN $cbec_kinds AND $year_ago < f.filedOn <= $to }}
      AND NOT EXISTS {{ MATCH (e)-[:FILED]->(f:Filing)
                       WHERE f.kind IN $cbec_kinds AND f.filedOn <= $year_ago }}
  }} AS newCbecEnterprises,
  COUNT {{
    MATCH (b:IndustryBelt)-[:BELT_OF]->(z)
    WHERE COUNT {{ MATCH (e:Enterprise)-[:IN_BELT]->(b) WHERE {_CBEC_OPERATOR} }} >= $belt_min
  }} AS industryBelts,
  declaredCents
ORDER BY zone
"""
