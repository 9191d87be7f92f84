"""The joint rules file and the coverage derivation, without a database."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from graph_schema.model import Department
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
    assert RULES.version == "2026.3"
    # customs has none: it acts on its own tier (hub/credit/statutory.json), not on the lists
    assert RULES.departments == (
        "TAX",
        "SAFE",
        "COMMERCE",
        "COURT",
        "BANK",
        "ZONE_ADMIN",
    )


def test_every_packaged_measure_names_its_basis_and_nothing_reaches_other_enterprises() -> None:
    raw = data()
    for kind, rule in raw["punishment"].items():
        assert rule["propagation_depth"] == 0, kind
        assert "RELATED_ENTERPRISE" not in rule["measures"], kind
        for role, by_department in rule["measures"].items():
            for department, items in by_department.items():
                for item in items:
                    assert item["measure"].strip() and item["basis"].strip(), (
                        kind,
                        role,
                        department,
                    )
    # the high-consumption restriction is the court's, on the persons art. 3 names
    court = raw["punishment"]["COURT_DISHONEST_DEBTOR"]["measures"]["PERSON"]
    assert list(court) == ["COURT"]
    assert "最高人民法院关于限制被执行人高消费" in court["COURT"][0]["basis"]
    assert all(
        "ZONE_ADMIN" not in rule["measures"].get("PERSON", {})
        for rule in raw["punishment"].values()
    )
    # a registry flag, not a joint punishment list; the red list rests on State Council 2016 No. 33
    assert "ABNORMAL_OPERATION" not in raw["punishment"]
    assert "SAIC Order 68" in raw["not_joint_punishment"]["ABNORMAL_OPERATION"]
    assert "建立完善守信联合激励和失信联合惩戒制度" in raw["incentive"]["red_list"]["basis"]
    assert "Henan" not in json.dumps(raw, ensure_ascii=False)


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(d: dict[str, Any]) -> None:
        for key in path[:-1]:
            d = d[key]
        d[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["punishment"].pop("TAX_MAJOR_VIOLATION"), "no rule for TAX_MAJOR_VIOLATION"),
        (lambda d: d.pop("not_joint_punishment"), "no rule for ABNORMAL_OPERATION"),
        (
            lambda d: d["punishment"].__setitem__("RED_LIST", d["punishment"]["SAFE_CLASS_C"]),
            "RED_LIST is an incentive list",
        ),
        (
            lambda d: d["punishment"].__setitem__(
                "ABNORMAL_OPERATION", d["punishment"]["SAFE_CLASS_C"]
            ),
            "ABNORMAL_OPERATION also has a punishment rule",
        ),
        (_set(("punishment", "SAFE_CLASS_C", "propagation_depth"), 3), "propagation_depth"),
        (
            _set(("punishment", "SERIOUS_DISHONESTY", "propagation_depth"), 1),
            "needs RELATED_ENTERPRISE measures with a legal basis",
        ),
        (
            _set(("punishment", "SAFE_CLASS_C", "covers", "legal_representative"), True),
            "no PERSON measure gives them a legal basis",
        ),
        (
            _set(("punishment", "SAFE_CLASS_C", "measures", "ENTERPRISE", "POLICE"), []),
            "POLICE",
        ),
        (
            _set(("punishment", "SAFE_CLASS_C", "measures", "ENTERPRISE", "BANK"), []),
            "no measure for BANK",
        ),
        (
            _set(("punishment", "SAFE_CLASS_C", "measures", "ENTERPRISE", "BANK"), ["checks"]),
            "SAFE_CLASS_C.measures.ENTERPRISE.BANK.0",
        ),
        (
            _set(
                ("punishment", "SAFE_CLASS_C", "measures", "ENTERPRISE", "BANK"),
                [{"measure": "checks", "basis": "  "}],
            ),
            "SAFE_CLASS_C.measures.ENTERPRISE.BANK.0.basis",
        ),
        (
            _set(("incentive", "red_list", "measures", "BANK"), [{"measure": "loans"}]),
            "red_list.measures.BANK.0.basis",
        ),
        (_set(("incentive", "criteria", "customs_tier"), "GOLD"), "unknown customs tier GOLD"),
        (
            lambda d: d["punishment"]["SAFE_CLASS_C"]["measures"].pop("ENTERPRISE"),
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


CONTROLS = {
    "wang": (
        ControlLink("E0", "E0 Co.", "KAIFENG", "LEGAL_REPRESENTATIVE_OF"),
        ControlLink("E1", "E1 Co.", "XINXIANG", "LEGAL_REPRESENTATIVE_OF"),
    ),
    "E1": (ControlLink("E2", "E2 Co.", "XINXIANG", "SHAREHOLDER_OF", ratio=0.8),),
}


def test_the_packaged_rules_cover_the_listed_enterprise_and_its_legal_representative_only() -> None:
    rows = {
        (c.subject_type, c.subject_key): c for c in punishment_coverage(RULES, entry(), CONTROLS)
    }
    # Wang once (legal representative beats general manager); not the 70% holder H (no rule
    # gives a holding enterprise a measure), not E1 that Wang also represents (no reach), not
    # Zhao (a supervisor)
    assert sorted(rows) == [("ENTERPRISE", "E0"), ("PERSON", "wang")]
    wang = rows[("PERSON", "wang")]
    assert wang.relation == "legal representative of the listed enterprise"
    assert [(d.value, [m.measure for m in items]) for d, items in wang.measures.items()] == [
        ("COMMERCE", ["honours revoked; not eligible for commendation"])
    ]


def test_reach_where_a_rule_gives_related_enterprises_measures_follows_its_depth() -> None:
    deeper = data()
    rule = deeper["punishment"]["SERIOUS_DISHONESTY"]
    rule["propagation_depth"] = 2
    rule["covers"]["shareholder_min_ratio"] = 0.5
    rule["measures"]["RELATED_ENTERPRISE"] = {
        "BANK": [{"measure": "enhanced credit review", "basis": "a test instrument, art. 1"}]
    }
    rows = {
        (c.subject_type, c.subject_key): c
        for c in punishment_coverage(joint_rules_from_data(deeper), entry(), CONTROLS)
    }
    assert sorted(rows) == [
        ("ENTERPRISE", "E0"),
        ("ENTERPRISE", "E1"),
        ("ENTERPRISE", "E2"),
        ("ENTERPRISE", "H"),
        ("PERSON", "wang"),
    ]
    assert rows[("ENTERPRISE", "H")].subject_role == "RELATED_ENTERPRISE"
    e1, e2 = rows[("ENTERPRISE", "E1")], rows[("ENTERPRISE", "E2")]
    assert (e1.zone, e1.depth) == ("XINXIANG", 1)
    assert (e2.depth, [s.key for s in e2.path]) == (2, ["L1", "E0", "wang", "E1", "E2"])
    [measure] = e2.measures[Department.BANK]
    assert measure.basis == "a test instrument, art. 1"


def test_the_court_restricts_high_consumption_of_the_debtor_and_its_legal_representative() -> None:
    rows = {
        c.subject_key: c
        for c in punishment_coverage(
            RULES, entry(list="COURT_DISHONEST_DEBTOR", department="COURT"), CONTROLS
        )
    }
    assert sorted(rows) == ["E0", "wang"]  # not Zhao, not E1
    wang = rows["wang"].measures
    assert list(wang) == [Department.COURT]  # the court's, and nobody else's
    assert wang[Department.COURT][0].measure.startswith("restricted from high consumption")
    assert "art. 3" in wang[Department.COURT][0].basis
    assert Department.COURT in rows["E0"].measures


def test_a_listed_person_is_covered_alone_with_the_persons_measures() -> None:
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
    assert list(rows[0].measures) == [Department.COURT]


def test_an_abnormal_operation_entry_covers_nobody() -> None:
    assert punishment_coverage(RULES, entry(list="ABNORMAL_OPERATION"), CONTROLS) == []


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
