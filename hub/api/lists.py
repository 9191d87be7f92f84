"""The consolidated lists in the API: jointPunishmentList, jointIncentiveList, measuresFor.

Rows come from what the credit recomputer stored (`hub.credit.reads`); which lists and whose
rows a caller sees is `auth.policy.list_visibility`, applied in the query, so a hidden row is never
read: the public (and banks and insurers) see the listed subjects of the published lists only,
never the persons or incentives the hub derives. Fields are checked by the catalog like every
other (lists:read; person keys need pii:read or graph:read; grades need credit:read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from enum import Enum

import strawberry

from auth.policy import list_visibility
from graph_schema.model import Department, ListKind
from hub.api.context import Info
from hub.api.credit import credit_profile_of
from hub.api.errors import checked_day, checked_uscc
from hub.api.measures import (
    CoverageStep,
    EnterpriseMeasures,
    LegalMeasure,
    applied,
    checked_department,
    enterprises_named,
    legal,
    steps,
)
from hub.api.pagination import bounded, decode_cursor, encode_cursor
from hub.api.statutory import known_department, statutory_of
from hub.api.types import PageInfo, Person
from hub.credit.reads import ListQuery, StoredCoverage, enterprise_coverage, joint_list_page


@strawberry.enum(description="Whom a list row covers.")
class SubjectType(Enum):
    ENTERPRISE = "ENTERPRISE"
    PERSON = "PERSON"


@strawberry.type(description="One department's measures, each with its legal basis.")
class DepartmentMeasures:
    department: str
    measures: list[str] = strawberry.field(
        description="The measures' texts, as in `items` (kept for existing clients)."
    )
    items: list[LegalMeasure] = strawberry.field(
        description="The measures, each with its legal basis."
    )


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
        description="ENTERPRISE (the listed one), PERSON (listed, or covered where a law "
        "provides it, e.g. the legal representative of a unit judgment debtor), or "
        "RELATED_ENTERPRISE (reached; only where a rule with a legal basis provides it, which "
        "none of the current rules does)."
    )
    relation: str = strawberry.field(description="How the subject is covered, in plain words.")
    zone: str | None
    depth: int = strawberry.field(
        description="0 for the listed subject and its covered responsible persons, 1 and more "
        "for enterprises reached through them."
    )
    valid_from: dt.date
    valid_until: dt.date | None = strawberry.field(description="Removal or expiry of the cause.")
    withdrawn_on: dt.date | None = strawberry.field(
        description="When the path to the subject stopped holding (a tie ended), if it did."
    )
    path: list[CoverageStep]
    evidence: list[str]
    measures: list[DepartmentMeasures]
    basis: str = strawberry.field(
        description="The list's own basis (who lists, what is published); each measure "
        "carries its own in `measures.items`."
    )
    rules_version: str


@strawberry.type
class JointListEdge:
    cursor: str
    node: JointListEntry


@strawberry.type(description="A page of a consolidated list, in id order.")
class JointListConnection:
    edges: list[JointListEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="Rows the filter keeps (of the lists the caller may see), over all pages."
    )


@strawberry.input(description="Narrow a consolidated list; every field is optional.")
class JointListFilter:
    department: str | None = strawberry.field(
        default=None, description="Rows with measures for this department (e.g. CUSTOMS, BANK)."
    )
    list_kind: ListKind | None = strawberry.field(default=None, name="list")
    subject_type: SubjectType | None = None
    zone: str | None = None


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
            DepartmentMeasures(
                department=dept, measures=[m.measure for m in items], items=legal(items)
            )
            for dept, items in sorted(row.measures.items())
        ],
        basis=row.basis,
        rules_version=row.rules_version,
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
    services = info.context.services
    where = filter or JointListFilter()
    scope = list_visibility(services.rules.catalog, info.context.principal)
    size = bounded(first, services.settings.limits.joint_lists)
    query = ListQuery(
        kind=kind,
        lists=scope.lists,
        as_of=checked_day(as_of, "asOf") or info.context.now.date(),
        limit=size + 1,
        after=decode_cursor(after, "coverage") if after else None,
        list=where.list_kind.value if where.list_kind else None,
        subject_type=where.subject_type.value if where.subject_type else None,
        zone=where.zone,
        department=checked_department(services.rules.joint_rules, where.department),
        only_uscc=scope.only_uscc,
        listed_only=scope.listed_only,
        include_ended=include_ended,
    )
    total, rows = await joint_list_page(services.driver, services.database, query)
    page = rows[:size]
    info.context.loaders.touch(info.path, (u for row in page for u in enterprises_of(row)))
    edges = [
        JointListEdge(cursor=encode_cursor(row.id, "coverage"), node=_entry(row)) for row in page
    ]
    return JointListConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], len(rows) > size, after),
        total_count=total,
    )


async def measures_for(
    info: Info, uscc: str, department: str, as_of: dt.date | None
) -> EnterpriseMeasures | None:
    services = info.context.services
    checked = known_department(department)
    profile = await credit_profile_of(info, uscc, as_of)
    if profile is None:
        return None  # unknown, or not the caller's to see
    scope = list_visibility(services.rules.catalog, info.context.principal)
    rows = await enterprise_coverage(
        services.driver, services.database, uscc, profile.as_of, scope.lists
    )
    zone_services = checked == Department.ZONE_ADMIN.value  # the zone provides them
    return EnterpriseMeasures(
        uscc=uscc,
        department=checked,
        as_of=profile.as_of,
        grade=profile.grade,
        grade_label=profile.grade_label,
        treatment=list(profile.treatment.measures) if zone_services else None,
        statutory=statutory_of(services.rules.statutory, profile.facts, checked),
        measures=applied(rows, checked),
    )


def _joint_list_of(kind: str) -> Callable[..., Awaitable[JointListConnection]]:
    """The resolver of one consolidated list (`kind`: PUNISHMENT or INCENTIVE)."""

    async def resolve(
        info: Info,
        filter: JointListFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        as_of: dt.date | None = None,
        include_ended: bool = False,
    ) -> JointListConnection:
        return await joint_list(info, kind, filter, first, after, as_of, include_ended)

    return resolve


@strawberry.type
class ListsQuery:
    joint_punishment_list: JointListConnection = strawberry.field(
        resolver=_joint_list_of("PUNISHMENT"),
        description="The consolidated joint-punishment list: every subject an authoritative "
        "list entry covers (the listed subject and the responsible persons a law covers), with "
        "the path, each department's measures with their legal basis and the dates. The "
        "public, banks and insurers see only the listed subjects of the published lists. Rows "
        "that apply on `asOf` (default today), unless `includeEnded`.",
    )
    joint_incentive_list: JointListConnection = strawberry.field(
        resolver=_joint_list_of("INCENTIVE"),
        description="The consolidated red list: enterprises earning joint incentives (a "
        "red-list entry, or advanced certified and tax A with no penalty or list entry for "
        "3 years), with the measures of each department and their legal basis. The public, "
        "banks and insurers see only the red list's entries, not incentives the hub derives.",
    )

    @strawberry.field(
        description="What one department must do with one enterprise on a date: the "
        "department's statutory measures from its own classification (`statutory`) and its "
        "measures from the lists covering the enterprise (`measures`), each with its legal "
        "basis; the zone's services for the composite grade only for ZONE_ADMIN; null when "
        "the enterprise is unknown or not the caller's to see."
    )
    async def measures_for(
        self, info: Info, uscc: str, department: str, as_of: dt.date | None = None
    ) -> EnterpriseMeasures | None:
        found = await measures_for(info, checked_uscc(uscc), department, as_of)
        if found is not None:  # the enterprise, and those its measures' paths name
            named = enterprises_named(found.measures)
            info.context.loaders.touch(info.path, [found.uscc, *named])
        return found
