"""The credit profile in the API: a rating computed on request from the facts valid at a date.

The enterprise is read through the caller's row filter first, so a hidden enterprise has no
profile (null, exactly like an unknown one); the factors and their evidence need
credit:explain, the summary credit:read (the catalog says so, the policy checks it).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from hub.api.context import Info
from hub.credit import Rating, RatingModel, rate
from hub.credit.gather import gather_facts


@strawberry.type(description="One node of a path: its label, its key, the relationship onward.")
class PathNode:
    label: str
    key: str
    relationship: str | None


@strawberry.type(description="One contribution to a rating.")
class RatingFactor:
    code: str
    points: int
    reason: str = strawberry.field(description="One line, in plain words.")
    basis: str = strawberry.field(description="The regulation the factor comes from.")
    evidence: list[str] = strawberry.field(description="Ids of the facts behind it.")
    paths: list[list[PathNode]] = strawberry.field(description="For network factors.")


@strawberry.type(description="What the departments do with an enterprise of this grade.")
class GradeTreatment:
    name: str
    measures: list[str]


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

    @classmethod
    def from_rating(cls, rating: Rating) -> CreditProfile:
        return cls(
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
                    paths=[
                        [PathNode(label=s.label, key=s.key, relationship=s.relationship) for s in p]
                        for p in f.paths
                    ],
                )
                for f in rating.factors
            ],
        )


async def credit_profile(info: Info, uscc: str, as_of: dt.date | None) -> CreditProfile | None:
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None  # unknown, or not the caller's to see: the same answer
    state = info.context.request.app.state
    model: RatingModel = state.rating_model
    day = as_of or dt.datetime.now(dt.UTC).date()
    facts = await gather_facts(state.driver, state.settings.neo4j_database, [uscc], day)
    return CreditProfile.from_rating(rate(model, facts[uscc]))
