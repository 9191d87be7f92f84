"""Which dates move a rating or a list's coverage with no new data: the date arithmetic, pure.

A stored rating is computed as of a day; the same facts rate differently on a later day when
a date inside them is passed: a penalty's publicity starts or ends, its decay takes a step, a
classification or a list entry starts or ends, a tie begins or ends, an order or a collection
leaves the rating's 12-month window, a loan falls due, an enterprise turns old enough to leave
grade M, a mark leaves the incentive criteria's clean years, a coverage row starts, ends or is
withdrawn. `hub.credit.cypher.DUE_SUBJECTS` finds the enterprises and persons with such a date
in (d0, d1]; this module works out its parameters from the rating model and the joint rules (no
number is copied), and judges penalty decay with the engine's own arithmetic. No I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph_schema.dates import add_months
from graph_schema.model import Severity
from graph_schema.publicity import PUBLICITY, Publicity
from hub.credit.engine import penalty_points
from hub.credit.facts import PenaltyFact
from hub.credit.joint_rules import JointRules
from hub.credit.model import RatingModel


@dataclass(frozen=True)
class DayRange:
    """The days from `first` to `last`, both included (empty when `first` is after `last`)."""

    first: dt.date
    last: dt.date


def starts_crossing(d0: dt.date, d1: dt.date, months: int) -> DayRange:
    """The start days `x` whose `add_months(x, months)` falls in (d0, d1]: the facts dated `x`
    that a `months` threshold (an age, a clean window, a publicity period) passes then.

    `add_months` clamps to a month's last day, so it is not invertible day by day: the bounds
    are found near `add_months(d, -months)` and moved until they hold.
    """
    first = add_months(d0, -months) - dt.timedelta(days=4)
    while add_months(first, months) <= d0:
        first += dt.timedelta(days=1)
    last = add_months(d1, -months) + dt.timedelta(days=4)
    while add_months(last, months) > d1:
        last -= dt.timedelta(days=1)
    return DayRange(first, last)


def window_left(d0: dt.date, d1: dt.date, months: int) -> DayRange:
    """The days a fact may be dated to leave a window of the `months` up to the rating's day
    (from after `add_months(day, -months)` to the day) when the day moves from d0 to d1."""
    return DayRange(add_months(d0, -months) + dt.timedelta(days=1), add_months(d1, -months))


def due_params(
    model: RatingModel,
    rules: JointRules,
    d0: dt.date,
    d1: dt.date,
    publicity: Publicity = PUBLICITY,
) -> dict[str, Any]:
    """The parameters of `DUE_SUBJECTS` for the days after `d0` up to `d1`."""
    if d1 <= d0:
        raise ValueError(f"the days to cover run from after {d0} to {d1}: none")
    longest = max(
        (period.longest_months for period in publicity.severities.values() if period),
        default=0,
    )
    age = starts_crossing(d0, d1, model.m_rules.min_age_months)
    clean = starts_crossing(d0, d1, 12 * rules.incentive.criteria.clean_years)
    orders = window_left(d0, d1, model.orders.window_months)
    collections = window_left(d0, d1, model.collections.window_months)
    return {
        "d0": d0,
        "d1": d1,
        "orders_left_from": orders.first,
        "orders_left_to": orders.last,
        "collections_left_from": collections.first,
        "collections_left_to": collections.last,
        "age_from": age.first,
        "age_to": age.last,
        "clean_from": clean.first,
        "clean_to": clean.last,
        # a penalty recorded without its end is public for its severity's longest period
        "undated_public_since": starts_crossing(d0, d1, longest).first,
        "published": sorted(
            severity.value for severity, period in publicity.severities.items() if period
        ),
        "unmarked": Severity.MINOR.value,
    }


def penalty_moves(model: RatingModel, penalty: PenaltyFact, d0: dt.date, d1: dt.date) -> bool:
    """Whether `penalty` counts differently on `d1` than on `d0`: it became or stopped being
    public, was repaired, or its decay took a step (the engine's own points, compared)."""
    return penalty_points(model, penalty, d0) != penalty_points(model, penalty, d1)
