"""The date arithmetic of the date-driven re-rating (`hub.credit.due`), the lease's rule and
the schedule's clock, without a database. Every expected day is worked out by hand here."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.credit.due import DayRange, due_params, penalty_moves, starts_crossing, window_left
from hub.credit.facts import PenaltyFact
from hub.credit.joint_rules import load_joint_rules
from hub.credit.model import load_model
from hub.credit.schedule import seconds_until_next_run
from hub.lease import LeaseState, held_by_another

D = dt.date


def test_the_start_days_a_threshold_passes_in_the_days_covered() -> None:
    # founded 2025-06-16: twelve months old on 2026-06-16, the one day after 2026-06-15
    assert starts_crossing(D(2026, 6, 15), D(2026, 6, 16), 12) == DayRange(
        D(2025, 6, 16), D(2025, 6, 16)
    )
    # 2024-02-29 plus twelve months is clamped to 2025-02-28, as 2024-02-28's is
    assert starts_crossing(D(2025, 2, 27), D(2025, 2, 28), 12) == DayRange(
        D(2024, 2, 28), D(2024, 2, 29)
    )
    # no day one month later is 2026-03-29 (02-28 gives 03-28, 03-01 gives 04-01): none
    none = starts_crossing(D(2026, 3, 28), D(2026, 3, 29), 1)
    assert none == DayRange(D(2026, 3, 1), D(2026, 2, 28)) and none.first > none.last


def test_the_days_a_fact_leaves_a_window() -> None:
    # the window of 2026-06-15 is (2025-06-15, 2026-06-15], of 2026-06-16 (2025-06-16, ...]
    assert window_left(D(2026, 6, 15), D(2026, 6, 16), 12) == DayRange(
        D(2025, 6, 16), D(2025, 6, 16)
    )
    assert window_left(D(2026, 6, 15), D(2026, 7, 15), 12) == DayRange(
        D(2025, 6, 16), D(2025, 7, 15)
    )


def test_due_params_come_from_the_model_and_the_rules() -> None:
    params = due_params(load_model(), load_joint_rules(), D(2026, 6, 15), D(2026, 6, 16))
    assert params == {
        "d0": D(2026, 6, 15),
        "d1": D(2026, 6, 16),
        "orders_left_from": D(2025, 6, 16),  # 12-month order window
        "orders_left_to": D(2025, 6, 16),
        "collections_left_from": D(2025, 6, 16),  # 12-month collection window
        "collections_left_to": D(2025, 6, 16),
        "age_from": D(2025, 6, 16),  # grade M under 12 months old
        "age_to": D(2025, 6, 16),
        "clean_from": D(2023, 6, 16),  # incentive criteria: 3 clean years
        "clean_to": D(2023, 6, 16),
        "undated_public_since": D(2023, 6, 16),  # the longest publicity: 36 months
        "published": ["GENERAL", "SERIOUS"],
        "unmarked": "MINOR",
    }


def test_an_empty_span_of_days_is_refused_and_one_day_is_not() -> None:
    model, rules = load_model(), load_joint_rules()
    with pytest.raises(ValueError, match="none"):
        due_params(model, rules, D(2026, 6, 15), D(2026, 6, 15))
    assert due_params(model, rules, D(2026, 6, 15), D(2026, 6, 16))["d1"] == D(2026, 6, 16)


SERIOUS = PenaltyFact(
    id="P-1",
    department="CUSTOMS",
    severity="SERIOUS",
    decided_on=D(2025, 6, 16),
    public_until=D(2026, 6, 16),
)


def test_a_penalty_moves_when_its_publicity_ends_or_its_decay_steps() -> None:
    model = load_model()
    # public until 2026-06-16 (its first day no longer public)
    assert penalty_moves(model, SERIOUS, D(2026, 6, 15), D(2026, 6, 16))
    assert not penalty_moves(model, SERIOUS, D(2026, 6, 16), D(2026, 6, 17))
    # -20 decaying to -10 over 365 days: round(-20 + 10 * day / 365) is -20 to day 18 and
    # -19 from day 19 (2025-07-05); -11 to day 346 and -10 from day 347 (2026-05-29)
    assert penalty_moves(model, SERIOUS, D(2025, 7, 4), D(2025, 7, 5))
    assert not penalty_moves(model, SERIOUS, D(2025, 7, 3), D(2025, 7, 4))
    assert penalty_moves(model, SERIOUS, D(2026, 5, 28), D(2026, 5, 29))
    assert not penalty_moves(model, SERIOUS, D(2026, 5, 29), D(2026, 5, 30))
    # decided 2025-06-16: it starts to count that day
    assert penalty_moves(model, SERIOUS, D(2025, 6, 15), D(2025, 6, 16))
    repaired = SERIOUS.model_copy(update={"repaired_on": D(2026, 1, 10)})
    assert penalty_moves(model, repaired, D(2026, 1, 9), D(2026, 1, 10))
    assert not penalty_moves(model, repaired, D(2026, 1, 10), D(2026, 6, 16))


NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC)


def test_a_lease_keeps_others_out_until_it_expires() -> None:
    held = LeaseState(holder="hub-a", until=NOW + dt.timedelta(minutes=5))
    assert held_by_another(held, "hub-b", NOW)
    # allowed: its own holder, anyone once it has expired, anyone when it is free
    assert not held_by_another(held, "hub-a", NOW)
    assert not held_by_another(held, "hub-b", NOW + dt.timedelta(minutes=5))
    assert not held_by_another(LeaseState(), "hub-b", NOW)


def test_the_next_run_is_at_the_time_of_day_or_sooner_by_the_interval() -> None:
    at_ten_past = dt.time(0, 10)
    late = dt.datetime(2026, 6, 15, 23, 0, tzinfo=dt.UTC)
    assert seconds_until_next_run(late, at_ten_past, 0) == 70 * 60
    assert seconds_until_next_run(late, at_ten_past, 3600) == 3600
    early = dt.datetime(2026, 6, 16, 0, 5, tzinfo=dt.UTC)
    assert seconds_until_next_run(early, at_ten_past, 3600) == 5 * 60
    # a run at 00:10 sharp waits for tomorrow's
    sharp = dt.datetime(2026, 6, 16, 0, 10, tzinfo=dt.UTC)
    assert seconds_until_next_run(sharp, at_ten_past, 0) == 24 * 3600
    # the time of day is UTC's: 08:05 in Shanghai is 00:05 UTC
    shanghai = dt.timezone(dt.timedelta(hours=8))
    assert seconds_until_next_run(early.astimezone(shanghai), at_ten_past, 0) == 5 * 60
