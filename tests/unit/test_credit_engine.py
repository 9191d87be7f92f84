"""The credit engine on hand-built facts: no database, every expected score worked out here.

The packaged model gives a base of 80; `neutral()` is an enterprise five years old with a
ROUTINE customs classification (0 points), so it has enough data to be rated (B, 80) and each
test adds one fact and checks the score moves by exactly that fact's points.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.credit import ModelError, Rating, load_model, rate
from hub.credit.engine import add_months
from hub.credit.facts import (
    ClassificationFact,
    ListEntryFact,
    LoanFact,
    NetworkLink,
    OrderCheck,
    PathStep,
    PenaltyFact,
    RatingFacts,
)
from hub.credit.model import DEFAULT_MODEL_PATH, model_from_data

MODEL = load_model()
AS_OF = dt.date(2025, 12, 1)
USCC = "91330100MA27XQ0A1B"
OTHER = "91330100MA28AAAA0C"
SCHEME_DEPT = {
    "CUSTOMS_CREDIT": "CUSTOMS",
    "TAX_CREDIT": "TAX",
    "EXPORT_REFUND_CLASS": "TAX",
    "SAFE_GOODS_TRADE": "SAFE",
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def classification(
    scheme: str, value: str, since: str = "2024-01-01", until: str | None = None, id: str = ""
) -> ClassificationFact:
    return ClassificationFact(
        id=id or f"CL-{scheme}-{value}",
        department=SCHEME_DEPT[scheme],
        scheme=scheme,
        value=value,
        effective_from=d(since),
        effective_to=d(until) if until else None,
    )


ROUTINE = classification("CUSTOMS_CREDIT", "ROUTINE")


def neutral(**changes: Any) -> RatingFacts:
    """A five-year-old enterprise, customs ROUTINE, nothing else; `changes` replace fields."""
    facts = RatingFacts(
        uscc=USCC, as_of=AS_OF, registered_on=d("2020-01-01"), classifications=(ROUTINE,)
    )
    return facts.model_copy(update=changes)


def penalty(
    id: str = "KF-2025-7",
    severity: str = "GENERAL",
    decided: str = "2025-06-01",
    until: str | None = "2026-06-01",
    repaired: str | None = None,
) -> PenaltyFact:
    return PenaltyFact(
        id=id,
        department="CUSTOMS",
        severity=severity,
        decided_on=d(decided),
        public_until=d(until) if until else None,
        repaired_on=d(repaired) if repaired else None,
    )


def entry(
    kind: str,
    id: str = "",
    listed: str = "2025-01-01",
    expires: str | None = None,
    removed: str | None = None,
) -> ListEntryFact:
    return ListEntryFact(
        id=id or f"LE-{kind}",
        list=kind,
        department="SAMR",
        listed_on=d(listed),
        expires_on=d(expires) if expires else None,
        removed_on=d(removed) if removed else None,
    )


def loan(id: str, status: str, due: str = "2025-09-01", granted: str = "2024-09-01") -> LoanFact:
    return LoanFact(id=id, status=status, granted_on=d(granted), due_on=d(due))


def orders(total: int, unmatched: int, on: str = "2025-10-01") -> tuple[OrderCheck, ...]:
    return tuple(
        OrderCheck(
            id=f"O-{i:03d}",
            ordered_on=d(on),
            matched=i >= unmatched,
            reason=None if i >= unmatched else "amount",
        )
        for i in range(total)
    )


def link(
    hops: int, uscc: str = OTHER, lists: tuple[str, ...] = ("CUSTOMS_DISHONEST",)
) -> NetworkLink:
    """A listed enterprise `hops` relationships away: enterprise, person, (enterprise, person)..."""
    steps = [PathStep("Enterprise", USCC, "LEGAL_REPRESENTATIVE_OF")]
    for hop in range(1, hops):
        label = "Person" if hop % 2 else "Enterprise"
        steps.append(PathStep(label, f"N{hop}", "OFFICER_OF"))
    steps.append(PathStep("Enterprise", uscc))
    return NetworkLink(
        uscc=uscc, hops=hops, path=tuple(steps), entry_ids=(f"LE-{uscc}",), lists=lists
    )


def codes(rating: Rating) -> list[tuple[str, int]]:
    return [(factor.code, factor.points) for factor in rating.factors]


# --- the neutral enterprise and each classification alone ----------------------------------


def test_neutral_enterprise_is_b_at_the_base_score() -> None:
    rating = rate(MODEL, neutral())
    assert (rating.score, rating.grade, rating.forced_by) == (80, "B", None)
    assert codes(rating) == [("CUSTOMS_ROUTINE", 0)]
    assert rating.model_version == MODEL.version == "2026.4"
    assert rating.factors[0].evidence == ("CL-CUSTOMS_CREDIT-ROUTINE",)


@pytest.mark.parametrize(
    ("scheme", "value", "code", "points", "grade"),
    [
        ("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED", "CUSTOMS_ADVANCED_CERTIFIED", 10, "A"),
        ("CUSTOMS_CREDIT", "CERTIFIED", "CUSTOMS_CERTIFIED", 5, "B"),
        ("CUSTOMS_CREDIT", "DISHONEST", "CUSTOMS_DISHONEST", -30, "C"),
        ("TAX_CREDIT", "A", "TAX_A", 8, "B"),
        ("TAX_CREDIT", "B", "TAX_B", 3, "B"),
        ("TAX_CREDIT", "M", "TAX_M", 0, "B"),
        ("TAX_CREDIT", "C", "TAX_C", -15, "C"),
        ("EXPORT_REFUND_CLASS", "1", "EXPORT_REFUND_1", 4, "B"),
        ("EXPORT_REFUND_CLASS", "2", "EXPORT_REFUND_2", 1, "B"),
        ("EXPORT_REFUND_CLASS", "3", "EXPORT_REFUND_3", -3, "B"),
        ("EXPORT_REFUND_CLASS", "4", "EXPORT_REFUND_4", -10, "B"),
        ("SAFE_GOODS_TRADE", "A", "SAFE_A", 3, "B"),
        ("SAFE_GOODS_TRADE", "B", "SAFE_B", -5, "B"),
        ("SAFE_GOODS_TRADE", "C", "SAFE_C", -15, "C"),
    ],
)
def test_each_classification_alone(
    scheme: str, value: str, code: str, points: int, grade: str
) -> None:
    rating = rate(MODEL, neutral(classifications=(classification(scheme, value),)))
    assert codes(rating) == [(code, points)]
    assert (rating.score, rating.grade) == (80 + points, grade)


def test_the_classification_effective_at_as_of_is_the_one_counted() -> None:
    old = classification("TAX_CREDIT", "A", "2024-04-01", "2025-04-01", id="T-2024")
    new = classification("TAX_CREDIT", "C", "2025-04-01", id="T-2025")
    future = classification("TAX_CREDIT", "B", "2026-04-01", id="T-2026")
    facts = neutral(classifications=(future, new, old))
    assert codes(rate(MODEL, facts)) == [("TAX_C", -15)]
    earlier = rate(MODEL, facts.model_copy(update={"as_of": d("2025-03-31")}))
    assert codes(earlier) == [("TAX_A", 8)]
    assert earlier.factors[0].evidence == ("T-2024",)
    # effective_to is exclusive: on 2025-04-01 the new grade applies
    assert codes(rate(MODEL, facts.model_copy(update={"as_of": d("2025-04-01")}))) == [
        ("TAX_C", -15)
    ]


# --- D overrides ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "forced_by"),
    [
        (
            neutral(classifications=(classification("CUSTOMS_CREDIT", "SERIOUSLY_DISHONEST"),)),
            "CUSTOMS_SERIOUSLY_DISHONEST",
        ),
        (
            neutral(
                classifications=(
                    classification("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED"),
                    classification("TAX_CREDIT", "D"),
                )
            ),
            "TAX_D",
        ),
        (neutral(list_entries=(entry("SERIOUS_DISHONESTY"),)), "LIST_SERIOUS_DISHONESTY"),
    ],
)
def test_d_overrides(facts: RatingFacts, forced_by: str) -> None:
    rating = rate(MODEL, facts)
    assert rating.grade == "D"
    assert rating.forced_by == forced_by
    # 80 - 40 (+10 for AEO in the tax case) is above the D band: held at its top, 39
    assert rating.score == 39
    assert forced_by in [factor.code for factor in rating.factors]
    assert rating.treatment.name == "zone support withheld"


def test_forced_d_beats_grade_m_for_a_new_enterprise() -> None:
    facts = neutral(registered_on=d("2025-06-01"), list_entries=(entry("SERIOUS_DISHONESTY"),))
    rating = rate(MODEL, facts)
    assert (rating.grade, rating.forced_by) == ("D", "LIST_SERIOUS_DISHONESTY")
    assert "M_NEW_ENTERPRISE" not in [factor.code for factor in rating.factors]


def test_a_removed_serious_dishonesty_entry_forces_nothing() -> None:
    facts = neutral(list_entries=(entry("SERIOUS_DISHONESTY", removed="2025-11-01"),))
    rating = rate(MODEL, facts)
    assert (rating.grade, rating.forced_by, rating.score) == ("B", None, 80)


# --- penalties --------------------------------------------------------------------------------


def test_general_penalty_on_its_decision_day_counts_in_full_with_its_reason() -> None:
    rating = rate(MODEL, neutral(as_of=d("2025-06-01"), penalties=(penalty(),)))
    assert codes(rating) == [("CUSTOMS_ROUTINE", 0), ("PENALTY_GENERAL", -8)]
    assert (rating.score, rating.grade) == (72, "B")
    factor = rating.factors[1]
    assert factor.reason.startswith(
        "GENERAL customs penalty KF-2025-7 decided 2025-06-01, public until 2026-06-01"
    )
    assert factor.evidence == ("KF-2025-7",)
    assert "NDRC Order 36" in factor.basis


def test_serious_penalty_alone() -> None:
    facts = neutral(
        as_of=d("2025-06-01"), penalties=(penalty(severity="SERIOUS", until="2028-06-01"),)
    )
    rating = rate(MODEL, facts)
    assert codes(rating)[1:] == [("PENALTY_SERIOUS", -20)]
    assert (rating.score, rating.grade) == (60, "C")


@pytest.mark.parametrize(
    ("as_of", "points"),
    [
        # weight = 1 - 0.5 * elapsed / 365, points = round(-8 * weight), halves away from zero
        ("2025-06-01", -8),  # day 0
        ("2025-09-01", -7),  # day 92: 8 * (1 - 46/365) = 6.99
        ("2025-12-01", -6),  # day 183: 8 * (1 - 91.5/365) = 5.99
        ("2026-05-31", -4),  # day 364: 8 * (1 - 182/365) = 4.01
    ],
)
def test_penalty_decays_linearly_to_half_over_its_publicity_period(as_of: str, points: int) -> None:
    rating = rate(MODEL, neutral(as_of=d(as_of), penalties=(penalty(),)))
    assert codes(rating)[1:] == [("PENALTY_GENERAL", points)]
    assert rating.score == 80 + points


def test_as_of_before_and_after_a_penalty() -> None:
    facts = neutral(penalties=(penalty(),))
    before = rate(MODEL, facts.model_copy(update={"as_of": d("2025-05-31")}))
    after = rate(MODEL, facts.model_copy(update={"as_of": d("2025-06-01")}))
    assert (before.score, codes(before)) == (80, [("CUSTOMS_ROUTINE", 0)])
    assert (after.score, codes(after)[1:]) == (72, [("PENALTY_GENERAL", -8)])


def test_an_expired_publicity_period_no_longer_counts() -> None:
    facts = neutral(penalties=(penalty(),))
    on_last_day = rate(MODEL, facts.model_copy(update={"as_of": d("2026-05-31")}))
    expired = rate(MODEL, facts.model_copy(update={"as_of": d("2026-06-01")}))
    assert on_last_day.score == 76
    assert (expired.score, codes(expired)) == (80, [("CUSTOMS_ROUTINE", 0)])


def test_a_penalty_without_end_date_is_public_for_the_longest_period_of_its_regime() -> None:
    # decided under NDRC Order 36 (from 2026-04-01): a general penalty, 12 months at most
    facts = neutral(penalties=(penalty(decided="2026-05-01", until=None),))
    last_day = rate(MODEL, facts.model_copy(update={"as_of": d("2027-04-30")}))
    assert codes(last_day)[1:] == [("PENALTY_GENERAL", -4)]
    assert "public until 2027-05-01" in last_day.factors[1].reason
    assert rate(MODEL, facts.model_copy(update={"as_of": d("2027-05-01")})).score == 80
    # decided under NDRC Order 58 (2023-05-01 to 2026-03-31): 3 years at most
    older = neutral(penalties=(penalty(decided="2025-01-01", until=None),))
    assert "public until 2028-01-01" in rate(MODEL, older).factors[1].reason
    assert rate(MODEL, older.model_copy(update={"as_of": d("2028-01-01")})).score == 80


def test_a_repaired_penalty_stops_counting_on_its_repair_date() -> None:
    facts = neutral(penalties=(penalty(repaired="2025-09-01"),))
    before_repair = rate(MODEL, facts.model_copy(update={"as_of": d("2025-08-31")}))
    repaired = rate(MODEL, facts.model_copy(update={"as_of": d("2025-09-01")}))
    assert codes(before_repair)[1:] == [("PENALTY_GENERAL", -7)]  # day 91: 8*(1-45.5/365)=7.0
    assert (repaired.score, codes(repaired)) == (80, [("CUSTOMS_ROUTINE", 0)])


@pytest.mark.parametrize("until", ["2026-06-01", None])
def test_a_minor_penalty_never_counts(until: str | None) -> None:
    facts = neutral(as_of=d("2025-06-01"), penalties=(penalty(severity="MINOR", until=until),))
    rating = rate(MODEL, facts)
    assert (rating.score, codes(rating)) == (80, [("CUSTOMS_ROUTINE", 0)])


def test_penalties_are_capped() -> None:
    serious = tuple(penalty(id=f"P{i}", severity="SERIOUS", until="2028-06-01") for i in range(3))
    rating = rate(MODEL, neutral(as_of=d("2025-06-01"), penalties=serious))
    assert codes(rating)[1:] == [
        ("PENALTY_SERIOUS", -20),
        ("PENALTY_SERIOUS", -20),
        ("PENALTY_SERIOUS", -20),
        ("PENALTY_CAP", 20),
    ]
    assert (rating.score, rating.grade) == (40, "C")


# --- list entries -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "points"),
    [
        ("CUSTOMS_DISHONEST", -10),
        ("TAX_MAJOR_VIOLATION", -20),
        ("COURT_DISHONEST_DEBTOR", -15),
        ("SAFE_CLASS_C", -5),
        ("ABNORMAL_OPERATION", -10),
        ("RED_LIST", 5),
    ],
)
def test_each_list_kind_alone(kind: str, points: int) -> None:
    rating = rate(MODEL, neutral(list_entries=(entry(kind),)))
    assert codes(rating)[1:] == [(f"LIST_{kind}", points)]
    assert rating.score == 80 + points
    assert rating.factors[1].evidence == (f"LE-{kind}",)


def test_only_entries_active_at_as_of_count() -> None:
    inactive = (
        entry("TAX_MAJOR_VIOLATION", id="future", listed="2025-12-02"),
        entry("TAX_MAJOR_VIOLATION", id="removed", removed="2025-12-01"),
        entry("TAX_MAJOR_VIOLATION", id="expired", expires="2025-12-01"),
    )
    assert rate(MODEL, neutral(list_entries=inactive)).score == 80
    active = entry("TAX_MAJOR_VIOLATION", id="active", expires="2025-12-02", removed="2026-01-01")
    rating = rate(MODEL, neutral(list_entries=(*inactive, active)))
    assert codes(rating)[1:] == [("LIST_TAX_MAJOR_VIOLATION", -20)]
    assert rating.factors[1].evidence == ("active",)


def test_a_list_counts_once_with_every_active_entry_as_evidence() -> None:
    entries = (entry("ABNORMAL_OPERATION", id="E2"), entry("ABNORMAL_OPERATION", id="E1"))
    rating = rate(MODEL, neutral(list_entries=entries))
    assert codes(rating)[1:] == [("LIST_ABNORMAL_OPERATION", -10)]
    assert rating.factors[1].evidence == ("E1", "E2")


def test_list_entries_are_capped() -> None:
    kinds = ("TAX_MAJOR_VIOLATION", "COURT_DISHONEST_DEBTOR", "ABNORMAL_OPERATION")
    rating = rate(MODEL, neutral(list_entries=tuple(entry(k) for k in kinds)))
    assert codes(rating)[-1] == ("LIST_CAP", 5)  # -45 capped at -40
    assert rating.score == 40


# --- loans, orders, collections ---------------------------------------------------------------


def test_loans() -> None:
    one = rate(MODEL, neutral(loans=(loan("L1", "OVERDUE"),)))
    assert (codes(one)[1:], one.score) == ([("LOAN_OVERDUE", -10)], 70)
    three = rate(MODEL, neutral(loans=tuple(loan(f"L{i}", "OVERDUE") for i in range(3))))
    assert (codes(three)[1:], three.score) == ([("LOAN_OVERDUE", -20)], 60)
    assert three.factors[1].evidence == ("L0", "L1", "L2")
    default = rate(MODEL, neutral(loans=(loan("L9", "DEFAULT"), loan("L8", "CURRENT"))))
    assert (codes(default)[1:], default.score, default.grade) == ([("LOAN_DEFAULT", -25)], 55, "C")
    two = rate(MODEL, neutral(loans=(loan("L1", "DEFAULT"), loan("L2", "DEFAULT"))))
    assert codes(two)[1:] == [("LOAN_DEFAULT", -25), ("LOAN_DEFAULT", -25), ("LOAN_CAP", 10)]
    assert two.score == 40


def test_loans_not_yet_due_or_granted_at_as_of_do_not_count() -> None:
    loans = (
        loan("due-later", "OVERDUE", due="2025-12-01"),
        loan("granted-later", "DEFAULT", granted="2025-12-02", due="2025-06-01"),
    )
    assert rate(MODEL, neutral(loans=loans)).score == 80


@pytest.mark.parametrize(
    ("total", "unmatched", "points"),
    [(20, 0, 3), (50, 1, 3), (20, 1, 0), (20, 2, 0), (20, 3, -10), (20, 5, -10), (20, 6, -20)],
)
def test_three_document_match_rate(total: int, unmatched: int, points: int) -> None:
    rating = rate(MODEL, neutral(orders=orders(total, unmatched)))
    assert codes(rating)[1:] == [("ORDER_MATCH", points)]
    assert rating.score == 80 + points
    assert rating.factors[1].evidence == tuple(f"O-{i:03d}" for i in range(unmatched))


def test_too_few_orders_in_the_window_are_not_judged() -> None:
    assert codes(rate(MODEL, neutral(orders=orders(19, 19)))) == [("CUSTOMS_ROUTINE", 0)]
    # orders of more than 12 months before as_of (or after it) are outside the window
    stale = orders(20, 20, on="2024-12-01") + orders(20, 20, on="2025-12-02")
    assert rate(MODEL, neutral(orders=stale)).score == 80


@pytest.mark.parametrize(
    ("declared", "collected", "points"),
    [
        ("200000", "180000", 2),
        ("200000", "179999.99", 0),
        ("100000", "50000", 0),
        ("100000", "49999", -10),
    ],
)
def test_collection_ratio(declared: str, collected: str, points: int) -> None:
    facts = neutral(declared_exports_cny=Decimal(declared), collected_cny=Decimal(collected))
    rating = rate(MODEL, facts)
    assert codes(rating)[1:] == [("COLLECTION_RATIO", points)]
    assert rating.score == 80 + points


def test_collections_below_the_minimum_declared_are_not_judged() -> None:
    facts = neutral(declared_exports_cny=Decimal("99999.99"), collected_cny=Decimal(0))
    assert rate(MODEL, facts).score == 80


# --- network risk -----------------------------------------------------------------------------


@pytest.mark.parametrize(("hops", "points"), [(1, -12), (2, -6), (3, -3)])
def test_network_risk_halves_per_hop(hops: int, points: int) -> None:
    rating = rate(MODEL, neutral(network=(link(hops),)))
    assert codes(rating)[1:] == [("NETWORK_RISK", points)]
    assert rating.score == 80 + points
    factor = rating.factors[1]
    assert factor.evidence == (f"LE-{OTHER}",)
    assert factor.paths == (link(hops).path,)
    assert factor.paths[0][0] == PathStep("Enterprise", USCC, "LEGAL_REPRESENTATIVE_OF")
    assert factor.paths[0][-1].key == OTHER
    assert f"{OTHER} on the CUSTOMS_DISHONEST list is {hops} hop" in factor.reason


def test_no_network_risk_at_four_hops_or_more() -> None:
    rating = rate(MODEL, neutral(network=(link(4), link(5, uscc="X"))))
    assert (rating.score, codes(rating)) == (80, [("CUSTOMS_ROUTINE", 0)])


def test_network_risk_is_capped() -> None:
    links = (link(1, uscc="E1"), link(1, uscc="E2"), link(3, uscc="E3"))
    rating = rate(MODEL, neutral(network=links))
    assert codes(rating)[1:] == [
        ("NETWORK_RISK", -12),
        ("NETWORK_RISK", -12),
        ("NETWORK_RISK", -3),
        ("NETWORK_CAP", 7),
    ]
    assert rating.score == 60


def test_network_counts_each_enterprise_once_at_its_nearest_and_ignores_the_red_list() -> None:
    links = (link(3), link(2), link(1, uscc="RED", lists=("RED_LIST",)))
    rating = rate(MODEL, neutral(network=links))
    assert codes(rating)[1:] == [("NETWORK_RISK", -6)]
    assert len(rating.factors[1].paths[0]) == 3


# --- grade M ----------------------------------------------------------------------------------


def test_m_for_an_enterprise_under_a_year_old() -> None:
    aeo = (classification("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED"),)
    young = rate(MODEL, neutral(registered_on=d("2024-12-02"), classifications=aeo))
    assert (young.grade, young.score, young.forced_by) == ("M", 90, None)
    assert young.factors[-1].code == "M_NEW_ENTERPRISE"
    assert young.factors[-1].reason == "registered 2024-12-02, under 12 months old at 2025-12-01"
    one_year = rate(MODEL, neutral(registered_on=d("2024-12-01"), classifications=aeo))
    assert (one_year.grade, one_year.score) == ("A", 90)


def test_m_when_data_is_too_thin() -> None:
    bare = rate(MODEL, neutral(classifications=()))
    assert (bare.grade, bare.score, codes(bare)) == ("M", 80, [("M_THIN_DATA", 0)])
    # network risk is about others, not data on the enterprise itself
    network_only = rate(MODEL, neutral(classifications=(), network=(link(1),)))
    assert (network_only.grade, network_only.score) == ("M", 68)
    # an expired penalty is not data at as_of either; an active one is
    expired = neutral(classifications=(), penalties=(penalty(until="2025-07-01"),))
    assert rate(MODEL, expired).grade == "M"
    active = rate(MODEL, neutral(classifications=(), penalties=(penalty(),)))
    assert (active.grade, active.score) == ("B", 74)


# --- treatments, determinism ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "grade", "name", "measure"),
    [
        (
            neutral(classifications=(classification("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED"),)),
            "A",
            "zone fast lane",
            "priority at the zone's single-window service desks",
        ),
        (neutral(), "B", "zone routine services", "routine zone services"),
        (
            neutral(network=(link(1), link(1, uscc="E2"))),
            "C",
            "zone follow-up",
            "zone staff follow up on the factors that lowered the grade",
        ),
        (
            neutral(list_entries=(entry("SERIOUS_DISHONESTY"),)),
            "D",
            "zone support withheld",
            "not eligible for the zone's support funds and honours while the grade is D",
        ),
        (
            neutral(classifications=()),
            "M",
            "zone onboarding",
            "collect data for a first composite grade",
        ),
    ],
)
def test_treatment_per_grade(facts: RatingFacts, grade: str, name: str, measure: str) -> None:
    rating = rate(MODEL, facts)
    assert rating.grade == grade
    assert rating.treatment.name == name
    assert measure in rating.treatment.measures
    assert rating.treatment == MODEL.treatments[rating.grade]
    # the composite grade drives the zone's own services, never a statutory measure
    assert not any("inspection" in text for text in rating.treatment.measures)


def test_c_band_bottom_and_d_band_by_score() -> None:
    dishonest = classification("CUSTOMS_CREDIT", "DISHONEST")
    facts = neutral(classifications=(dishonest,), list_entries=(entry("CUSTOMS_DISHONEST"),))
    assert (rate(MODEL, facts).score, rate(MODEL, facts).grade) == (40, "C")
    worse = facts.model_copy(update={"loans": (loan("L1", "OVERDUE"),)})
    rating = rate(MODEL, worse)
    assert (rating.score, rating.grade, rating.forced_by) == (30, "D", None)


def test_score_is_clamped_at_zero() -> None:
    facts = neutral(
        classifications=(
            classification("CUSTOMS_CREDIT", "DISHONEST"),
            classification("TAX_CREDIT", "C"),
            classification("SAFE_GOODS_TRADE", "C"),
            classification("EXPORT_REFUND_CLASS", "4"),
        ),
        loans=(loan("L1", "DEFAULT"), loan("L2", "DEFAULT")),
        network=(link(1), link(1, uscc="E2")),
    )
    rating = rate(MODEL, facts)  # 80 - 70 - 40 - 20 = -50
    assert (rating.score, rating.grade) == (0, "D")


def test_same_facts_in_any_order_give_the_same_rating() -> None:
    facts = neutral(
        penalties=(penalty(id="P2"), penalty(id="P1", severity="SERIOUS", until="2027-01-01")),
        list_entries=(entry("RED_LIST"), entry("ABNORMAL_OPERATION")),
        loans=(loan("L2", "OVERDUE"), loan("L1", "DEFAULT")),
        network=(link(2, uscc="E2"), link(1, uscc="E9"), link(1, uscc="E1")),
    )
    shuffled = facts.model_copy(
        update={
            "penalties": facts.penalties[::-1],
            "list_entries": facts.list_entries[::-1],
            "loans": facts.loans[::-1],
            "network": facts.network[::-1],
        }
    )
    assert rate(MODEL, facts) == rate(MODEL, shuffled)
    assert [f.code for f in rate(MODEL, facts).factors if f.code == "NETWORK_RISK"] == [
        "NETWORK_RISK"
    ] * 3
    assert [f.evidence for f in rate(MODEL, facts).factors if f.code == "NETWORK_RISK"] == [
        ("LE-E1",),
        ("LE-E9",),
        ("LE-E2",),
    ]


def test_values_the_model_does_not_know_are_shown_but_not_counted() -> None:
    odd = ClassificationFact(
        id="CL-X",
        department="CUSTOMS",
        scheme="CUSTOMS_CREDIT",
        value="PLATINUM",
        effective_from=d("2024-01-01"),
    )
    facts = neutral(classifications=(odd,), penalties=(penalty(severity="HUGE"),))
    rating = rate(MODEL, facts)
    assert (rating.score, codes(rating)) == (80, [("CUSTOMS_UNKNOWN", 0)])
    assert rating.factors[0].reason == "customs classification PLATINUM is not rated"


def test_add_months_keeps_to_the_end_of_short_months() -> None:
    assert add_months(d("2024-02-29"), 12) == d("2025-02-28")
    assert add_months(d("2025-01-31"), 1) == d("2025-02-28")
    assert add_months(d("2025-12-01"), -12) == d("2024-12-01")


# --- the worked example of docs/credit-model.md -----------------------------------------------


def test_worked_example_of_the_documentation() -> None:
    facts = RatingFacts(
        uscc="91330100MA27XQ0A1B",
        as_of=d("2025-12-01"),
        registered_on=d("2019-03-15"),
        classifications=(
            classification("CUSTOMS_CREDIT", "ADVANCED_CERTIFIED", "2024-03-01", id="CL-1"),
            classification("TAX_CREDIT", "A", "2024-04-01", "2025-04-01", id="CL-2"),
            classification("TAX_CREDIT", "B", "2025-04-01", id="CL-3"),
        ),
        penalties=(penalty(),),
        orders=orders(50, 2),
        declared_exports_cny=Decimal("1000000"),
        collected_cny=Decimal("950000"),
        network=(link(2),),
    )
    rating = rate(MODEL, facts)
    assert codes(rating) == [
        ("CUSTOMS_ADVANCED_CERTIFIED", 10),
        ("TAX_B", 3),
        ("PENALTY_GENERAL", -6),
        ("ORDER_MATCH", 0),
        ("COLLECTION_RATIO", 2),
        ("NETWORK_RISK", -6),
    ]
    assert (rating.score, rating.grade, rating.forced_by) == (83, "B", None)
    assert rating.treatment.name == "zone routine services"
    doc = (Path(__file__).parents[2] / "docs" / "credit-model.md").read_text(encoding="utf-8")
    for factor in rating.factors:
        assert f"`{factor.code}`" in doc
        assert factor.reason in doc, factor.reason
    assert "**83, grade B**" in doc
    later = rate(MODEL, facts.model_copy(update={"as_of": d("2026-06-01")}))
    assert (later.score, "PENALTY_GENERAL" in [f.code for f in later.factors]) == (89, False)
    assert "(2026-06-01) the penalty's publicity has ended and the same facts score 89" in doc


# --- the model file ---------------------------------------------------------------------------


def model_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def test_the_packaged_model_loads() -> None:
    assert MODEL.base.points == 80
    assert [(b.grade, b.min, b.max) for b in MODEL.bands] == [
        ("A", 90, 100),
        ("B", 70, 89),
        ("C", 40, 69),
        ("D", 0, 39),
    ]
    assert model_from_data(model_data()) == MODEL


def test_a_band_gap_is_named() -> None:
    data = model_data()
    data["bands"][1]["max"] = 85
    with pytest.raises(
        ModelError, match=r"gap between B \(to 85\) and A \(from 90\): scores 86-89"
    ):
        model_from_data(data, "test.json")


def test_overlapping_and_uncovered_bands_are_named() -> None:
    data = model_data()
    data["bands"][2]["max"] = 75
    data["bands"][3]["min"] = 5
    with pytest.raises(ModelError) as caught:
        model_from_data(data)
    assert "C (to 75) overlaps B (from 70)" in str(caught.value)
    assert "bottom band D starts at 5, not 0" in str(caught.value)


def test_an_unknown_classification_value_is_named() -> None:
    data = model_data()
    data["classifications"][0]["values"]["PLATINUM"] = {"points": 20, "basis": "none"}
    with pytest.raises(
        ModelError, match=r"classifications\.CUSTOMS_CREDIT: unknown value PLATINUM"
    ):
        model_from_data(data, "test.json")


def test_a_missing_classification_value_and_treatment_are_named() -> None:
    data = model_data()
    del data["classifications"][1]["values"]["M"]
    del data["treatments"]["M"]
    with pytest.raises(ModelError) as caught:
        model_from_data(data, "test.json")
    message = str(caught.value)
    assert message.startswith("credit model test.json: ")
    assert "classifications.TAX_CREDIT: no rule for M" in message
    assert "treatments: no treatment for grade M" in message


def test_an_unknown_list_kind_is_named() -> None:
    data = model_data()
    data["list_entries"]["kinds"]["GREY_LIST"] = {"points": -1, "basis": "none"}
    with pytest.raises(ModelError, match=r"list_entries\.kinds\.GREY_LIST"):
        model_from_data(data)


def test_load_model_names_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match=r"model\.json: not JSON"):
        load_model(path)
    path.write_text(json.dumps(model_data()), encoding="utf-8")
    assert load_model(path) == MODEL


# --- property: a negative fact never raises the score -----------------------------------------

DATES = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2026, 6, 1))
SCHEMES = {
    "CUSTOMS_CREDIT": [
        "ADVANCED_CERTIFIED",
        "CERTIFIED",
        "ROUTINE",
        "DISHONEST",
        "SERIOUSLY_DISHONEST",
    ],
    "TAX_CREDIT": ["A", "B", "M", "C", "D"],
    "EXPORT_REFUND_CLASS": ["1", "2", "3", "4"],
    "SAFE_GOODS_TRADE": ["A", "B", "C"],
}
LIST_KINDS = [
    "SERIOUS_DISHONESTY",
    "CUSTOMS_DISHONEST",
    "TAX_MAJOR_VIOLATION",
    "COURT_DISHONEST_DEBTOR",
    "SAFE_CLASS_C",
    "ABNORMAL_OPERATION",
    "RED_LIST",
]


@st.composite
def random_facts(draw: st.DrawFn) -> RatingFacts:
    as_of = draw(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 1, 1)))
    classifications = tuple(
        ClassificationFact(
            id=f"C{i}",
            department="X",
            scheme=scheme,
            value=draw(st.sampled_from(values)),
            effective_from=draw(DATES),
        )
        for i, (scheme, values) in enumerate(SCHEMES.items())
        if draw(st.booleans())
    )
    penalties = tuple(
        PenaltyFact(
            id=f"P{i}",
            department="CUSTOMS",
            severity=draw(st.sampled_from(["MINOR", "GENERAL", "SERIOUS"])),
            decided_on=(start := draw(DATES)),
            public_until=draw(
                st.none()
                | st.dates(min_value=start + dt.timedelta(days=1), max_value=dt.date(2028, 1, 1))
            ),
            repaired_on=draw(st.none() | DATES),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    entries = tuple(
        ListEntryFact(
            id=f"E{i}",
            list=draw(st.sampled_from(LIST_KINDS)),
            department="X",
            listed_on=draw(DATES),
            removed_on=draw(st.none() | DATES),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    loans = tuple(
        LoanFact(
            id=f"L{i}",
            status=draw(st.sampled_from(["CURRENT", "OVERDUE", "DEFAULT"])),
            granted_on=d("2022-01-01"),
            due_on=draw(DATES),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    network = tuple(
        link(draw(st.integers(0, 5)), uscc=f"N{i}", lists=(draw(st.sampled_from(LIST_KINDS)),))
        for i in range(draw(st.integers(0, 3)))
    )
    total = draw(st.integers(0, 40))
    return RatingFacts(
        uscc=USCC,
        as_of=as_of,
        registered_on=draw(st.dates(min_value=dt.date(2015, 1, 1), max_value=as_of)),
        penalties=penalties,
        list_entries=entries,
        classifications=classifications,
        orders=orders(total, draw(st.integers(0, total)), on=as_of.isoformat()),
        declared_exports_cny=Decimal(draw(st.integers(0, 500_000))),
        collected_cny=Decimal(draw(st.integers(0, 500_000))),
        loans=loans,
        network=network,
    )


@settings(max_examples=300, deadline=None)
@given(facts=random_facts(), age=st.integers(0, 364), length=st.integers(1, 365))
def test_an_active_general_penalty_never_raises_the_score(
    facts: RatingFacts, age: int, length: int
) -> None:
    decided = facts.as_of - dt.timedelta(days=age)
    added = PenaltyFact(
        id="P-NEW",
        department="TAX",
        severity="GENERAL",
        decided_on=decided,
        public_until=decided + dt.timedelta(days=age + length),
    )
    before = rate(MODEL, facts)
    after = rate(MODEL, facts.model_copy(update={"penalties": (*facts.penalties, added)}))
    assert after.score <= before.score
    assert "P-NEW" in {e for factor in after.factors for e in factor.evidence}
