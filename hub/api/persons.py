"""Persons in the API: `personCreditProfile(personKey)`, the credit profile of a natural person
(个人信用评价), under pii:read.

The resolver maps the request to `hub.persons` and back: the person's ties to enterprises (each
enterprise read through the caller's visibility filter, with its current grade and list
entries), the entries naming the person, the joint measures covering them with the path that
brings each (person first), and the level of the person model with its factors. The answer's
enterprises and the person key are recorded in the audit trail. An unknown key answers null,
as a hidden one would; a key that is not one (or is an ID number) is a BAD_USER_INPUT.
"""

from __future__ import annotations

import datetime as dt
import re

import strawberry

from auth.policy import list_visibility
from graph_schema.model import ListKind
from hub.api.context import Info
from hub.api.errors import bad_user_input, shown
from hub.api.lists import DepartmentMeasures
from hub.api.measures import CoverageStep, legal, steps
from hub.credit.reads import StoredCoverage
from hub.persons.assess import PersonAssessment, assess, counts_as_role, person_first
from hub.persons.facts import EntryFact, PersonFacts, RoleFact
from hub.persons.reads import person_facts

# The hub's keys are 64 hex characters (HMAC-SHA256); keys made by hand in other graphs are
# letters, digits, '-' and '_'. Anything else is no key.
_PERSON_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,127}")
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]")


def checked_person_key(key: str, argument: str = "personKey") -> str:
    """The person key, or a BAD_USER_INPUT naming the rule it breaks. An ID number is refused
    without being echoed: the hub takes only the keyed hash, never the clear number."""
    value = key.strip()
    if _ID_NUMBER.fullmatch(value):
        raise bad_user_input(
            f"{argument} looks like a resident ID number; the hub never takes one: pass the "
            "person key (the keyed hash the hub shows as Person.personKey)",
            argument=argument,
        )
    if not _PERSON_KEY.fullmatch(value):
        raise bad_user_input(
            f"{argument} {shown(value)!r} is not a person key: 1 to 128 letters, digits, '-' "
            "or '_', starting with a letter or digit",
            argument=argument,
        )
    return value


@strawberry.type(
    description="A list entry: of the person, or of an enterprise they hold a role in."
)
class PersonListEntry:
    id: str
    list_kind: ListKind = strawberry.field(name="list")
    department: str
    listed_on: dt.date
    expires_on: dt.date | None
    removed_on: dt.date | None
    reason: str | None
    in_force: bool = strawberry.field(description="Neither removed nor expired at the date.")

    @classmethod
    def of(cls, entry: EntryFact, day: dt.date) -> PersonListEntry:
        return cls(
            id=entry.id,
            list_kind=ListKind(entry.list),
            department=entry.department,
            listed_on=entry.listed_on,
            expires_on=entry.expires_on,
            removed_on=entry.removed_on,
            reason=entry.reason,
            in_force=entry.in_force(day),
        )


@strawberry.type(
    description="One tie of the person to an enterprise, and that enterprise's record."
)
class PersonRole:
    relationship: str = strawberry.field(
        description="LEGAL_REPRESENTATIVE_OF, OFFICER_OF or SHAREHOLDER_OF."
    )
    role: str | None = strawberry.field(description="The officer's role (OFFICER_OF only).")
    ratio: float | None = strawberry.field(description="The shareholding, 0 to 1.")
    since: dt.date | None
    until: dt.date | None = strawberry.field(description="The tie's last day; null while it holds.")
    current: bool = strawberry.field(description="The tie holds at the date.")
    counted: bool = strawberry.field(
        description="The factors count it: current, and a shareholding of at least the model's "
        "ratio."
    )
    uscc: str
    enterprise_name: str
    status: str | None = strawberry.field(description="The enterprise's registry status.")
    status_since: dt.date | None
    grade: str | None = strawberry.field(
        description="The enterprise's current zone composite grade (stored rating); null when "
        "not rated."
    )
    grade_as_of: dt.date | None
    list_entries: list[PersonListEntry] = strawberry.field(
        description="The enterprise's list entries listed by the date, in force or not."
    )


@strawberry.type(description="The joint measures one list entry brings to the person.")
class PersonMeasures:
    list_kind: ListKind = strawberry.field(name="list")
    cause: str = strawberry.field(description="The list entry.")
    department: str = strawberry.field(description="The department of the entry.")
    relation: str = strawberry.field(description="How the person is covered, in plain words.")
    valid_from: dt.date
    valid_until: dt.date | None
    measures: list[DepartmentMeasures] = strawberry.field(
        description="Each department's measures, each with its legal basis."
    )
    path: list[CoverageStep] = strawberry.field(
        description="Person first: (Person)-[role]->(Enterprise)-[LISTED]->(ListEntry), or "
        "(Person)-[LISTED]->(ListEntry) for an entry naming the person."
    )


@strawberry.type(description="One contribution to the person's level.")
class PersonFactor:
    code: str
    points: int
    reason: str = strawberry.field(description="One line, in plain words.")
    basis: str
    evidence: list[str] = strawberry.field(description="Ids of the entries or enterprises.")
    paths: list[list[CoverageStep]] = strawberry.field(description="Person first.")


