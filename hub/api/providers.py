"""The provider profile in the API: an enterprise rated as a payment firm, receiving bank,
carrier or supervised-premises operator, computed on request as of a date.

As for `creditProfile`: the enterprise is read through the caller's visibility filter first
(a hidden enterprise has no profile: null, as an unknown one), a consent-limited caller needs
a consent covering credit:read, and the catalog rules each field (factors and the mismatch
detail need credit:explain, penalties penalties:read, list entries lists:read). Each volume is
the sum of one department's documents, so a caller sees the volume of a role only with that
department's scope (`VOLUME_SCOPE`), and the mismatches and the mismatch factor's counts and
evidence only of those roles (`readable_roles`), so that no path gives the count away.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

import strawberry

from auth.policy import list_visibility
from auth.principal import Principal
from hub.api.context import Info
from hub.api.credit import CreditListEntry, RatingFactor, consent_allows
from hub.api.errors import checked_day, checked_uscc
from hub.providers.profile import RatedProvider, provider_as_of
from hub.providers.rating import (
    Role,
    mismatch_factor,
    mismatches,
    premises_in_operation,
    volumes,
)

VOLUME_SCOPE: Final[dict[Role, str]] = {
    Role.PAYMENT_FIRM: "payments:read",
    Role.BANK: "fx:read",
    Role.CARRIER: "logistics:read",
    Role.PREMISES_OPERATOR: "customs:read",
}
"""The scope of the department whose records a role's volume sums: payments and receipts of
a payment firm (payment data), export receipts of a bank (SAFE's), waybills of a carrier,
premises customs supervises."""


def readable_roles(principal: Principal) -> frozenset[Role]:
    """The roles whose documents the caller may see counted or named: the one rule for the
    volumes, the mismatches and the evidence of the DOCUMENT_MISMATCH factor."""
    return frozenset(role for role, scope in VOLUME_SCOPE.items() if principal.has(scope))


@strawberry.type(description="What the provider handled in one role over the model's window.")
class ProviderVolume:
    role: str = strawberry.field(description="PAYMENT_FIRM, BANK, CARRIER or PREMISES_OPERATOR.")
    documents: int = strawberry.field(
        description="Payments, export receipts or waybills handled; for an operator, the "
        "premises in operation at the date."
    )
    amount_cny: Decimal | None = strawberry.field(
        description="Their amount in yuan; null for waybills and premises, which carry none."
    )


@strawberry.type(description="How many documents of a mismatch reason.")
class MismatchReason:
    reason: str = strawberry.field(
        description="A reason of the three-document check: amount, consignee, payer, payee, "
        "codes, no inventory list, no payment, no waybill."
    )
    documents: int


@strawberry.type(
    description="The provider's payments and waybills in the window whose order fails the "
    "three-document check against its inventory list."
)
class ProviderMismatches:
    roles: list[str] = strawberry.field(
        description="The roles counted: PAYMENT_FIRM (payments) and CARRIER (waybills), of "
        "those the provider holds, whose volume the caller may read (payments:read, "
        "logistics:read)."
    )
    documents: int = strawberry.field(description="Payments and waybills checked, of `roles`.")
    mismatched: int
    percent: Decimal | None = strawberry.field(description="Mismatched share, one decimal.")
    reasons: list[MismatchReason]


@strawberry.type(description="A penalty of the provider decided by the date.")
class ProviderPenalty:
    id: str
    department: str
    severity: str
    decided_on: dt.date
    public_until: dt.date | None
    repaired_on: dt.date | None
    counted: bool = strawberry.field(
        description="Public and not repaired at the date: the rating counts it."
    )


@strawberry.type(description="A place under customs supervision the enterprise operates.")
class SupervisedPremises:
    id: str
    kind: str = strawberry.field(
        description="BONDED_WAREHOUSE, BONDED_LOGISTICS_CENTER, CBEC_SUPERVISION_SITE or "
        "EXPRESS_SUPERVISION_SITE."
    )
    name: str
    customs_code: str
    approved_on: dt.date
    status: str = strawberry.field(description="ACTIVE, SUSPENDED or CANCELLED.")
    valid_until: dt.date | None
    in_operation: bool = strawberry.field(description="ACTIVE and within its term at the date.")


@strawberry.type(
    description="An enterprise rated as a provider to cross-border e-commerce (payment firm, "
    "receiving bank, carrier, supervised-premises operator), as of a date."
)
class ProviderProfile:
    # the fields a rule of their own may refuse are nullable: a refusal nulls them alone

    uscc: str
    as_of: dt.date
    window_from: dt.date = strawberry.field(
        description="The window of volumes and mismatches runs after this day, to asOf."
    )
    roles: list[str] = strawberry.field(
        description="PAYMENT_FIRM (a payment it handled), BANK (an export receipt), CARRIER "
        "(a waybill), PREMISES_OPERATOR (a supervised premises approved), by the date."
    )
    score: int
    grade: str = strawberry.field(
        description="The provider grade: A, B, C, D, or M (no provider role to judge). Not "
        "the composite grade of creditProfile."
    )
    grade_label: str
    forced_by: str | None = strawberry.field(description="The factor that forced a D.")
    model_version: str
    base: int
    rated: strawberry.Private[RatedProvider]

    @strawberry.field(
        description="Counts and amounts handled per role over the window; a role's volume "
        "only with its department's scope (payments:read, fx:read, logistics:read, "
        "customs:read)."
    )
    def volumes(self, info: Info) -> list[ProviderVolume] | None:
        shown = readable_roles(info.context.principal)
        return [
            ProviderVolume(role=v.role.value, documents=v.count, amount_cny=v.amount_cny)
            for v in volumes(self.rated.facts)
            if v.role in shown
        ]

    @strawberry.field(
        description="The share of its documents in three-document mismatches, counted of the "
        "roles whose volume the caller may read (`roles`)."
    )
    def mismatches(self, info: Info) -> ProviderMismatches | None:
        found = mismatches(self.rated.facts, readable_roles(info.context.principal))
        return ProviderMismatches(
            roles=[role.value for role in found.roles],
            documents=found.documents,
            mismatched=found.mismatched,
            percent=found.percent,
            reasons=[MismatchReason(reason=r, documents=n) for r, n in found.reasons],
        )

    @strawberry.field(description="Its supervised premises approved by the date.")
    def premises(self) -> list[SupervisedPremises] | None:
        operating = {p.id for p in premises_in_operation(self.rated.facts)}
        return [
            SupervisedPremises(
                id=p.id,
                kind=p.kind,
                name=p.name,
                customs_code=p.customs_code,
                approved_on=p.approved_on,
                status=p.status,
                valid_until=p.valid_until,
                in_operation=p.id in operating,
            )
            for p in self.rated.facts.premises
        ]

    @strawberry.field(description="Its penalties decided by the date.")
    def penalties(self) -> list[ProviderPenalty] | None:
        counted = {p.id for p in self.rated.facts.counted_penalties}
        return [
            ProviderPenalty(
                id=p.id,
                department=p.department,
                severity=p.severity,
                decided_on=p.decided_on,
                public_until=p.public_until,
                repaired_on=p.repaired_on,
                counted=p.id in counted,
            )
            for p in self.rated.penalties
        ]

    @strawberry.field(description="Its list entries listed by the date, of the lists shown.")
    def list_entries(self, info: Info) -> list[CreditListEntry] | None:
        visible = list_visibility(info.context.services.rules.catalog, info.context.principal).lists
        facts = self.rated.facts
        in_force = {e.id for e in facts.entries_in_force}
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
            for e in self.rated.list_entries
            if e.list in visible
        ]

    @strawberry.field(
        description="The factors of the provider rating, with their evidence; DOCUMENT_MISMATCH "
        "gives its counts and documents only of the roles whose volume the caller may read."
    )
    def factors(self, info: Info) -> list[RatingFactor] | None:
        told = mismatch_factor(
            info.context.services.rules.provider_model,
            self.rated.facts,
            readable_roles(info.context.principal),
        )
        factors = [
            told if told is not None and f.code == told.code else f
            for f in self.rated.rating.factors
        ]
        return [
            RatingFactor(
                code=f.code,
                points=f.points,
                reason=f.reason,
                basis=f.basis,
                evidence=list(f.evidence),
                steps=(),
            )
            for f in factors
        ]


async def provider_profile_of(
    info: Info, uscc: str, as_of: dt.date | None
) -> ProviderProfile | None:
    """The provider profile, or None for an enterprise the caller may not see (or, for a
    consent-limited caller, without a consent covering credit:read)."""
    day = checked_day(as_of, "asOf") or info.context.now.date()
    if await info.context.loaders.enterprise.load(uscc) is None:
        return None
    if not await consent_allows(info, uscc, "credit:read"):
        return None
    services = info.context.services
    model = services.rules.provider_model
    rated = await provider_as_of(
        services.driver, services.database, model, services.rules.rating_model, uscc, day
    )
    if rated is None:
        return None
    rating = rated.rating
    return ProviderProfile(
        uscc=rating.uscc,
        as_of=rating.as_of,
        window_from=rated.facts.since,
        roles=[role.value for role in rated.facts.roles],
        score=rating.score,
        grade=rating.grade,
        grade_label=model.labels[rating.grade],
        forced_by=rating.forced_by,
        model_version=rating.model_version,
        base=rating.base,
        rated=rated,
    )


@strawberry.type
class ProvidersQuery:
    @strawberry.field(
        description="The enterprise rated as a provider (payment firm, bank, carrier, "
        "supervised-premises operator) as of a date (default today): its roles, volumes, "
        "share of documents in three-document mismatches, penalties, list entries and a "
        "rating with its factors; null when the hub does not know it."
    )
    async def provider_profile(
        self, info: Info, uscc: str, as_of: dt.date | None = None
    ) -> ProviderProfile | None:
        profile = await provider_profile_of(info, checked_uscc(uscc), as_of)
        if profile is not None:
            info.context.loaders.touch(info.path, [profile.uscc])
        return profile
