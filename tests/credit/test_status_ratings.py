"""Ratings that know the registry status: an enterprise revoked or deregistered by the rating's
date is not graded (grade N, its score still shown); before that day it is rated as usual.

Numbers from the rating model (hub/credit/model.json): base 80; customs ADVANCED_CERTIFIED +10,
tax A +8, tax D -40 (forces D, the score then held at 39); bands A 90-100, B 70-89, C 40-69,
D 0-39.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from graph_kit import DATABASE
from hypothesis import given
from hypothesis import strategies as st
from neo4j import AsyncDriver

from graph_schema.uscc import make_uscc
from hub.credit import load_model, rate
from hub.credit.facts import ClassificationFact, RatingFacts
from hub.credit.gather import gather_facts
from hub.credit.joint_rules import load_joint_rules
from hub.credit.model import DEFAULT_MODEL_PATH, GRADES, ModelError, model_from_data
from hub.credit.recompute import CreditRecomputer

MODEL = load_model()
AS_OF = dt.date(2026, 11, 1)
REVOKED_ON = dt.date(2026, 5, 1)

Gql = Callable[..., Awaitable[dict[str, Any]]]
"""The `gql` fixture: the hub's /graphql as a regulator."""


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"NG{i:06d}")


def classification(scheme: str, value: str, department: str) -> ClassificationFact:
    return ClassificationFact(
        id=f"CL-{value}",
        department=department,
        scheme=scheme,
        value=value,
        effective_from=dt.date(2024, 1, 1),
    )


AEO = classification("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED", "CUSTOMS")
TAX_A = classification("TAX_CREDIT", "A", "TAX")
TAX_D = classification("TAX_CREDIT", "D", "TAX")


def facts(**changes: Any) -> RatingFacts:
    """An enterprise of 2015, advanced certified and tax A: 80 + 10 + 8 = 98, grade A."""
    base = RatingFacts(
        uscc=u(0),
        as_of=AS_OF,
        registered_on=dt.date(2015, 1, 1),
        classifications=(AEO, TAX_A),
        status="ACTIVE",
    )
    return base.model_copy(update=changes)


def test_an_active_enterprise_with_an_a_score_is_graded_a() -> None:
    rating = rate(MODEL, facts())
    assert (rating.score, rating.grade, rating.forced_by) == (98, "A", None)
    assert [f.code for f in rating.factors] == ["CUSTOMS_ADVANCED_CERTIFIED", "TAX_A"]


def test_a_revoked_enterprise_is_not_graded_and_its_score_is_still_shown() -> None:
    rating = rate(MODEL, facts(status="REVOKED", status_since=REVOKED_ON))
    assert (rating.score, rating.grade, rating.forced_by) == (98, "N", None)
    status = rating.factors[-1]
    assert (status.code, status.points, status.reason) == (
        "STATUS_REVOKED",
        0,
        "registration revoked on 2026-05-01; not graded",
    )
    assert "市场主体登记管理条例" in status.basis and "not confirmed" in status.basis
    assert rating.treatment.name == "not graded: registration revoked or deregistered"


def test_an_enterprise_revoked_after_the_date_is_rated_as_it_stood_then() -> None:
    # the twin: the same revocation, asked as of the day before it took effect
    day_before = REVOKED_ON - dt.timedelta(days=1)
    rating = rate(MODEL, facts(as_of=day_before, status="REVOKED", status_since=REVOKED_ON))
    assert (rating.score, rating.grade) == (98, "A")
    assert "STATUS_REVOKED" not in [f.code for f in rating.factors]
    # and on the day itself it is no longer graded
    on_the_day = facts(as_of=REVOKED_ON, status="REVOKED", status_since=REVOKED_ON)
    assert rate(MODEL, on_the_day).grade == "N"


