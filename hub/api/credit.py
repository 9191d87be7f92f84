"""The credit profile in the API: a rating computed on request from the facts valid at a date.

The enterprise is read through the caller's visibility filter first, so a hidden enterprise has no
profile (null, exactly like an unknown one); the factors and their evidence need
credit:explain, the summary credit:read (the catalog says so, the policy checks it).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from auth.catalog import VisibilityMode
from auth.policy import enterprise_visibility, list_visibility, network_detail_visible
from graph_schema.model import Department
from hub.api.context import Info
from hub.api.errors import checked_day, checked_uscc
from hub.api.findings import DataQualityFinding, findings_of
from hub.api.measures import AppliedMeasures, applied, checked_department, enterprises_named
from hub.api.objections import ObjectionType
from hub.api.objections import of_enterprise as objections_of_enterprise
from hub.api.pagination import bounded
from hub.api.statutory import StatutoryMeasure, statutory_of
from hub.credit.engine import Rating, effective_classifications
from hub.credit.facts import PathStep, RatingFacts
from hub.credit.profile import list_entries_shown, rate_as_of
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
    grade: str = strawberry.field(
        description="The zone composite credit grade (综合信用等级): A, B, C, D, M (too new "
        "or too little data), or N (not graded: registration revoked or deregistered). "
        "The zone's own grade for its services; not a tax credit grade, a customs tier or a "
        "SAFE class (see `gradeLabel`)."
    )
    grade_label: str = strawberry.field(
        description="The composite grade as officers should read it, e.g. 综合A."
    )
    forced_by: str | None = strawberry.field(description="The factor that forced a D.")
    model_version: str
    base: int
    treatment: GradeTreatment = strawberry.field(
        description="The zone's own services for the composite grade; statutory measures of "
        "the departments are in `statutoryMeasures` and `measures`."
    )
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

    @strawberry.field(
        description="Each department's statutory measures from its own classification at the "
        "date (customs from the customs tier, tax from the tax grade and refund class, SAFE "
        "from the SAFE class), with basis and trigger; `department` keeps one department's."
    )
    def statutory_measures(
        self, info: Info, department: str | None = None
    ) -> list[StatutoryMeasure]:
        return statutory_of(info.context.services.rules.statutory, self.facts, department)

    @strawberry.field(
        description="Where the departments' records about the enterprise contradict each other "
        "or the law's dates at the date, each with the department that must fix it: that "
        "department sees its own, a supervisor all, the enterprise its own; `department` keeps "
        "one department's."
    )
    def data_quality_findings(
        self, info: Info, department: Department | None = None
    ) -> list[DataQualityFinding] | None:  # nullable: a refusal nulls the field alone
        return findings_of(info.context.principal, self.facts, department)

    @strawberry.field(description="The enterprise's list entries listed by the date.")
    def list_entries(self, info: Info) -> list[CreditListEntry]:
        visible = list_visibility(info.context.services.rules.catalog, info.context.principal).lists
        return [
            CreditListEntry(
                id=shown.entry.id,
                list=shown.entry.list,
                department=shown.entry.department,
                listed_on=shown.entry.listed_on,
                expires_on=shown.entry.expires_on,
                removed_on=shown.entry.removed_on,
                in_force=shown.in_force,
            )
            for shown in list_entries_shown(self.facts, visible)
        ]

    @strawberry.field(
        description="Joint punishment and incentive measures applying at the date, by cause; "
        "`department` keeps one department's."
    )
    async def measures(self, info: Info, department: str | None = None) -> list[AppliedMeasures]:
        services = info.context.services
        checked = checked_department(services.rules.joint_rules, department)
        lists = list_visibility(services.rules.catalog, info.context.principal)
        rows = await enterprise_coverage(
            services.driver, services.database, self.uscc, self.as_of, lists.lists
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

    @strawberry.field(
        description="The stored ratings, newest first (history changes only); `first` defaults "
        "to 20, at most 200 (the limits table's HUB_LIMITS__RATING_HISTORY)."
    )
    async def history(self, info: Info, first: int | None = None) -> list[RatingSnapshot]:
        services = info.context.services
        size = bounded(first, services.settings.limits.rating_history)
        rows = await rating_history(services.driver, services.database, self.uscc, size)
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
        cls, rating: Rating, facts: RatingFacts, *, network_detail: bool, grade_label: str
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
            grade_label=grade_label,
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


async def credit_profile_of(
    info: Info, uscc: str, as_of: dt.date | None, consent_scope: str | None = "credit:read"
) -> CreditProfile | None:
    """The rating; for a consent-limited caller only under a consent covering `consent_scope`
    (the financing profile, which carries the grade, asks for its own scope instead)."""
    as_of = checked_day(as_of, "asOf")
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None  # unknown, or not the caller's to see: the same answer
    if consent_scope is not None and not await consent_allows(info, uscc, consent_scope):
        return None
    services = info.context.services
    rated = await rate_as_of(
        services.driver,
        services.database,
        services.rules.rating_model,
        uscc,
        as_of or info.context.now.date(),
    )
    return CreditProfile.from_rating(
        rated.rating,
        rated.facts,
        network_detail=network_detail_visible(services.rules.catalog, info.context.principal),
        grade_label=services.rules.rating_model.composite.labels[rated.rating.grade],
    )


async def consent_allows(info: Info, uscc: str, scope: str) -> bool:
    """For a consent-limited caller (a bank, an insurer): does a consent cover `scope`?"""
    principal = info.context.principal
    if (
        enterprise_visibility(info.context.services.rules.catalog, principal).mode
        is not VisibilityMode.CONSENTED
    ):
        return True
    found = await info.context.loaders.consent_for(uscc, scope)
    if found is None:
        return False
    info.context.consents_used.add(found)
    return True


@strawberry.type
class CreditQuery:
    @strawberry.field(
        description="The enterprise's credit rating as of a date (default today), with its "
        "factors and their evidence; null when the hub does not know it."
    )
    async def credit_profile(
        self, info: Info, uscc: str, as_of: dt.date | None = None
    ) -> CreditProfile | None:
        profile = await credit_profile_of(info, checked_uscc(uscc), as_of)
        if profile is not None:
            info.context.loaders.touch(info.path, [profile.uscc])
        return profile
