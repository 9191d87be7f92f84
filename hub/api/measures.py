"""Joint measures in the API: what the lists covering an enterprise make each department do,
each measure with its legal basis, and the path from the list entry to the subject. Shared by
`creditProfile.measures`, `measuresFor` and the consolidated lists' rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import strawberry

from graph_schema.model import ListKind
from hub.api.errors import bad_user_input, shown
from hub.api.statutory import StatutoryMeasure
from hub.credit.facts import PathStep
from hub.credit.joint_rules import JointRules
from hub.credit.reads import StoredCoverage, StoredMeasure


@strawberry.type(description="One node of the path from a list entry to the subject it covers.")
class CoverageStep:
    label: str = strawberry.field(description="ListEntry, Enterprise, Person or Classification.")
    key: str | None = strawberry.field(
        description="The entry or classification id, or the enterprise's USCC; null for a person."
    )
    person_key: str | None = strawberry.field(description="A person's key (personal data).")
    relationship: str | None = strawberry.field(description="The relationship to the next node.")


@strawberry.type(
    description="One joint measure and its legal basis: the instrument and article that give "
    "it to the department holding it."
)
class LegalMeasure:
    measure: str = strawberry.field(description="What the department does.")
    basis: str = strawberry.field(
        description="The instrument and article; '(article not confirmed)' where the hub "
        "could not confirm the article. Never empty."
    )


def legal(items: Iterable[StoredMeasure]) -> list[LegalMeasure]:
    return [LegalMeasure(measure=m.measure, basis=m.basis) for m in items]


@strawberry.type(description="Measures that apply to an enterprise because of one cause.")
class AppliedMeasures:
    kind: str = strawberry.field(description="PUNISHMENT or INCENTIVE.")
    list_kind: ListKind = strawberry.field(name="list")
    cause: str
    relation: str
    valid_until: dt.date | None
    measures: list[str] = strawberry.field(
        description="The measures' texts, as in `items` (kept for existing clients)."
    )
    items: list[LegalMeasure] = strawberry.field(
        description="The measures, each with its legal basis."
    )
    path: list[CoverageStep]


@strawberry.type(description="What one department must do with one enterprise on a date.")
class EnterpriseMeasures:
    uscc: str
    department: str
    as_of: dt.date
    grade: str | None = strawberry.field(
        description="The zone composite credit grade (credit:read); it drives only the zone's "
        "own services, never this department's statutory measures."
    )
    grade_label: str | None = strawberry.field(
        description="The composite grade as officers read it, e.g. 综合A (credit:read)."
    )
    treatment: list[str] | None = strawberry.field(
        description="The zone's own services for the composite grade: given to ZONE_ADMIN, "
        "which provides them; null for every other department (credit:read)."
    )
    statutory: list[StatutoryMeasure] = strawberry.field(
        description="This department's measures from its own classification of the "
        "enterprise, under the regime in force on `asOf`, each with basis and trigger."
    )
    measures: list[AppliedMeasures] = strawberry.field(
        description="Measures of this department from the lists covering the enterprise, "
        "each with its legal basis (`items`)."
    )


def steps(path: tuple[PathStep, ...]) -> list[CoverageStep]:
    return [
        CoverageStep(
            label=step.label,
            key=None if step.label == "Person" else step.key,
            person_key=step.key if step.label == "Person" else None,
            relationship=step.relationship,
        )
        for step in path
    ]


def checked_department(rules: JointRules, department: str | None) -> str | None:
    """`department` if the joint rules set measures for it (None stays None), else a
    BAD_USER_INPUT naming the known ones."""
    if department is None or department in rules.departments:
        return department
    raise bad_user_input(
        f"department {shown(department)!r} has no measures in joint rules {rules.version}; "
        f"known: {', '.join(rules.departments)}",
        argument="department",
    )


def enterprises_named(measures: list[AppliedMeasures]) -> list[str]:
    """The enterprises the measures' paths name: what the answer carries of them (audited)."""
    return [s.key for m in measures for s in m.path if s.label == "Enterprise" and s.key]


def applied(rows: list[StoredCoverage], department: str | None) -> list[AppliedMeasures]:
    """Each row's measures (of `department` only, when given), rows without any left out."""
    return [
        AppliedMeasures(
            kind=row.kind,
            list_kind=ListKind(row.list),
            cause=row.cause,
            relation=row.relation,
            valid_until=row.valid_until,
            measures=[m.measure for m in items],
            items=legal(items),
            path=steps(row.path),
        )
        for row in rows
        if (items := row.measures_of(department))
    ]
