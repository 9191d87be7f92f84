"""A hand-built graph for the joint-list tests, with the rules' expected reach worked out."""

from __future__ import annotations

from graph_schema.uscc import make_uscc


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"JL{i:06d}")


# E0 is on the serious dishonesty list; Wang is its legal representative and also represents
# E1; Li holds 60% of E0 and 30% of E2 (no control); Zhao is E0's supervisor (not a covered
# role); E1 holds 70% of E3 (depth 2: not reached at depth 1).
PROPAGATION = """
UNWIND range(0, 3) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'E' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $u[0]}), (e1:Enterprise {uscc: $u[1]}),
      (e2:Enterprise {uscc: $u[2]}), (e3:Enterprise {uscc: $u[3]})
CREATE (wang:Person {personKey: 'wang', name: 'Wang Wei'}),
       (li:Person {personKey: 'li', name: 'Li Na'}),
       (zhao:Person {personKey: 'zhao', name: 'Zhao Lei'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2021-01-01')}]->(e1),
       (li)-[:SHAREHOLDER_OF {ratio: 0.6, since: date('2020-01-01')}]->(e0),
       (li)-[:SHAREHOLDER_OF {ratio: 0.3, since: date('2020-01-01')}]->(e2),
       (zhao)-[:OFFICER_OF {role: 'SUPERVISOR', since: date('2020-01-01')}]->(e0),
       (e1)-[:SHAREHOLDER_OF {ratio: 0.7, since: date('2021-01-01')}]->(e3)
CREATE (e0)-[:LISTED]->(:ListEntry {id: 'SD-1', list: 'SERIOUS_DISHONESTY',
        department: 'SAMR', listedOn: date('2026-03-01'), expiresOn: date('2029-03-01')})
"""