@strawberry.type(
    description="A person's credit profile (个人信用评价) at a date: roles, lists, measures and "
    "a level of the zone's own, a supervisory indicator never published (pii:read)."
)
class PersonCreditProfile:
    person_key: str
    name: str
    id_masked: str | None = strawberry.field(description="Region and last four characters only.")
    as_of: dt.date
    level: str = strawberry.field(
        description="CLEAR, ATTENTION, CONCERN or RESTRICTED (a list names the person or a "
        "joint measure covers them). A level, not a score: no law sets a personal credit score."
    )
    level_label: str = strawberry.field(description="The level as officers read it, e.g. 失信受限.")
    level_meaning: str
    forced_by: str | None = strawberry.field(description="The factor that forced RESTRICTED.")
    model_version: str
    factors: list[PersonFactor]
    roles: list[PersonRole] = strawberry.field(
        description="Ties to enterprises begun by the date, current first, then past ones."
    )
    roles_truncated: bool = strawberry.field(
        description="More ties than the limits table's person_roles: the rest are left out."
    )
    list_entries: list[PersonListEntry] = strawberry.field(
        description="List entries naming the person (e.g. a court's dishonest judgment debtor)."
    )
    measures: list[PersonMeasures] = strawberry.field(
        description="Joint measures applying to the person at the date, by cause."
    )


def _role(model_ratio_counts: bool, role: RoleFact, day: dt.date) -> PersonRole:
    return PersonRole(
        relationship=role.relationship,
        role=role.role,
        ratio=role.ratio,
        since=role.since,
        until=role.until,
        current=role.current(day),
        counted=model_ratio_counts,
        uscc=role.uscc,
        enterprise_name=role.name,
        status=role.status,
        status_since=role.status_since,
        grade=role.grade.grade if role.grade else None,
        grade_as_of=role.grade.as_of if role.grade else None,
        list_entries=[PersonListEntry.of(e, day) for e in role.entries],
    )


def _measures(row: StoredCoverage) -> PersonMeasures:
    return PersonMeasures(
        list_kind=ListKind(row.list),
        cause=row.cause,
        department=row.department,
        relation=row.relation,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        measures=[
            DepartmentMeasures(
                department=dept, measures=[m.measure for m in items], items=legal(items)
            )
            for dept, items in sorted(row.measures.items())
        ],
        path=steps(person_first(row.path)),
    )


def profile_of(
    facts: PersonFacts, assessed: PersonAssessment, truncated: bool
) -> PersonCreditProfile:
    return PersonCreditProfile(
        person_key=facts.person_key,
        name=facts.name,
        id_masked=facts.id_masked,
        as_of=facts.as_of,
        level=assessed.level,
        level_label=assessed.label,
        level_meaning=assessed.meaning,
        forced_by=assessed.forced_by,
        model_version=assessed.model_version,
        factors=[
            PersonFactor(
                code=f.code,
                points=f.points,
                reason=f.reason,
                basis=f.basis,
                evidence=list(f.evidence),
                paths=[steps(path) for path in f.paths],
            )
            for f in assessed.factors
        ],
        roles_truncated=truncated,
        roles=[],  # set by the resolver, once the enterprises' visibility is known
        list_entries=[PersonListEntry.of(e, facts.as_of) for e in facts.entries],
        measures=[_measures(row) for row in facts.coverage if row.kind == "PUNISHMENT"],
    )


async def person_credit_profile(info: Info, person_key: str) -> PersonCreditProfile | None:
    services = info.context.services
    key = checked_person_key(person_key)
    day = info.context.now.date()
    lists = list_visibility(services.rules.catalog, info.context.principal).lists
    read = await person_facts(
        services.driver,
        services.database,
        key,
        day,
        lists,
        services.settings.limits.person_roles.maximum,
    )
    if read is None:
        return None  # unknown: null, as a person the caller may not see would be
    # only the enterprises the caller may see (one query for all, through the loader)
    loaded = [await info.context.loaders.enterprise.load(r.uscc) for r in read.facts.roles]
    visible = [role for role, row in zip(read.facts.roles, loaded, strict=True) if row is not None]
    facts = read.facts.model_copy(update={"roles": tuple(visible)})
    model = services.rules.person_model
    profile = profile_of(facts, assess(model, facts), read.roles_truncated)
    profile.roles = [_role(counts_as_role(model, r, day), r, day) for r in visible]
    named = {r.uscc for r in visible} | {
        s.key for m in profile.measures for s in m.path if s.label == "Enterprise" and s.key
    }
    info.context.loaders.touch(info.path, named)
    info.context.loaders.touch_persons(info.path, [facts.person_key])
    return profile


@strawberry.type
class PersonQuery:
    @strawberry.field(
        description="A person's credit profile on today's date (pii:read): the enterprises "
        "they hold or held roles in with each one's current grade and list entries, the list "
        "entries naming them (court records included), the joint measures covering them with "
        "the path that brings each, and a level with its factors and evidence. Null for an "
        "unknown key. Take the key from Person.personKey: the hub never takes an ID number."
    )
    async def person_credit_profile(
        self, info: Info, person_key: str
    ) -> PersonCreditProfile | None:
        return await person_credit_profile(info, person_key)
