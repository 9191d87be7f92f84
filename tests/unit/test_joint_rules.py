"""The joint rules file and the coverage derivation, without a database."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from hub.credit.coverage import (
    ControlLink,
    ListedEntry,
    Responsible,
    incentive_coverage,
    punishment_coverage,
)
from hub.credit.facts import ClassificationFact, ListEntryFact, PenaltyFact, RatingFacts
from hub.credit.joint_rules import (
    DEFAULT_JOINT_RULES_PATH,
    JointRulesError,
    joint_rules_from_data,
    load_joint_rules,
)

RULES = load_joint_rules()


def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DEFAULT_JOINT_RULES_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def test_the_packaged_rules_load_with_every_department_that_has_measures() -> None:
    assert RULES.version == "2026.1"
    assert RULES.departments == ("CUSTOMS", "TAX", "SAFE", "COMMERCE", "SAMR", "BANK", "ZONE_ADMIN")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["punishment"].pop("TAX_MAJOR_VIOLATION"), "no rule for TAX_MAJOR_VIOLATION"),
        (
            lambda d: d["punishment"].__setitem__("RED_LIST", d["punishment"]["SAFE_CLASS_C"]),
            "RED_LIST is an incentive list",
        ),
        (
            lambda d: d["punishment"]["SAFE_CLASS_C"].__setitem__("propagation_depth", 3),
            "propagation_depth",
        ),
        (
            lambda d: d["punishment"]["SAFE_CLASS_C"]["measures"]["ENTERPRISE"].__setitem__(
                "POLICE", ["x"]
            ),
            "POLICE",
        ),
        (
            lambda d: d["incentive"]["criteria"].__setitem__("customs_tier", "GOLD"),
            "unknown customs tier GOLD",
        ),
        (
            lambda d: d["punishment"]["ABNORMAL_OPERATION"]["measures"].pop("ENTERPRISE"),
            "the listed enterprise (ENTERPRISE) needs measures",
        ),
    ],
)
def test_a_broken_rules_file_is_refused_with_the_problem_named(change: Any, named: str) -> None:
    broken = data()
    change(broken)
    with pytest.raises(JointRulesError) as error:
        joint_rules_from_data(broken, "rules.json")
    assert "rules.json" in str(error.value) and named in str(error.value)


def entry(**changes: Any) -> ListedEntry:
    values: dict[str, Any] = {
        "id": "L1",
        "list": "SERIOUS_DISHONESTY",
        "department": "SAMR",
        "listed_on": dt.date(2026, 1, 1),
        "expires_on": dt.date(2029, 1, 1),
        "removed_on": None,
        "subject_type": "ENTERPRISE",
        "key": "E0",
        "name": "E0 Co.",
        "zone": "KAIFENG",
        "responsible": (
            Responsible("PERSON", "wang", "Wang", "LEGAL_REPRESENTATIVE_OF"),
            Responsible("PERSON", "wang", "Wang", "OFFICER_OF", role="GENERAL_MANAGER"),
            Responsible("ENTERPRISE", "H", "Holding Co.", "SHAREHOLDER_OF", ratio=0.7),
            Responsible("PERSON", "zhao", "Zhao", "OFFICER_OF", role="SUPERVISOR"),
        ),
    }
    return ListedEntry(**(values | changes))


def test_reach_follows_the_rule_depth_and_stops_at_the_listed_enterprise() -> None:
    controls = {
        "wang": (
            ControlLink("E0", "E0 Co.", "KAIFENG", "LEGAL_REPRESENTATIVE_OF"),
            ControlLink("E1", "E1 Co.", "XINXIANG", "LEGAL_REPRESENTATIVE_OF"),
        ),
        "E1": (ControlLink("E2", "E2 Co.", "XINXIANG", "SHAREHOLDER_OF", ratio=0.8),),
    }
    rows = {
        (c.subject_type, c.subject_key): c for c in punishment_coverage(RULES, entry(), controls)
    }
    # Wang once (legal representative beats officer), the 70% holder, E1 at depth 1; not
    # Zhao (a supervisor) and not E2 (depth 2 under a depth-1 rule)
    assert sorted(rows) == [
        ("ENTERPRISE", "E0"),
        ("ENTERPRISE", "E1"),
        ("ENTERPRISE", "H"),
        ("PERSON", "wang"),
    ]
    assert rows[("PERSON", "wang")].relation == "legal representative of the listed enterprise"
    assert rows[("ENTERPRISE", "H")].subject_role == "RELATED_ENTERPRISE"
    assert rows[("ENTERPRISE", "E1")].zone == "XINXIANG" and rows[("ENTERPRISE", "E1")].depth == 1

    deeper = data()
    deeper["punishment"]["SERIOUS_DISHONESTY"]["propagation_depth"] = 2
    two = punishment_coverage(joint_rules_from_data(deeper), entry(), controls)
    [e2] = [c for c in two if c.subject_key == "E2"]
    assert (e2.depth, [s.key for s in e2.path]) == (2, ["L1", "E0", "wang", "E1", "E2"])


def test_a_listed_person_reaches_what_he_represents() -> None:
    court = entry(
        list="COURT_DISHONEST_DEBTOR",
        department="COURT",
        subject_type="PERSON",
        key="li",
        name="Li",
        zone=None,
        responsible=(),
    )
    rows = punishment_coverage(
        RULES, court, {"li": (ControlLink("E5", "E5", None, "LEGAL_REPRESENTATIVE_OF"),)}
    )
    # the court list has depth 0: the person alone, with the person's measures
    assert [(c.subject_key, c.subject_role) for c in rows] == [("li", "PERSON")]
    assert "ZONE_ADMIN" in rows[0].measures


def test_coverage_runs_from_listing_to_the_earlier_of_removal_and_expiry() -> None:
    [row] = [
        c
        for c in punishment_coverage(RULES, entry(removed_on=dt.date(2027, 5, 1)), {})
        if c.subject_key == "E0"
    ]
    assert (row.valid_from, row.valid_until) == (dt.date(2026, 1, 1), dt.date(2027, 5, 1))
    assert row.active_on(dt.date(2027, 4, 30)) and not row.active_on(dt.date(2027, 5, 1))


def facts(**changes: Any) -> RatingFacts:
    values: dict[str, Any] = {
        "uscc": "E9",
        "as_of": dt.date(2026, 11, 1),
        "registered_on": dt.date(2015, 1, 1),
        "name": "E9 Co.",
        "zone": "ZHENGZHOU",
        "classifications": (
            ClassificationFact(
                id="C1",
                department="CUSTOMS",
                scheme="CUSTOMS_CREDIT",
                value="ADVANCED_CERTIFIED",
                effective_from=dt.date(2021, 1, 1),
            ),
            ClassificationFact(
                id="C2",
                department="TAX",
                scheme="TAX_CREDIT",
                value="A",
                effective_from=dt.date(2022, 4, 1),
            ),
        ),
    }
    return RatingFacts(**(values | changes))


def penalty(id: str, severity: str, decided: dt.date, public_until: dt.date | None) -> PenaltyFact:
    return PenaltyFact(
        id=id, department="TAX", severity=severity, decided_on=decided, public_until=public_until
    )


def test_incentives_earned_by_the_criteria_start_when_the_last_condition_holds() -> None:
    [earned] = incentive_coverage(RULES, facts())
    assert earned.cause == "CRITERIA:C1+C2" and earned.valid_from == dt.date(2022, 4, 1)
    # a general penalty four years ago: clean for three since, so from three years after it
    old = penalty("P1", "GENERAL", dt.date(2022, 6, 1), dt.date(2023, 6, 1))
    [later] = incentive_coverage(RULES, facts(penalties=(old,)))
    assert later.valid_from == dt.date(2025, 6, 1)
    recent = penalty("P2", "GENERAL", dt.date(2024, 6, 1), dt.date(2025, 6, 1))
    assert incentive_coverage(RULES, facts(penalties=(recent,))) == []
    minor = penalty("P3", "MINOR", dt.date(2026, 6, 1), None)
    assert len(incentive_coverage(RULES, facts(penalties=(minor,)))) == 1  # minor ones do not count
    red = ListEntryFact(
        id="R1", list="RED_LIST", department="COMMERCE", listed_on=dt.date(2026, 2, 1)
    )
    listed = ListEntryFact(
        id="A1",
        list="ABNORMAL_OPERATION",
        department="SAMR",
        listed_on=dt.date(2025, 1, 1),
        removed_on=dt.date(2025, 3, 1),
    )
    rows = incentive_coverage(RULES, facts(list_entries=(red, listed)))
    assert [c.cause for c in rows] == ["R1"]  # the abnormal-operation entry ended under 3 years ago
