"""The credit profile in the API: a rating computed on request from the facts valid at a date.

The enterprise is read through the caller's row filter first, so a hidden enterprise has no
profile (null, exactly like an unknown one); the factors and their evidence need
credit:explain, the summary credit:read (the catalog says so, the policy checks it).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from auth.catalog import RowMode
from auth.policy import list_scope, network_detail_visible, row_scope
from hub.api.context import Info
from hub.api.errors import checked_day
from hub.api.lists import (
    AppliedMeasures,
    EnterpriseMeasures,
    applied,
    checked_department,
    enterprises_named,
)
from hub.api.objections import ObjectionType
from hub.api.objections import of_enterprise as objections_of_enterprise
from hub.api.pagination import page_size
from hub.credit import Rating, RatingModel, rate
from hub.credit.engine import active_list_entries, effective_classifications
from hub.credit.facts import PathStep, RatingFacts
from hub.credit.gather import gather_facts
from hub.credit.reads import enterprise_coverage, rating_history


@strawberry.type(description="One node of a path: its label, its key, the relationship onward.")
class PathNode:
    label: str
    key: str | None = strawberry.field(
        description="The entry or classification id, or the enterprise's USCC; null for a person."
    )
    person_key: str | None = strawberry.field(description="A person's key (personal data).")
    relationship: str | None

    @classmethod
    def of(cls, step: PathStep) -> PathNode:
        person = step.label == "Person"
        return cls(
            label=step.label,
            key=None if person else step.key,
            person_key=step.key if person else None,
            relationship=step.relationship,
        )


@strawberry.type(description="One contribution to a rating.")
class RatingFactor:
    code: str
    points: int
    reason: str = strawberry.field(description="One line, in plain words.")
    basis: str = strawberry.field(description="The regulation the factor comes from.")
    evidence: list[str] = strawberry.field(description="Ids of the facts behind it.")
    steps: strawberry.Private[tuple[tuple[PathStep, ...], ...]]

    @strawberry.field(description="For network factors.")
    def paths(self, info: Info) -> list[list[PathNode]]:
        named = [s.key for path in self.steps for s in path if s.label == "Enterprise"]
        info.context.loaders.touch(info.path, named)  # the answer names them: audited
        return [[PathNode.of(step) for step in path] for path in self.steps]


@strawberry.type(description="What the departments do with an enterprise of this grade.")
class GradeTreatment:
    name: str
    measures: list[str]


@strawberry.type(description="A department's classification of the enterprise at the date.")
class DepartmentClassification:
    id: str
    department: str
    scheme: str
    value: str
    effective_from: dt.date
    effective_to: dt.date | None


@strawberry.type(description="A list entry of the enterprise listed by the date.")
class CreditListEntry:
    id: str
    list: str
    department: str
    listed_on: dt.date
    expires_on: dt.date | None
    removed_on: dt.date | None
    in_force: bool = strawberry.field(description="Neither removed nor expired at the date.")


@strawberry.type(description="A stored rating: what the hub rated the enterprise, and when.")
class RatingSnapshot:
    score: int
    grade: str
    forced_by: str | None
    model_version: str
    as_of: dt.date
    computed_at: dt.datetime
    superseded_at: dt.datetime | None = strawberry.field(
        description="When a different rating replaced it; null for the current one."
    )
    treatment: str


@strawberry.type(description="An enterprise's credit rating as of a date, and why.")
class CreditProfile:
    uscc: str
    as_of: dt.date
    score: int
    grade: str = strawberry.field(description="A, B, C, D, or M (too new or too little data).")
    forced_by: str | None = strawberry.field(description="The factor that forced a D.")
    model_version: str
    base: int
    treatment: GradeTreatment
    factors: list[RatingFactor] | None
    facts: strawberry.Private[RatingFacts]

    @strawberry.field(description="Each department's classification in effect at the date.")
    def classifications(self) -> list[DepartmentClassification]:
        return [
            DepartmentClassification(
                id=c.id,
                department=c.department,
                scheme=c.scheme,
                value=c.value,
                effective_from=c.effective_from,
                effective_to=c.effective_to,
            )
            for _, c in sorted(effective_classifications(self.facts).items())
        ]

    @strawberry.field(description="The enterprise's list entries listed by the date.")
    def list_entries(self, info: Info) -> list[CreditListEntry]:
        visible = list_scope(info.context.catalog, info.context.principal).lists
        in_force = {entry.id for entry in active_list_entries(self.facts)}
        return [
            CreditListEntry(
                id=e.id,
                list=e.list,
                department=e.department,
                listed_on=e.listed_on,
                expires_on=e.expires_on,
                removed_on=e.removed_on,
                in_force=e.id in in_force,
            )
            for e in self.facts.list_entries
            if e.list in visible
        ]

    @strawberry.field(
        description="Joint punishment and incentive measures applying at the date, by cause; "
        "`department` keeps one department's."
    )
    async def measures(self, info: Info, department: str | None = None) -> list[AppliedMeasures]:
        state = info.context.request.app.state
        checked = checked_department(state.joint_rules, department)
        scope = list_scope(info.context.catalog, info.context.principal)
        rows = await enterprise_coverage(
            state.driver, state.settings.neo4j_database, self.uscc, self.as_of, scope.lists
        )
        found = applied(rows, checked)
        info.context.loaders.touch(info.path, enterprises_named(found))
        return found

    @strawberry.field(
        description="The enterprise's objections to its records, newest first: a PENDING one "
        "marks a record the rating still counts until its department answers."
    )
    async def objections(self, info: Info) -> list[ObjectionType]:
        return await objections_of_enterprise(info, self.uscc)

    @strawberry.field(description="The stored ratings, newest first (history changes only).")
    async def history(self, info: Info, first: int = 20) -> list[RatingSnapshot]:
        state = info.context.request.app.state
        size = page_size(first, 20, 200)
        rows = await rating_history(state.driver, state.settings.neo4j_database, self.uscc, size)
        return [
            RatingSnapshot(
                score=r.score,
                grade=r.grade,
                forced_by=r.forced_by,
                model_version=r.model_version,
                as_of=r.as_of,
                computed_at=r.computed_at,
                superseded_at=r.superseded_at,
                treatment=r.treatment,
            )
            for r in rows
        ]

    @classmethod
    def from_rating(
        cls, rating: Rating, facts: RatingFacts, *, network_detail: bool
    ) -> CreditProfile:
        """The profile; without `network_detail` (`auth.policy.network_detail_visible`) each
        network factor says how far, not whom."""
        factors = rating.factors if network_detail else [f.without_whom() for f in rating.factors]
        return cls(
            facts=facts,
            uscc=rating.uscc,
            as_of=rating.as_of,
            score=rating.score,
            grade=rating.grade,
            forced_by=rating.forced_by,
            model_version=rating.model_version,
            base=rating.base,
            treatment=GradeTreatment(
                name=rating.treatment.name, measures=list(rating.treatment.measures)
            ),
            factors=[
                RatingFactor(
                    code=f.code,
                    points=f.points,
                    reason=f.reason,
                    basis=f.basis,
                    evidence=list(f.evidence),
                    steps=f.paths,
                )
                for f in factors
            ],
        )


async def credit_profile(
    info: Info, uscc: str, as_of: dt.date | None, consent_scope: str | None = "credit:read"
) -> CreditProfile | None:
    """The rating; for a consent-limited caller only under a consent covering `consent_scope`
    (the financing profile, which carries the grade, asks for its own scope instead)."""
    as_of = checked_day(as_of, "asOf")
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None  # unknown, or not the caller's to see: the same answer
    state = info.context.request.app.state
    if consent_scope is not None and not await consent_allows(info, uscc, consent_scope):
        return None
    model: RatingModel = state.rating_model
    day = as_of or info.context.now.date()
    facts = await gather_facts(
        state.driver, state.settings.neo4j_database, [uscc], day, model.network.max_hops
    )
    return CreditProfile.from_rating(
        rate(model, facts[uscc]),
        facts[uscc],
        network_detail=network_detail_visible(info.context.catalog, info.context.principal),
    )


async def consent_allows(info: Info, uscc: str, scope: str) -> bool:
    """For a consent-limited caller (a bank, an insurer): does a consent cover `scope`?"""
    principal = info.context.principal
    if row_scope(info.context.catalog, principal).mode is not RowMode.CONSENTED:
        return True
    found = await info.context.loaders.consent_for(uscc, scope)
    if found is None:
        return False
    info.context.consents_used.add(found)
    return True


async def measures_for(
    info: Info, uscc: str, department: str, as_of: dt.date | None
) -> EnterpriseMeasures | None:
    state = info.context.request.app.state
    checked = checked_department(state.joint_rules, department)
    assert checked is not None
    profile = await credit_profile(info, uscc, as_of)
    if profile is None:
        return None  # unknown, or not the caller's to see
    scope = list_scope(info.context.catalog, info.context.principal)
    rows = await enterprise_coverage(
        state.driver, state.settings.neo4j_database, uscc, profile.as_of, scope.lists
    )
    return EnterpriseMeasures(
        uscc=uscc,
        department=checked,
        as_of=profile.as_of,
        grade=profile.grade,
        treatment=list(profile.treatment.measures),
        measures=applied(rows, checked),
    )
