"""Statutory measures in the API: what a department does with an enterprise because of its
own classification of it (`hub.credit.statutory`), each with its legal basis and trigger.

Shared by `creditProfile.statutoryMeasures` and `measuresFor`. The zone's composite grade
never appears here: it drives only the zone's own services (`creditProfile.treatment`).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from graph_schema.model import Department
from hub.api.errors import bad_user_input, shown
from hub.credit.facts import RatingFacts
from hub.credit.statutory import StatutoryCatalog, statutory_measures


@strawberry.type(
    description="A measure a department applies because of its own classification of the "
    "enterprise, under the regime in force on the date asked."
)
class StatutoryMeasure:
    department: str
    measure: str
    basis: str = strawberry.field(
        description="The instrument and article; '(article not confirmed)' where the hub "
        "could not confirm the article."
    )
    scheme: str = strawberry.field(description="The classification scheme, e.g. CUSTOMS_CREDIT.")
    value: str = strawberry.field(description="The classification value that triggers it.")
    regime: str = strawberry.field(description="The regime applied, e.g. GACC_ORDER_282.")
    trigger: str = strawberry.field(description="The classification's id.")
    since: dt.date = strawberry.field(description="The classification's effective date.")


def known_department(department: str) -> str:
    """`department` if it is one of the hub's departments, else a BAD_USER_INPUT naming them."""
    if department not in Department.__members__:
        raise bad_user_input(
            f"department {shown(department)!r} is not known; known: {', '.join(Department)}",
            argument="department",
        )
    return department


def statutory_of(
    catalog: StatutoryCatalog, facts: RatingFacts, department: str | None
) -> list[StatutoryMeasure]:
    """The measures of `department` (all when None); an unknown department is refused."""
    if department is not None:
        known_department(department)
    return [
        StatutoryMeasure(
            department=m.department,
            measure=m.measure,
            basis=m.basis,
            scheme=m.scheme,
            value=m.value,
            regime=m.regime,
            trigger=m.trigger,
            since=m.since,
        )
        for m in statutory_measures(catalog, facts, department)
    ]
