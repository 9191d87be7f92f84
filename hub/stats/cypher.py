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

# Per zone on $to: its operators (`_OPERATOR`), the value declared in the 12 months up to it,
# its industry belts, and enterprises registered in those 12 months.
ZONE_FIGURES: Final = f"""
MATCH (z:Zone) WHERE $zone IS NULL OR z.code = $zone
RETURN z.code AS zone,
  COUNT {{ MATCH (e:Enterprise {{zone: z.code}}) WHERE {_OPERATOR} }} AS operators,
  COUNT {{ MATCH (e:Enterprise {{zone: z.code}}) WHERE $year_ago < e.registeredOn <= $to }}
    AS newEnterprises,
  COUNT {{ MATCH (:IndustryBelt)-[:BELT_OF]->(z) }} AS industryBelts,
  reduce(total = 0.0, v IN COLLECT {{
    MATCH (e:Enterprise {{zone: z.code}})-[:DECLARED]->(d:Declaration)
    WHERE $year_ago < d.declaredOn <= $to RETURN d.valueCny }} | total + v) AS annualValue
ORDER BY zone
"""
