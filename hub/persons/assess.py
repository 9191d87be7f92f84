"""A person's level from their facts: pure functions over `PersonFacts` and the person model.

Each factor gives its points per item up to its cap, one line of reason, the ids behind it and
the paths that bring it, person first (person → role → enterprise → list entry). A factor
that says a measure applies to the person forces RESTRICTED; otherwise the points fall in a
band of `person_model.json`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph_schema.dates import add_months
from graph_schema.model import EnterpriseStatus, ListKind
from hub.credit.facts import PathStep
from hub.credit.reads import StoredCoverage
from hub.persons.facts import EntryFact, PersonFacts, RoleFact
from hub.persons.model import CountFactor, ListFactor, PersonModel

_RELATION_ORDER = {"LEGAL_REPRESENTATIVE_OF": 0, "OFFICER_OF": 1, "SHAREHOLDER_OF": 2}


@dataclass(frozen=True)
class PersonFactor:
    code: str
    points: int
    reason: str
    basis: str
    evidence: tuple[str, ...]
    paths: tuple[tuple[PathStep, ...], ...]


@dataclass(frozen=True)
class PersonAssessment:
    level: str
    label: str
    meaning: str
    forced_by: str | None
    factors: tuple[PersonFactor, ...]
    model_version: str


def person_first(path: tuple[PathStep, ...]) -> tuple[PathStep, ...]:
    """A stored coverage path (list entry first) turned to start at the person; each step's
    relationship is then the graph's own direction, e.g. (Person)-[:LEGAL_REPRESENTATIVE_OF]->
    (Enterprise)-[:LISTED]->(ListEntry)."""
    steps = list(reversed(path))
    relationships = [path[i].relationship for i in reversed(range(len(path) - 1))]
    return tuple(
        PathStep(step.label, step.key, relationship)
        for step, relationship in zip(steps, [*relationships, None], strict=True)
    )


def counts_as_role(model: PersonModel, role: RoleFact, day: dt.date) -> bool:
    """A tie the factors count: in force on `day`, and for a shareholding of at least the
    model's ratio."""
    if not role.current(day):
        return False
    return role.relationship != "SHAREHOLDER_OF" or (role.ratio or 0) >= model.shareholder_min_ratio


def _by_enterprise(model: PersonModel, facts: PersonFacts) -> dict[str, RoleFact]:
    """The counted role of each enterprise (the strongest tie, when several)."""
    chosen: dict[str, RoleFact] = {}
    ordered = sorted(facts.roles, key=lambda r: (r.uscc, _RELATION_ORDER.get(r.relationship, 9)))
    for role in ordered:
        if counts_as_role(model, role, facts.as_of):
            chosen.setdefault(role.uscc, role)
    return chosen


def _capped(factor: CountFactor | ListFactor, points: int) -> int:
    return min(points, factor.cap)


def points_of(factor: ListFactor, kind: str) -> int | None:
    """The factor's points for an entry of list `kind`; None for a list it does not count."""
    try:
        return factor.points.get(ListKind(kind))
    except ValueError:
        return None


def _own_entries(model: PersonModel, facts: PersonFacts) -> PersonFactor | None:
    factor = model.factors.own_list_entry
    found = sorted(
        (
            e
            for e in facts.entries
            if e.in_force(facts.as_of) and points_of(factor, e.list) is not None
        ),
        key=lambda e: e.id,
    )
    if not found:
        return None
    named = ", ".join(f"{e.list} ({e.id})" for e in found)
    return PersonFactor(
        code=factor.code,
        points=_capped(factor, sum(points_of(factor, e.list) or 0 for e in found)),
        reason=f"named on {len(found)} list entr{'y' if len(found) == 1 else 'ies'} in force: "
        f"{named}",
        basis=factor.basis,
        evidence=tuple(e.id for e in found),
        paths=tuple(
            (PathStep("Person", facts.person_key, "LISTED"), PathStep("ListEntry", e.id))
            for e in found
        ),
    )


def through_enterprises(facts: PersonFacts) -> list[StoredCoverage]:
    """The punishment rows covering the person through an enterprise (not their own entry)."""
    own = {e.id for e in facts.entries}
    return sorted(
        (
            row
            for row in facts.coverage
            if row.kind == "PUNISHMENT" and row.cause not in own and row.applies_on(facts.as_of)
        ),
        key=lambda row: row.id,
    )


def _joint_measures(model: PersonModel, facts: PersonFacts) -> PersonFactor | None:
    factor = model.factors.joint_measures
    rows = through_enterprises(facts)
    if not rows:
        return None
    named = ", ".join(f"{row.list} ({row.cause}): {row.relation}" for row in rows)
    return PersonFactor(
        code=factor.code,
        points=_capped(factor, factor.points * len(rows)),
        reason=f"covered by the joint measures of {len(rows)} list entr"
        f"{'y' if len(rows) == 1 else 'ies'}: {named}",
        basis=factor.basis,
        evidence=tuple(row.cause for row in rows),
        paths=tuple(person_first(row.path) for row in rows),
    )


