"""Joint punishment and incentives computed on the real graph, stored with their history.

Each graph is built by hand and the expected coverage (who, through which path, with which
measures, for which dates) is worked out here from `hub/credit/joint_rules.json`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from graph_kit import DATABASE
from joint_kit import PROPAGATION, u
from neo4j import AsyncDriver

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


async def test_a_list_entry_covers_the_legal_representative_and_what_he_represents(
    graph: AsyncDriver,
) -> None:
    await run(graph, PROPAGATION, u=[u(i) for i in range(4)])
    await recomputer(graph).recompute_all(AS_OF)

    covered = await coverage(graph)
    # E0 itself, Wang (legal representative), Li (60% >= 50%), and E1 through Wang; not Zhao
    # (a supervisor), not E2 (Li holds only 30%), not E3 (depth 2 under a depth-1 rule)
    assert sorted(covered) == sorted([u(0), "wang", "li", u(1)])
    listed, wang, li, related = covered[u(0)], covered["wang"], covered["li"], covered[u(1)]
    assert listed["subjectRole"] == "ENTERPRISE" and listed["depth"] == 0
    assert listed["path"] == [("ListEntry", "SD-1", "LISTED"), ("Enterprise", u(0), None)]
    assert "inspection of 80% or more of declarations" in listed["measures"]["CUSTOMS"]
    assert listed["measures"]["BANK"] == [
        "no new credit",
        "existing credit reviewed for early recall",
    ]

    assert wang["subjectType"] == "PERSON" and wang["subjectRole"] == "PERSON"
    assert wang["relation"] == "legal representative of the listed enterprise"
    assert wang["path"] == [
        ("ListEntry", "SD-1", "LISTED"),
        ("Enterprise", u(0), "LEGAL_REPRESENTATIVE_OF"),
        ("Person", "wang", None),
    ]
    assert "SAMR" in wang["measures"] and "CUSTOMS" not in wang["measures"]
    assert li["relation"] == "holds 60% of the listed enterprise"

    assert related["subjectRole"] == "RELATED_ENTERPRISE" and related["depth"] == 1
    assert related["path"] == [
        ("ListEntry", "SD-1", "LISTED"),
        ("Enterprise", u(0), "LEGAL_REPRESENTATIVE_OF"),
        ("Person", "wang", "LEGAL_REPRESENTATIVE_OF"),
        ("Enterprise", u(1), None),
    ]
    assert related["measures"]["BANK"] == ["enhanced credit review"]
    # every row runs from the listing to the entry's expiry
    for row in covered.values():
        assert (row["validFrom"].to_native(), row["validUntil"].to_native()) == (
            dt.date(2026, 3, 1),
            dt.date(2029, 3, 1),
        )
        assert row.get("withdrawnOn") is None


async def test_removal_ends_coverage_and_a_broken_tie_withdraws_it_with_history_kept(
    graph: AsyncDriver,
) -> None:
    await run(graph, PROPAGATION, u=[u(i) for i in range(4)])
    engine = recomputer(graph)
    await engine.recompute_all(AS_OF)

    # Wang's last day as E1's representative is 2026-11-09: E1's coverage is withdrawn on the 10th
    await run(
        graph,
        "MATCH (:Person {personKey: 'wang'})-[r:LEGAL_REPRESENTATIVE_OF]->(:Enterprise {uscc: $e1})"
        " SET r.until = date('2026-11-09')",
        e1=u(1),
    )
    later = dt.date(2026, 11, 10)
    report = await engine.recompute_affected([u(1)], ["wang"], later)
    assert report.withdrawn == 1
    covered = await coverage(graph)
    assert covered[u(1)]["withdrawnOn"].to_native() == later
    assert covered["wang"].get("withdrawnOn") is None

    # the department removes the entry on 2026-12-01: every row ends then, none is deleted
    await run(graph, "MATCH (l:ListEntry {id: 'SD-1'}) SET l.removedOn = date('2026-12-01')")
    await engine.recompute_affected([u(0)], [], dt.date(2026, 12, 2))
    covered = await coverage(graph)
    assert sorted(covered) == sorted([u(0), "wang", "li", u(1)])
    assert {row["validUntil"].to_native() for row in covered.values()} == {dt.date(2026, 12, 1)}


async def test_ratings_are_stored_with_history_only_when_they_change(graph: AsyncDriver) -> None:
    await run(graph, PROPAGATION, u=[u(i) for i in range(4)])
    engine = recomputer(graph)
    first = await engine.recompute_all(AS_OF)
    assert first.ratings_written == 4
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