def test_a_deregistered_enterprise_with_a_forcing_factor_is_n_not_d() -> None:
    # 80 + 10 - 40 = 50: a tax D would force D at 39; not graded, the score is the plain sum
    rating = rate(
        MODEL,
        facts(classifications=(AEO, TAX_D), status="DEREGISTERED", status_since=REVOKED_ON),
    )
    assert (rating.score, rating.grade, rating.forced_by) == (50, "N", None)
    assert rating.factors[-1].code == "STATUS_DEREGISTERED"
    assert rating.factors[-1].reason == "registration deregistered on 2026-05-01; not graded"


def test_a_young_revoked_enterprise_is_n_with_no_m_reasons() -> None:
    young = facts(
        registered_on=dt.date(2026, 3, 1),
        classifications=(),
        status="REVOKED",
        status_since=REVOKED_ON,
    )
    rating = rate(MODEL, young)
    assert rating.grade == "N"
    assert [f.code for f in rating.factors] == ["STATUS_REVOKED"]


def test_a_revocation_recorded_without_its_day_is_not_graded() -> None:
    rating = rate(MODEL, facts(status="REVOKED"))
    assert rating.grade == "N"
    assert rating.factors[-1].reason == "registration revoked (day not recorded); not graded"


def test_an_abnormal_enterprise_is_graded() -> None:
    rating = rate(MODEL, facts(status="ABNORMAL", status_since=REVOKED_ON))
    assert rating.grade == "A"


@given(
    customs=st.sampled_from(["ADVANCED_CERTIFIED", "ROUTINE", "DISHONEST", None]),
    tax=st.sampled_from(["A", "B", "M", "C", "D", None]),
    status=st.sampled_from(["REVOKED", "DEREGISTERED"]),
    days_before=st.integers(0, 3000),
)
def test_a_revoked_or_deregistered_enterprise_is_never_graded_a(
    customs: str | None, tax: str | None, status: str, days_before: int
) -> None:
    found = []
    if customs is not None:
        found.append(classification("CUSTOMS_CREDIT", customs, "CUSTOMS"))
    if tax is not None:
        found.append(classification("TAX_CREDIT", tax, "TAX"))
    since = max(dt.date(2015, 1, 1), AS_OF - dt.timedelta(days=days_before))
    rating = rate(MODEL, facts(classifications=tuple(found), status=status, status_since=since))
    assert rating.grade == "N"


def test_every_grade_has_a_treatment_and_a_label_including_n() -> None:
    assert GRADES == ("A", "B", "C", "D", "M", "N")
    assert MODEL.treatments["N"].name == "not graded: registration revoked or deregistered"
    assert "N" in MODEL.composite.labels


def test_a_model_that_would_not_grade_active_enterprises_is_refused() -> None:
    data = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    data["not_graded"]["ACTIVE"] = {"basis": "none"}
    with pytest.raises(ModelError, match="an ACTIVE registration is always graded"):
        model_from_data(data)
    # the allowed twin: the packaged statuses load
    del data["not_graded"]["ACTIVE"]
    assert set(model_from_data(data).not_graded) == {"REVOKED", "DEREGISTERED"}


# --- on the graph ---------------------------------------------------------------------------

GRAPH = """
UNWIND $rows AS row
CREATE (e:Enterprise {uscc: row.uscc, name: row.uscc, zone: 'KAIFENG', status: row.status,
                      statusSince: row.since, registeredOn: date('2015-01-01')})
CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'AEO-' + row.uscc, department: 'CUSTOMS',
        scheme: 'CUSTOMS_CREDIT', value: 'ADVANCED_CERTIFIED', effectiveFrom: date('2024-01-01')})
CREATE (e)-[:CLASSIFIED]->(:Classification {id: 'TAX-' + row.uscc, department: 'TAX',
        scheme: 'TAX_CREDIT', value: 'A', effectiveFrom: date('2024-01-01')})
"""

DECLARATIONS = """
MATCH (e:Enterprise {uscc: $u})
UNWIND $declarations AS d
CREATE (e)-[:DECLARED]->(:Declaration {id: d[0], direction: d[1], mode: '9710',
        declaredOn: d[2], valueCny: 100.0})
"""