def _role_step(facts: PersonFacts, role: RoleFact) -> PathStep:
    return PathStep("Person", facts.person_key, role.relationship)


def _listed_roles(model: PersonModel, facts: PersonFacts) -> PersonFactor | None:
    factor = model.factors.role_in_listed_enterprise
    covering = {row.cause for row in facts.coverage if row.applies_on(facts.as_of)}
    points = 0
    evidence: list[str] = []
    paths: list[tuple[PathStep, ...]] = []
    names: list[str] = []
    for uscc, role in sorted(_by_enterprise(model, facts).items()):
        entries: list[EntryFact] = sorted(
            (
                e
                for e in role.entries
                if e.in_force(facts.as_of)
                and points_of(factor, e.list) is not None
                and e.id not in covering
            ),
            key=lambda e: e.id,
        )
        if not entries:
            continue
        points += max(points_of(factor, e.list) or 0 for e in entries)
        names.append(f"{role.name} ({', '.join(e.list for e in entries)})")
        for entry in entries:
            evidence.append(entry.id)
            paths.append(
                (
                    _role_step(facts, role),
                    PathStep("Enterprise", uscc, "LISTED"),
                    PathStep("ListEntry", entry.id),
                )
            )
    if not evidence:
        return None
    return PersonFactor(
        code=factor.code,
        points=_capped(factor, points),
        reason=f"holds a role in {len(names)} enterprise{'s' if len(names) > 1 else ''} "
        f"with a list entry in force that does not cover the person: {'; '.join(names)}",
        basis=factor.basis,
        evidence=tuple(evidence),
        paths=tuple(paths),
    )


def _revoked_roles(model: PersonModel, facts: PersonFacts) -> PersonFactor | None:
    factor = model.factors.role_in_revoked_enterprise
    window_start = add_months(facts.as_of, -factor.window_months)
    found: dict[str, RoleFact] = {}
    for role in sorted(facts.roles, key=lambda r: r.uscc):
        revoked_on = role.status_since
        if (
            role.relationship != "LEGAL_REPRESENTATIVE_OF"
            or role.status != EnterpriseStatus.REVOKED.value
            or revoked_on is None
            or not window_start < revoked_on <= facts.as_of
        ):
            continue
        if role.current(revoked_on):  # he represented it when the licence was revoked
            found.setdefault(role.uscc, role)
    if not found:
        return None
    return PersonFactor(
        code=factor.code,
        points=_capped(factor, factor.points * len(found)),
        reason="was the legal representative when the business licence was revoked, within "
        f"{factor.window_months} months: "
        + "; ".join(f"{r.name} (revoked {r.status_since})" for r in found.values()),
        basis=factor.basis,
        evidence=tuple(found),
        paths=tuple(
            (_role_step(facts, role), PathStep("Enterprise", uscc)) for uscc, role in found.items()
        ),
    )


def _low_grade_roles(model: PersonModel, facts: PersonFacts) -> PersonFactor | None:
    factor = model.factors.role_in_low_grade_enterprise
    found = {
        uscc: role
        for uscc, role in sorted(_by_enterprise(model, facts).items())
        if role.grade is not None and role.grade.grade in factor.grades
    }
    if not found:
        return None
    return PersonFactor(
        code=factor.code,
        points=_capped(factor, factor.points * len(found)),
        reason=f"holds a role in {len(found)} enterprise{'s' if len(found) > 1 else ''} graded "
        f"{'/'.join(factor.grades)} by the zone: " + "; ".join(r.name for r in found.values()),
        basis=factor.basis,
        evidence=tuple(found),
        paths=tuple(
            (_role_step(facts, role), PathStep("Enterprise", uscc)) for uscc, role in found.items()
        ),
    )


def assess(model: PersonModel, facts: PersonFacts) -> PersonAssessment:
    """The person's factors and level on `facts.as_of`."""
    found = [
        factor
        for factor in (
            _own_entries(model, facts),
            _joint_measures(model, facts),
            _listed_roles(model, facts),
            _revoked_roles(model, facts),
            _low_grade_roles(model, facts),
        )
        if factor is not None and factor.points > 0
    ]
    forcing = {f.code for f in model.factors.all() if f.forces_restricted}
    forced_by = next((f.code for f in found if f.code in forcing), None)
    if forced_by is not None:
        restricted = model.restricted
        level, label, meaning = restricted.level, restricted.label, restricted.meaning
    else:
        band = model.band(sum(f.points for f in found))
        level, label, meaning = band.level, band.label, band.meaning
    return PersonAssessment(
        level=level,
        label=label,
        meaning=meaning,
        forced_by=forced_by,
        factors=tuple(found),
        model_version=model.version,
    )
