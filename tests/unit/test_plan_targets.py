"""The plan targets (hub/stats/targets.json) against the seeds they quote, and the pure
arithmetic that sets a zone's figures against them, without a database."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hub.stats.progress import ZoneFigures, zone_progress
from hub.stats.targets import DEFAULT_TARGETS_PATH, Kind, TargetsError, load_targets

SEEDS = Path(__file__).resolve().parents[2] / "docs" / "seeds"
PLAN = load_targets()

# the words the seeds write their numbers with, and what they multiply by
SCALE = {"billion": 10**9, "milliards": 10**9, "milhões": 10**6, "million": 10**6}
# "more than 1000", "exceeded 10 billion", "mais de 100", "ultrapassou 100 milhões"
MORE_THAN = ("more than", "exceeded", "plus de", "dépassé", "mais de", "ultrapassou")
ANNUAL = ("annual", "anual")  # "annual", "anualmente", "anual"


def seed(name: str) -> str:
    path = SEEDS / name
    assert path.is_file(), f"the seeds are read from {SEEDS}: {name} is not there"
    return path.read_text(encoding="utf-8")


def stated_number(quote: str) -> Decimal:
    """The one number a quote states, with its scale word ("10 billion" is 10**10)."""
    found = re.findall(r"(\d[\d,]*)\s*(billion|milliards|milhões|million)?", quote)
    assert len(found) == 1, f"{quote!r} states {len(found)} numbers"
    digits, scale = found[0]
    return Decimal(digits.replace(",", "")) * SCALE.get(scale, 1)


def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DEFAULT_TARGETS_PATH.read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def test_every_quote_is_in_its_seed_word_for_word() -> None:
    quoted = 0
    for zone, planned in PLAN.zones.items():
        plan = planned.plan
        text = seed(plan.seed)
        words = [plan.issued_quote, plan.horizon_quote, planned.passage]
        words += [t.quote for t in planned.targets]
        for quote in (w for w in words if w is not None):
            assert quote in text, f"{zone}: {quote!r} is not in {plan.seed}"
            quoted += 1
        if plan.witness_seed is not None:
            witness = seed(plan.witness_seed)
            for target in planned.targets:
                assert target.witness is not None and target.witness in witness, target.metric
                quoted += 1
    # Kaifeng: date, horizon, passage, 4 targets, 4 witnesses; Xinxiang: date, horizon,
    # passage, 4 targets; Zhengzhou: date and its passage (goals, but not the zone's targets)
    assert quoted == 11 + 7 + 2


def test_each_target_is_the_number_its_quote_states_and_reads_as_it_says() -> None:
    for planned in PLAN.zones.values():
        for target in planned.targets:
            assert target.target == stated_number(target.quote), target.quote
            if target.witness is not None:
                assert target.target == stated_number(target.witness), target.witness
            more = any(words in target.quote for words in MORE_THAN)
            assert target.comparison.value == ("MORE_THAN" if more else "AT_LEAST"), target.quote
            annual = any(word in target.quote for word in ANNUAL)
            assert target.kind is (Kind.FLOW if annual else Kind.STOCK), target.quote
    # the numbers, written down from the seeds
    assert {(zone, t.metric): t.target for zone, p in PLAN.zones.items() for t in p.targets} == {
        ("KAIFENG", "cbec_operators"): 1000,
        ("KAIFENG", "cbec_declared_value_cny"): 10_000_000_000,
        ("KAIFENG", "industry_belts"): 5,
        ("KAIFENG", "industrial_parks"): 11,
        ("XINXIANG", "new_cbec_enterprises"): 100,
        ("XINXIANG", "cbec_declared_value_cny"): 100_000_000,
        ("XINXIANG", "industry_belts"): 5,
        ("XINXIANG", "industrial_parks"): 5,
    }


def test_deadlines_are_three_years_from_each_plans_issue_date() -> None:
    dates = {zone: (p.plan.issued, p.plan.deadline) for zone, p in PLAN.zones.items()}
    assert dates == {
        "KAIFENG": (dt.date(2025, 10, 18), dt.date(2028, 10, 18)),  # "18 October 2025"
        "XINXIANG": (dt.date(2025, 10, 24), dt.date(2028, 10, 24)),  # "24 de outubro de 2025"
        "ZHENGZHOU": (dt.date(2015, 12, 19), None),  # "2015年12月19日"; no target, no deadline
    }


def test_zhengzhou_has_no_target_and_says_why() -> None:
    zhengzhou = PLAN.zones["ZHENGZHOU"]
    assert zhengzhou.targets == ()
    assert zhengzhou.note.startswith("No target for the zone.")
    assert "whole province (全省)" in zhengzhou.note
    assert "全省跨境电子商务年交易额超过300亿美元" in zhengzhou.passage


def test_a_target_of_the_wrong_kind_is_refused_naming_it_and_its_twin_loads(
    tmp_path: Path,
) -> None:
    bad = data()
    bad["zones"]["XINXIANG"]["targets"][0]["kind"] = "STOCK"  # new enterprises a year: a flow
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(TargetsError, match="new_cbec_enterprises is a FLOW the hub computes"):
        load_targets(path)
    path.write_text(json.dumps(data()), encoding="utf-8")
    assert load_targets(path).version == "2026.2"


def test_a_zone_without_targets_must_say_so_first(tmp_path: Path) -> None:
    bad = data()
    bad["zones"]["ZHENGZHOU"]["note"] = "The seed is the 2015 work plan."
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(TargetsError, match="a zone without targets needs a note starting"):
        load_targets(path)


def test_a_quote_from_outside_the_plans_passage_is_refused(tmp_path: Path) -> None:
    bad = data()
    bad["zones"]["KAIFENG"]["targets"][0]["quote"] = "more than 1000 operators"  # not the seed's
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(
        TargetsError, match=r"quotes not in the zone's passage: \['cbec_operators'\]"
    ):
        load_targets(path)


def test_a_belt_text_that_disagrees_with_the_threshold_is_refused(tmp_path: Path) -> None:
    bad = data()
    bad["belt_min_cbec_operators"] = 12  # the texts still say "at least 10"
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(TargetsError, match="does not say 'at least 12' CBEC operators"):
        load_targets(path)


FIGURES = ZoneFigures(
    zone="KAIFENG",
    registered=1500,
    cbec_operators=1000,
    new_cbec_enterprises=40,
    industry_belts=5,
    declared_cents=92_163_715_801,  # 921,637,158.01 yuan
)


def test_kaifeng_against_its_plan_in_decimal_yuan() -> None:
    as_of = dt.date(2026, 6, 30)
    rows = {row.target.metric: row for row in zone_progress(PLAN.zones["KAIFENG"], FIGURES, as_of)}
    value = rows["cbec_declared_value_cny"]
    assert str(value.actual) == "921637158.01"
    assert str(value.goal) == "10000000000.00"
    assert value.progress == pytest.approx(0.0921637158)
    assert value.met is False
    # a flow: the 12 months to the as-of date, both ends included
    assert (value.period_from, value.as_of) == (dt.date(2025, 7, 1), as_of)
    # "more than 1000 operators": 1000 is not yet more than 1000
    operators = rows["cbec_operators"]
    assert (operators.actual, operators.period_from, operators.met) == (Decimal(1000), None, False)
    # "more than 5 belts": 5 is not more than 5
    assert rows["industry_belts"].met is False
    # parks: not measured, so neither progress nor met
    parks = rows["industrial_parks"]
    assert (parks.actual, parks.progress, parks.met) == (None, None, None)


def test_at_least_is_met_on_the_number_and_more_than_only_above_it() -> None:
    as_of = dt.date(2026, 6, 30)
    more = FIGURES.model_copy(update={"cbec_operators": 1001})
    rows = {row.target.metric: row for row in zone_progress(PLAN.zones["KAIFENG"], more, as_of)}
    assert rows["cbec_operators"].met is True
    assert rows["cbec_operators"].progress == pytest.approx(1.001)


def test_sums_in_fen_are_exact_where_float_yuan_are_not() -> None:
    xinxiang = ZoneFigures(
        zone="XINXIANG",
        registered=2,
        cbec_operators=2,
        new_cbec_enterprises=2,
        industry_belts=0,
        declared_cents=10 + 20,  # 0.10 + 0.20 yuan; in floats 0.30000000000000004
    )
    rows = zone_progress(PLAN.zones["XINXIANG"], xinxiang, dt.date(2026, 6, 30))
    [value] = [row for row in rows if row.target.metric == "cbec_declared_value_cny"]
    assert str(value.actual) == "0.30"
    assert str(value.goal) == "100000000.00"
    [new] = [row for row in rows if row.target.metric == "new_cbec_enterprises"]
    assert (str(new.actual), str(new.goal)) == ("2", "100")