async def build(graph: AsyncDriver) -> None:
    rows = [
        {"uscc": u(0), "status": "ACTIVE", "since": None},
        {"uscc": u(1), "status": "REVOKED", "since": REVOKED_ON},
        {"uscc": u(2), "status": "DEREGISTERED", "since": dt.date(2026, 12, 1)},
    ]
    await graph.execute_query(GRAPH, rows=rows, database_=DATABASE)


async def test_gather_reads_the_status_its_day_and_the_first_export(graph: AsyncDriver) -> None:
    await build(graph)
    await graph.execute_query(
        DECLARATIONS,
        u=u(0),
        declarations=[
            ["IMP-1", "IMPORT", dt.date(2023, 2, 1)],  # an import is not an export
            ["EXP-1", "EXPORT", dt.date(2024, 6, 3)],
            ["EXP-2", "EXPORT", dt.date(2025, 1, 9)],
        ],
        database_=DATABASE,
    )
    await graph.execute_query(
        DECLARATIONS,
        u=u(1),
        declarations=[["EXP-LATE", "EXPORT", dt.date(2026, 12, 1)]],  # after as_of
        database_=DATABASE,
    )
    found = await gather_facts(graph, DATABASE, [u(0), u(1), u(2)], AS_OF, MODEL)
    assert (found[u(0)].status, found[u(0)].status_since) == ("ACTIVE", None)
    assert (found[u(1)].status, found[u(1)].status_since) == ("REVOKED", REVOKED_ON)
    assert found[u(2)].status_since == dt.date(2026, 12, 1)
    assert found[u(0)].first_export_on == dt.date(2024, 6, 3)
    assert found[u(1)].first_export_on is None  # its only export is after as_of
    # as of a later day, that export counts
    later = await gather_facts(graph, DATABASE, [u(1)], dt.date(2026, 12, 31), MODEL)
    assert later[u(1)].first_export_on == dt.date(2026, 12, 1)


async def test_stored_ratings_and_the_profile_say_not_graded(graph: AsyncDriver, gql: Gql) -> None:
    await build(graph)
    await CreditRecomputer(graph, DATABASE, MODEL, load_joint_rules()).recompute_all(AS_OF)
    records, _, _ = await graph.execute_query(
        "MATCH (e:Enterprise)-[:CURRENT_RATING]->(r:Rating) "
        "RETURN e.uscc AS uscc, r.grade AS grade, r.score AS score ORDER BY uscc",
        database_=DATABASE,
    )
    # u(2) is deregistered only from 2026-12-01: as of 2026-11-01 it is still graded
    assert {r["uscc"]: (r["grade"], r["score"]) for r in records} == {
        u(0): ("A", 98),
        u(1): ("N", 98),
        u(2): ("A", 98),
    }

    query = """query($u: String!, $d: Date) {
      creditProfile(uscc: $u, asOf: $d) { grade score forcedBy treatment { name }
                                          factors { code points reason } }
    }"""
    revoked = (await gql(query, u=u(1), d=AS_OF.isoformat()))["data"]["creditProfile"]
    assert (revoked["grade"], revoked["score"], revoked["forcedBy"]) == ("N", 98, None)
    assert revoked["treatment"]["name"] == "not graded: registration revoked or deregistered"
    assert revoked["factors"][-1] == {
        "code": "STATUS_REVOKED",
        "points": 0,
        "reason": "registration revoked on 2026-05-01; not graded",
    }
    before = (await gql(query, u=u(1), d="2026-04-30"))["data"]["creditProfile"]
    assert (before["grade"], before["score"]) == ("A", 98)

    stats = await gql(
        """query { statistics(from: "2026-01-01", to: "2026-11-01", groupBy: MODE) {
             gradeDistribution { grade count } } }"""
    )
    assert stats["data"]["statistics"]["gradeDistribution"] == [
        {"grade": "A", "count": 2},
        {"grade": "N", "count": 1},
    ]
