"""Joint punishment and incentives computed on the real graph, stored with their history.

Each graph is built by hand and the expected coverage (who, through which path, with which
measures and legal basis, for which dates) is worked out here from `hub/credit/joint_rules.json`
(2026.2: no reach into other enterprises, persons only where a law covers them).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from graph_kit import DATABASE
from joint_kit import JOINT_GRAPH, USCCS, u
from neo4j import AsyncDriver
from neo4j.time import Date

from hub.credit import load_model
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer

AS_OF = dt.date(2026, 11, 1)


def recomputer(driver: AsyncDriver) -> CreditRecomputer:
    return CreditRecomputer(driver, DATABASE, load_model(), load_joint_rules(), chunk_size=2)


async def run(driver: AsyncDriver, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = await driver.execute_query(query, params, database_=DATABASE)
    return [record.data() for record in records]


async def coverage(driver: AsyncDriver, kind: str = "PUNISHMENT") -> dict[str, dict[str, Any]]:
    """Coverage rows by subject key, with their path decoded."""
    rows = await run(
        driver,
        "MATCH (c:ListCoverage {kind: $kind}) RETURN c {.*} AS c ORDER BY c.id",
        kind=kind,
    )
    found = {}
    for row in rows:
        c = row["c"]
        c["path"] = [(s["label"], s["key"], s["relationship"]) for s in json.loads(c["path"])]
        c["measures"] = json.loads(c["measures"])
        found[c["subjectKey"]] = c
    return found


async def test_an_entry_covers_the_listed_subject_and_the_persons_a_law_covers_only(
    graph: AsyncDriver,
) -> None:
    await run(graph, JOINT_GRAPH, u=USCCS)
    await recomputer(graph).recompute_all(AS_OF)

    covered = await coverage(graph)
    # SD-1: E0 and Wang; CT-1: E4 and Sun; CT-2: Qian. Not Li (60% of E0: no shareholder is
    # covered), not Zhao (a supervisor), not E1 (Wang holds all of it and represents it: no
    # reach without a legal basis), nothing for the abnormal operation entry AB-1
    assert sorted(covered) == sorted([u(0), "wang", u(4), "sun", "qian"])
    assert {c["cause"] for c in covered.values()} == {"SD-1", "CT-1", "CT-2"}
    for row in covered.values():  # E1 is no subject and on no path
        assert u(1) not in [key for _, key, _ in row["path"]]

    listed, wang = covered[u(0)], covered["wang"]
    assert listed["subjectRole"] == "ENTERPRISE" and listed["depth"] == 0
    assert listed["path"] == [("ListEntry", "SD-1", "LISTED"), ("Enterprise", u(0), None)]
    assert sorted(listed["measures"]) == ["BANK", "COMMERCE", "ZONE_ADMIN"]
    [bank] = listed["measures"]["BANK"]
    assert bank["measure"] == "loans priced for the risk, or restricted"
    assert "33号" in bank["basis"]
    assert listed["rulesVersion"] == "2026.3"

    assert wang["subjectType"] == "PERSON" and wang["subjectRole"] == "PERSON"
    assert wang["relation"] == "legal representative of the listed enterprise"
    assert wang["path"] == [
        ("ListEntry", "SD-1", "LISTED"),
        ("Enterprise", u(0), "LEGAL_REPRESENTATIVE_OF"),
        ("Person", "wang", None),
    ]
    assert [m["measure"] for m in wang["measures"]["COMMERCE"]] == [
        "honours revoked; not eligible for commendation"
    ]
    assert sorted(wang["measures"]) == ["COMMERCE"]
    # every stored measure carries its own basis
    for row in covered.values():
        for items in row["measures"].values():
            assert items and all(m["measure"] and m["basis"].strip() for m in items)
    # SD-1's rows run from the listing to the entry's expiry
    for key in (u(0), "wang"):
        row = covered[key]
        assert (row["validFrom"].to_native(), row["validUntil"].to_native()) == (
            dt.date(2026, 3, 1),
            dt.date(2029, 3, 1),
        )
        assert row.get("withdrawnOn") is None


async def test_the_court_holds_the_high_consumption_restriction_and_the_zone_none(
    graph: AsyncDriver,
) -> None:
    await run(graph, JOINT_GRAPH, u=USCCS)
    await recomputer(graph).recompute_all(AS_OF)
    covered = await coverage(graph)

    debtor, sun, qian = covered[u(4)], covered["sun"], covered["qian"]
    assert sun["relation"] == "legal representative of the listed enterprise"
    # the legal representative of the unit debtor and the listed natural person: the court's
    # restriction, nothing else
    for person in (sun, qian):
        assert sorted(person["measures"]) == ["COURT"]
        [restriction] = person["measures"]["COURT"]
        assert restriction["measure"].startswith("restricted from high consumption")
        assert "art. 3" in restriction["basis"]
    assert qian["subjectRole"] == "PERSON" and qian["path"] == [
        ("ListEntry", "CT-2", "LISTED"),
        ("Person", "qian", None),
    ]
    # the unit debtor is restricted by the court too; the zone administration keeps only its
    # own measures (procurement, subsidies), none on consumption
    [court] = debtor["measures"]["COURT"]
    assert court["measure"].startswith("restricted from high consumption")
    assert [m["measure"] for m in debtor["measures"]["ZONE_ADMIN"]] == [
        "refused in government procurement",
        "restricted from government support and subsidies",
    ]


async def test_an_abnormal_operation_entry_covers_nobody_and_old_coverage_of_it_is_withdrawn(
    graph: AsyncDriver,
) -> None:
    await run(graph, JOINT_GRAPH, u=USCCS)
    # coverage an earlier rule set derived from AB-1 (it sat on the punishment list then)
    await run(
        graph,
        """MATCH (e:Enterprise {uscc: $e3}), (l:ListEntry {id: 'AB-1'})
           CREATE (e)-[:COVERED_BY]->(c:ListCoverage {id: 'P-old-ab', kind: 'PUNISHMENT',
             list: 'ABNORMAL_OPERATION', cause: 'AB-1', department: 'SAMR',
             subjectType: 'ENTERPRISE', subjectKey: $e3, subjectName: 'E3',
             subjectRole: 'ENTERPRISE', relation: 'on the list', zone: 'KAIFENG', depth: 0,
             validFrom: date('2026-05-01'), path: '[]', evidence: ['AB-1'],
             measures: '{"CUSTOMS": ["enhanced document review"]}', departments: ['CUSTOMS'],
             basis: 'old', rulesVersion: '2026.1'})-[:CAUSED_BY]->(l)""",
        e3=u(3),
    )
    await recomputer(graph).recompute_all(AS_OF)
    rows = await run(
        graph,
        "MATCH (c:ListCoverage {list: 'ABNORMAL_OPERATION'})"
        " RETURN c.id AS id, c.withdrawnOn AS withdrawn",
    )
    assert rows == [{"id": "P-old-ab", "withdrawn": Date(2026, 11, 1)}]  # kept, withdrawn
    entries = await run(
        graph, "MATCH (:Enterprise {uscc: $e3})-[:LISTED]->(l) RETURN l.id AS id", e3=u(3)
    )
    assert entries == [{"id": "AB-1"}]  # the entry itself stays


async def test_removal_ends_coverage_and_a_broken_tie_withdraws_it_with_history_kept(
    graph: AsyncDriver,
) -> None:
    await run(graph, JOINT_GRAPH, u=USCCS)
    engine = recomputer(graph)
    await engine.recompute_all(AS_OF)

    # Wang's last day as E0's representative is 2026-11-09: his coverage is withdrawn on the 10th
    await run(
        graph,
        "MATCH (:Person {personKey: 'wang'})-[r:LEGAL_REPRESENTATIVE_OF]->(:Enterprise {uscc: $e0})"
        " SET r.until = date('2026-11-09')",
        e0=u(0),
    )
    later = dt.date(2026, 11, 10)
    report = await engine.recompute_affected([u(0)], ["wang"], later)
    assert report.withdrawn == 1
    covered = await coverage(graph)
    assert covered["wang"]["withdrawnOn"].to_native() == later
    assert covered[u(0)].get("withdrawnOn") is None

    # the department removes the entry on 2026-12-01: every row ends then, none is deleted
    await run(graph, "MATCH (l:ListEntry {id: 'SD-1'}) SET l.removedOn = date('2026-12-01')")
    await engine.recompute_affected([u(0)], [], dt.date(2026, 12, 2))
    covered = await coverage(graph)
    sd = {key: row for key, row in covered.items() if row["cause"] == "SD-1"}
    assert sorted(sd) == sorted([u(0), "wang"])
    assert {row["validUntil"].to_native() for row in sd.values()} == {dt.date(2026, 12, 1)}


async def test_ratings_are_stored_with_history_only_when_they_change(graph: AsyncDriver) -> None:
    await run(graph, JOINT_GRAPH, u=USCCS)
    engine = recomputer(graph)
    first = await engine.recompute_all(AS_OF)
    assert first.ratings_written == 5
    again = await engine.recompute_all(AS_OF)
    assert again.ratings_written == 0  # same facts, same rating: no new history

    # a serious tax penalty for E2 changes its rating: a second Rating, the first superseded
    await run(
        graph,
        "MATCH (e:Enterprise {uscc: $e2}) CREATE (e)-[:PENALISED]->(:Penalty {id: 'P-1',"
        " department: 'TAX', severity: 'SERIOUS', decidedOn: date('2026-10-01'),"
        " publicUntil: date('2027-10-01'), amountCny: 1000.0})",
        e2=u(2),
    )
    await engine.recompute_affected([u(2)], [], AS_OF)
    history = await run(
        graph,
        "MATCH (e:Enterprise {uscc: $e2})-[:RATED]->(r:Rating)"
        " OPTIONAL MATCH (e)-[:CURRENT_RATING]->(current)"
        " RETURN r.score AS score, r.grade AS grade, r.supersededAt IS NULL AS open,"
        " current.id = r.id AS current, e.creditScore AS stored ORDER BY r.computedAt",
        e2=u(2),
    )
    assert [(h["open"], h["current"]) for h in history] == [(False, False), (True, True)]
    assert history[1]["score"] < history[0]["score"]
    assert history[1]["stored"] == history[1]["score"]
