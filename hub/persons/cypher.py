"""Every Cypher read of the person profile, named and parameterised."""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import (
    POSITIONS,
    coverage_applies,
    fact_counts,
    tie_begun,
    tie_not_ended,
)

_ENTRY = "{.id, .list, .department, .listedOn, .expiresOn, .removedOn, .reason}"


# One person on $as_of: their ties to enterprises begun by then, current and past (current
# first, at most $limit + 1, so the reader can tell a cut), each enterprise with its current
# stored rating and its list entries of $lists listed by then (not withdrawn); the entries of
# $lists naming the person; the coverage rows of $lists that apply to the person on $as_of.
PERSON_PROFILE: Final = f"""
MATCH (p:Person {{personKey: $key}})
RETURN p.personKey AS personKey, p.name AS name, p.idMasked AS idMasked,
  COLLECT {{
    MATCH (p)-[r:{POSITIONS}]->(e:Enterprise)
    WHERE {tie_begun("r", "$as_of")}
    WITH r, e, {tie_not_ended("r", "$as_of")} AS current
    ORDER BY current DESC, e.uscc, type(r), r.since
    LIMIT $limit
    RETURN {{relationship: type(r), role: r.role, ratio: r.ratio, since: r.since,
            until: r.until, uscc: e.uscc, name: e.name, status: e.status,
            statusSince: e.statusSince,
            grade: head(COLLECT {{ MATCH (e)-[:CURRENT_RATING]->(g:Rating)
                                  RETURN g {{.grade, .score, .asOf}} }}),
            entries: COLLECT {{ MATCH (e)-[:LISTED]->(l:ListEntry)
                               WHERE l.list IN $lists AND {fact_counts("l", "listedOn", "$as_of")}
                               RETURN l {_ENTRY} ORDER BY l.id }}}}
  }} AS roles,
  COLLECT {{
    MATCH (p)-[:LISTED]->(l:ListEntry)
    WHERE l.list IN $lists AND {fact_counts("l", "listedOn", "$as_of")}
    RETURN l {_ENTRY} ORDER BY l.id
  }} AS entries,
  COLLECT {{
    MATCH (p)-[:COVERED_BY]->(c:ListCoverage)
    WHERE c.list IN $lists AND {coverage_applies("c", "$as_of")}
    RETURN c {{.*}} ORDER BY c.id
  }} AS coverage
"""
