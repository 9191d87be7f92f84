"""The person factor model: its file's validation and the level it gives hand-built facts.

Expected points and levels are worked out here from the packaged person_model.json (2026.1):
own entry COURT 60 (forces RESTRICTED), joint measures 40 each (forces), a role in a listed
enterprise 15 (serious dishonesty) or 5 (abnormal operation, SAFE class C) per enterprise,
cap 45, a revoked enterprise represented 20, a grade D enterprise 10; levels CLEAR 0,
ATTENTION from 1, CONCERN from 40.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from hub.credit.facts import PathStep
from hub.persons.assess import assess, person_first
from hub.persons.facts import PersonFacts
from hub.persons.model import (
    DEFAULT_PERSON_MODEL_PATH,
    PersonModelError,
    load_person_model,
    person_model_from_data,
)

MODEL = load_person_model()
AS_OF = dt.date(2026, 11, 1)


def facts(**values: Any) -> PersonFacts:
    return PersonFacts.model_validate(
        {"personKey": "p1", "name": "Li Lei", "asOf": AS_OF, **values}
    )


def role(uscc: str, relationship: str = "SHAREHOLDER_OF", **values: Any) -> dict[str, Any]:
    return {"relationship": relationship, "uscc": uscc, "name": f"{uscc} Co.", **values}


def entry(id: str, kind: str, listed: str = "2026-01-01", **values: Any) -> dict[str, Any]:
    return {
        "id": id,
        "list": kind,
        "department": "SAMR",
        "listedOn": dt.date.fromisoformat(listed),
        **values,
    }


def coverage(cause: str, path: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    return {
        "id": f"P-{cause}",
        "kind": "PUNISHMENT",
        "list": "SERIOUS_DISHONESTY",
        "cause": cause,
        "department": "SAMR",
        "subjectType": "PERSON",
        "subjectKey": "p1",
        "subjectRole": "PERSON",
        "relation": "legal representative of the listed enterprise",
        "depth": 0,
        "validFrom": dt.date(2026, 1, 1),
        "path": json.dumps([{"label": a, "key": b, "relationship": c} for a, b, c in path]),
        "measures": {"COMMERCE": [{"measure": "honours revoked", "basis": "33号"}]},
        "basis": "list basis",
        "rulesVersion": "2026.3",
    }


def test_the_packaged_model_loads_with_its_levels_in_order() -> None:
    assert MODEL.version == "2026.1"
    assert MODEL.order == ("CLEAR", "ATTENTION", "CONCERN", "RESTRICTED")


def _packaged() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_PERSON_MODEL_PATH.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["levels"][0].update(min=5), "the first level must start at 0 points"),
        (lambda d: d["levels"][2].update(min=1), "each level must start above the one before"),
        (
            lambda d: d["factors"]["own_list_entry"]["points"].update(RED_LIST=10),
            "RED_LIST is an incentive",
        ),
        (lambda d: d["restricted"].update(level="BLOCKED"), "restricted.level: must be RESTRICTED"),
        (lambda d: d["factors"]["joint_measures"].update(points=-1), "joint_measures.points"),
        (
            lambda d: d["factors"]["role_in_listed_enterprise"]["points"].update(NO_SUCH=1),
            "NO_SUCH",
        ),
    ],
)
def test_a_broken_model_is_refused_naming_the_problem(change: Any, problem: str) -> None:
    data = copy.deepcopy(_packaged())
    change(data)
    with pytest.raises(PersonModelError, match=r"person model test\.json") as refused:
        person_model_from_data(data, "test.json")
    assert problem in str(refused.value)


def test_nothing_is_clear() -> None:
    assessed = assess(MODEL, facts())
    assert (assessed.level, assessed.forced_by, assessed.factors) == ("CLEAR", None, ())


def test_a_role_in_an_enterprise_on_a_list_that_does_not_cover_him_is_attention() -> None:
    listed = role(
        "E1",
        ratio=0.3,
        since=dt.date(2021, 1, 1),
        entries=[entry("AB-1", "ABNORMAL_OPERATION"), entry("SC-1", "SAFE_CLASS_C")],
    )
    assessed = assess(MODEL, facts(roles=[listed]))
    assert assessed.level == "ATTENTION"
    [factor] = assessed.factors
    # per enterprise its strongest entry: 5, not 5 + 5
    assert (factor.code, factor.points, factor.evidence) == (
        "ROLE_IN_LISTED_ENTERPRISE",
        5,
        ("AB-1", "SC-1"),
    )
    assert factor.paths[0] == (
        PathStep("Person", "p1", "SHAREHOLDER_OF"),
        PathStep("Enterprise", "E1", "LISTED"),
        PathStep("ListEntry", "AB-1"),
    )


def test_small_holdings_past_ties_and_ended_entries_do_not_count() -> None:
    assessed = assess(
        MODEL,
        facts(
            roles=[
                role("E1", ratio=0.1, entries=[entry("SD-1", "SERIOUS_DISHONESTY")]),
                role(
                    "E2",
                    "OFFICER_OF",
                    role="DIRECTOR",
                    until=dt.date(2025, 12, 31),
                    entries=[entry("SD-2", "SERIOUS_DISHONESTY")],
                ),
                role(
                    "E3",
                    "LEGAL_REPRESENTATIVE_OF",
                    entries=[entry("SD-3", "SERIOUS_DISHONESTY", removedOn=dt.date(2026, 6, 1))],
                ),
                role(
                    "E4",
                    "OFFICER_OF",
                    role="MANAGER",
                    grade={"grade": "C", "score": 50, "asOf": AS_OF},
                ),
            ],
            entries=[entry("CT-0", "COURT_DISHONEST_DEBTOR", expiresOn=dt.date(2026, 10, 1))],
        ),
    )
    assert (assessed.level, assessed.factors) == ("CLEAR", ())


def test_roles_in_three_listed_enterprises_reach_concern_at_the_cap() -> None:
    roles = [
        role(f"E{i}", ratio=0.5, entries=[entry(f"SD-{i}", "SERIOUS_DISHONESTY")]) for i in range(4)
    ]
    assessed = assess(MODEL, facts(roles=roles))
    [factor] = assessed.factors
    assert factor.points == 45  # 4 x 15 = 60, capped at 45
    assert (assessed.level, assessed.label) == ("CONCERN", "重点关注")


def test_a_measure_covering_him_forces_restricted_with_the_path_person_first() -> None:
    path = [
        ("ListEntry", "SD-1", "LISTED"),
        ("Enterprise", "E1", "LEGAL_REPRESENTATIVE_OF"),
        ("Person", "p1", None),
    ]
    listed = role("E1", "LEGAL_REPRESENTATIVE_OF", entries=[entry("SD-1", "SERIOUS_DISHONESTY")])
    assessed = assess(MODEL, facts(roles=[listed], coverage=[coverage("SD-1", path)]))
    assert (assessed.level, assessed.forced_by) == ("RESTRICTED", "JOINT_MEASURES")
    # the covering entry is not counted again as a role in a listed enterprise
    [factor] = assessed.factors
    assert (factor.code, factor.points, factor.evidence) == ("JOINT_MEASURES", 40, ("SD-1",))
    assert factor.paths == (
        (
            PathStep("Person", "p1", "LEGAL_REPRESENTATIVE_OF"),
            PathStep("Enterprise", "E1", "LISTED"),
            PathStep("ListEntry", "SD-1"),
        ),
    )


def test_his_own_court_listing_forces_restricted() -> None:
    assessed = assess(MODEL, facts(entries=[entry("CT-1", "COURT_DISHONEST_DEBTOR")]))
    assert (assessed.level, assessed.forced_by) == ("RESTRICTED", "OWN_LIST_ENTRY")
    [factor] = assessed.factors
    assert (factor.points, factor.paths) == (
        60,
        ((PathStep("Person", "p1", "LISTED"), PathStep("ListEntry", "CT-1")),),
    )


@pytest.mark.parametrize(
    ("revoked_on", "until", "counted"),
    [
        (dt.date(2025, 10, 1), None, True),  # represented it then, 13 months ago
        (dt.date(2025, 10, 1), dt.date(2025, 9, 30), False),  # left the day before
        (dt.date(2023, 10, 1), None, False),  # 37 months ago: outside the 36
        (dt.date(2023, 11, 2), None, True),  # just inside
    ],
)
def test_a_revoked_enterprise_counts_for_its_representative_within_the_window(
    revoked_on: dt.date, until: dt.date | None, counted: bool
) -> None:
    revoked = role(
        "E9",
        "LEGAL_REPRESENTATIVE_OF",
        since=dt.date(2020, 1, 1),
        until=until,
        status="REVOKED",
        statusSince=revoked_on,
    )
    assessed = assess(MODEL, facts(roles=[revoked]))
    found = [(f.code, f.points, f.evidence) for f in assessed.factors]
    assert found == ([("ROLE_IN_REVOKED_ENTERPRISE", 20, ("E9",))] if counted else [])
    assert assessed.level == ("ATTENTION" if counted else "CLEAR")


def test_a_grade_d_enterprise_counts_only_while_the_role_holds() -> None:
    d = {"grade": "D", "score": 30, "asOf": AS_OF}
    current = role("E5", "OFFICER_OF", role="MANAGER", grade=d)
    past = role("E6", "OFFICER_OF", role="MANAGER", grade=d, until=dt.date(2026, 10, 31))
    [factor] = assess(MODEL, facts(roles=[current, past])).factors
    assert (factor.code, factor.points, factor.evidence) == (
        "ROLE_IN_LOW_GRADE_ENTERPRISE",
        10,
        ("E5",),
    )


def test_person_first_reverses_a_stored_path_with_the_graphs_directions() -> None:
    stored = (PathStep("ListEntry", "CT-2", "LISTED"), PathStep("Person", "p1"))
    assert person_first(stored) == (
        PathStep("Person", "p1", "LISTED"),
        PathStep("ListEntry", "CT-2"),
    )
