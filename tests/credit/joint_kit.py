"""A hand-built graph for the joint-list tests, with the rules' expected coverage worked out."""

from __future__ import annotations

from graph_schema.uscc import make_uscc


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"JL{i:06d}")


USCCS = [u(i) for i in range(5)]

# E0 is on the serious dishonesty list (SD-1); Wang is its legal representative and also
# represents and holds 100% of E1; Li holds 60% of E0 and 30% of E2; Zhao is E0's supervisor
# (not a covered role); E1 holds 70% of E3. E3 is on the abnormal operation list (AB-1, a
# registry flag). E4 is a dishonest judgment debtor (CT-1) whose legal representative is Sun;
# Qian, a natural person, is one too (CT-2).
#
# Under joint rules 2026.2: SD-1 covers E0 and Wang (legal representative) and nobody else: not
# Li (no shareholder is covered), not E1 (no reach into other enterprises); CT-1 covers E4 and
# Sun; CT-2 covers Qian; AB-1 covers nobody.
JOINT_GRAPH = """
UNWIND range(0, 4) AS i
CREATE (:Enterprise {uscc: $u[i], name: 'E' + i, zone: 'KAIFENG', status: 'ACTIVE',
                     registeredOn: date('2020-01-01')})
WITH count(*) AS made
MATCH (e0:Enterprise {uscc: $u[0]}), (e1:Enterprise {uscc: $u[1]}),
      (e2:Enterprise {uscc: $u[2]}), (e3:Enterprise {uscc: $u[3]}),
      (e4:Enterprise {uscc: $u[4]})
CREATE (wang:Person {personKey: 'wang', name: 'Wang Wei'}),
       (li:Person {personKey: 'li', name: 'Li Na'}),
       (zhao:Person {personKey: 'zhao', name: 'Zhao Lei'}),
       (sun:Person {personKey: 'sun', name: 'Sun Yu'}),
       (qian:Person {personKey: 'qian', name: 'Qian Hao'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e0),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2021-01-01')}]->(e1),
       (wang)-[:SHAREHOLDER_OF {ratio: 1.0, since: date('2021-01-01')}]->(e1),
       (li)-[:SHAREHOLDER_OF {ratio: 0.6, since: date('2020-01-01')}]->(e0),
       (li)-[:SHAREHOLDER_OF {ratio: 0.3, since: date('2020-01-01')}]->(e2),
       (zhao)-[:OFFICER_OF {role: 'SUPERVISOR', since: date('2020-01-01')}]->(e0),
       (e1)-[:SHAREHOLDER_OF {ratio: 0.7, since: date('2021-01-01')}]->(e3),
       (sun)-[:LEGAL_REPRESENTATIVE_OF {since: date('2020-01-01')}]->(e4)
CREATE (e0)-[:LISTED]->(:ListEntry {id: 'SD-1', list: 'SERIOUS_DISHONESTY',
        department: 'SAMR', listedOn: date('2026-03-01'), expiresOn: date('2029-03-01')})
CREATE (e3)-[:LISTED]->(:ListEntry {id: 'AB-1', list: 'ABNORMAL_OPERATION',
        department: 'SAMR', listedOn: date('2026-05-01')})
CREATE (e4)-[:LISTED]->(:ListEntry {id: 'CT-1', list: 'COURT_DISHONEST_DEBTOR',
        department: 'COURT', listedOn: date('2026-02-01'), expiresOn: date('2028-02-01')})
CREATE (qian)-[:LISTED]->(:ListEntry {id: 'CT-2', list: 'COURT_DISHONEST_DEBTOR',
        department: 'COURT', listedOn: date('2026-04-01'), expiresOn: date('2028-04-01')})
"""
