"""The consolidated lists in the API: jointPunishmentList, jointIncentiveList, measuresFor.

Rows come from what the credit recomputer stored (`hub.credit.reads`); which lists and whose
rows a caller sees is `auth.policy.list_scope`, applied in the query, so a hidden row is never
read. Fields are checked by the catalog like every other (lists:read; person keys need
pii:read or graph:read; grades need credit:read).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from auth.policy import list_scope
from graph_schema.model import ListKind
from hub.api.context import Info
from hub.api.errors import bad_user_input, checked_day, shown
from hub.api.pagination import decode_cursor, encode_cursor, page_size
from hub.api.types import PageInfo, Person
from hub.credit.facts import PathStep
from hub.credit.joint_rules import JointRules
from hub.credit.reads import ListQuery, StoredCoverage, joint_list_page

DEFAULT_PAGE, MAX_PAGE = 50, 500


@strawberry.enum(description="Whom a list row covers.")
class SubjectType(Enum):
    ENTERPRISE = "ENTERPRISE"
    PERSON = "PERSON"


@strawberry.type(description="One department's measures.")
class DepartmentMeasures:
    department: str
    measures: list[str]


@strawberry.type(description="One node of the path from a list entry to the subject it covers.")
class CoverageStep:
    label: str = strawberry.field(description="ListEntry, Enterprise, Person or Classification.")
    key: str | None = strawberry.field(
        description="The entry or classification id, or the enterprise's USCC; null for a person."
    )
    person_key: str | None = strawberry.field(description="A person's key (personal data).")
    relationship: str | None = strawberry.field(description="The relationship to the next node.")


@strawberry.type(
    description="A subject on a consolidated list: why, through what, and what follows."
)
class JointListEntry:
    id: str
    list_kind: ListKind = strawberry.field(name="list")
    cause: str = strawberry.field(
        description="The list entry that put the subject here, or CRITERIA:<ids> for an "
        "incentive earned by classification."
    )
    department: str = strawberry.field(description="The department of the cause.")
    subject_type: SubjectType
    uscc: str | None = strawberry.field(description="The enterprise, for enterprise subjects.")
    enterprise_name: str | None
    person: Person | None = strawberry.field(description="The person, for person subjects.")
    subject_role: str = strawberry.field(
        description="ENTERPRISE (the listed one), PERSON, or RELATED_ENTERPRISE (reached)."
    )
    relation: str = strawberry.field(description="How the subject is covered, in plain words.")
    zone: str | None
    depth: int = strawberry.field(
        description="0 for the listed subject and its responsible "
        "persons, 1 and more for enterprises reached through them."
    )
    valid_from: dt.date
    valid_until: dt.date | None = strawberry.field(description="Removal or expiry of the cause.")
    withdrawn_on: dt.date | None = strawberry.field(
        description="When the path to the subject stopped holding (a tie ended), if it did."
    )
    path: list[CoverageStep]
    evidence: list[str]
    measures: list[DepartmentMeasures]
    basis: str
    rules_version: str


@strawberry.type
class JointListEdge:
    cursor: str
    node: JointListEntry


@strawberry.type(description="A page of a consolidated list, in id order.")
class JointListConnection:
    edges: list[JointListEdge]
    page_info: PageInfo


@strawberry.input(description="Narrow a consolidated list; every field is optional.")
class JointListFilter:
    department: str | None = strawberry.field(
        default=None, description="Rows with measures for this department (e.g. CUSTOMS, BANK)."
    )
    list_kind: ListKind | None = strawberry.field(default=None, name="list")
    subject_type: SubjectType | None = None
    zone: str | None = None


@strawberry.type(description="Measures that apply to an enterprise because of one cause.")
class AppliedMeasures:
    kind: str = strawberry.field(description="PUNISHMENT or INCENTIVE.")
    list_kind: ListKind = strawberry.field(name="list")
    cause: str
    relation: str
    valid_until: dt.date | None
    measures: list[str]
    path: list[CoverageStep]


@strawberry.type(description="What one department must do with one enterprise on a date.")
class EnterpriseMeasures:
    uscc: str
    department: str
    as_of: dt.date
    grade: str | None = strawberry.field(description="The enterprise's grade (credit:read).")
    treatment: list[str] | None = strawberry.field(description="What the grade means.")
    measures: list[AppliedMeasures] = strawberry.field(
        description="Measures of this department from the lists covering the enterprise."
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


def enterprises_of(row: StoredCoverage) -> list[str]:
    """The enterprises a list row names: its subject, if an enterprise, and those on its path."""
    subject = [row.subject_key] if row.subject_type == "ENTERPRISE" else []
    return subject + [step.key for step in row.path if step.label == "Enterprise"]


def _entry(row: StoredCoverage) -> JointListEntry:
    is_person = row.subject_type == "PERSON"
    return JointListEntry(
        id=row.id,
        list_kind=ListKind(row.list),
        cause=row.cause,
        department=row.department,
        subject_type=SubjectType(row.subject_type),
        uscc=None if is_person else row.subject_key,
        enterprise_name=None if is_person else row.subject_name,
        person=Person(person_key=row.subject_key, name=row.subject_name, id_masked=None)
        if is_person
        else None,
        subject_role=row.subject_role,
        relation=row.relation,
        zone=row.zone,
        depth=row.depth,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        withdrawn_on=row.withdrawn_on,
        path=steps(row.path),
        evidence=list(row.evidence),
        measures=[
            DepartmentMeasures(department=dept, measures=list(texts))
            for dept, texts in sorted(row.measures.items())
        ],
        basis=row.basis,
        rules_version=row.rules_version,
    )


def checked_department(rules: JointRules, department: str | None) -> str | None:
    if department is None or department in rules.departments:
        return department
    raise bad_user_input(
        f"department {shown(department)!r} has no measures in joint rules {rules.version}; "
        f"known: {', '.join(rules.departments)}",
        argument="department",
    )


async def joint_list(
    info: Info,
    kind: str,
    filter: JointListFilter | None,
    first: int | None,
    after: str | None,
    as_of: dt.date | None,
    include_ended: bool,
) -> JointListConnection:
    state = info.context.request.app.state
    where = filter or JointListFilter()
    scope = list_scope(info.context.catalog, info.context.principal)
    size = page_size(first, DEFAULT_PAGE, MAX_PAGE)
    query = ListQuery(
        kind=kind,
        lists=scope.lists,
        as_of=checked_day(as_of, "asOf") or info.context.now.date(),
        limit=size + 1,
        after=decode_cursor(after, "coverage") if after else None,
        list=where.list_kind.value if where.list_kind else None,
        subject_type=where.subject_type.value if where.subject_type else None,
        zone=where.zone,
        department=checked_department(state.joint_rules, where.department),
        only_uscc=scope.only_uscc,
        include_ended=include_ended,
    )
    rows = await joint_list_page(state.driver, state.settings.neo4j_database, query)
    page = rows[:size]
    info.context.loaders.touch(info.path, (u for row in page for u in enterprises_of(row)))
    edges = [
        JointListEdge(cursor=encode_cursor(row.id, "coverage"), node=_entry(row)) for row in page
    ]
    return JointListConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
    )


def enterprises_named(measures: list[AppliedMeasures]) -> list[str]:
    """The enterprises the measures' paths name: what the answer carries of them (audited)."""
    return [s.key for m in measures for s in m.path if s.label == "Enterprise" and s.key]


def applied(rows: list[StoredCoverage], department: str | None) -> list[AppliedMeasures]:
    """Each row's measures (of `department` only, when given), rows without any left out."""
    found = []
    for row in rows:
        texts = (
            [t for texts in row.measures.values() for t in texts]
            if department is None
            else list(row.measures.get(department, ()))
        )
        if texts:
            found.append(
                AppliedMeasures(
                    kind=row.kind,
                    list_kind=ListKind(row.list),
                    cause=row.cause,
                    relation=row.relation,
                    valid_until=row.valid_until,
                    measures=texts,
                    path=steps(row.path),
                )
            )
    return found


__all__ = [
    "AppliedMeasures",
    "EnterpriseMeasures",
    "JointListConnection",
    "JointListFilter",
    "joint_list",
]
