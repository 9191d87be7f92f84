"""Rate an enterprise as a provider: `rate_provider(model, facts)`, pure Python, no I/O.

A provider is an enterprise that handled other enterprises' documents or operates premises
under customs supervision: a payment firm (payments, `payFirmUscc`), a receiving bank (export
receipts, `bankUscc`), a carrier (waybills, `carrierUscc`), a supervised-premises operator. Its
facts are read by `hub.providers.profile`; the rating is the model's base plus its factors:
the share of its payments and waybills whose order fails the three-document check, its
penalties in publicity, its list entries in force and the state of its premises, each group
capped. A forcing list makes the grade D; an enterprise with no provider role is M.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from graph_schema.read_model import GraphDate, ReadModel
from hub.credit.engine import Factor
from hub.credit.facts import ListEntryFact, PenaltyFact, unmatched_by_reason
from hub.providers.model import ProviderGrade, ProviderModel


class Role(StrEnum):
    """What an enterprise provides, from what it handled or operates."""

    PAYMENT_FIRM = "PAYMENT_FIRM"
    BANK = "BANK"
    CARRIER = "CARRIER"
    PREMISES_OPERATOR = "PREMISES_OPERATOR"


CHECKED_ROLES = frozenset({Role.PAYMENT_FIRM, Role.CARRIER})
"""The roles whose documents are among the three documents checked against the inventory
list (a payment or receipt slip, a waybill); a bank's export receipts are not."""


class HandledDocument(ReadModel):
    """A payment, export receipt or waybill the provider handled in the window, and, for a
    payment or waybill, why its order fails the three-document check (null: it does not)."""

    id: str
    role: Role
    on: GraphDate
    amount_cny: Decimal | None = None
    order_id: str | None = None
    reason: str | None = None


class PremisesFact(ReadModel):
    """A supervised premises the enterprise operates (`customs.premises@1`)."""

    id: str
    kind: str
    name: str
    customs_code: str
    approved_on: GraphDate
    status: str
    valid_until: GraphDate | None = None


@dataclass(frozen=True)
class ProviderFacts:
    """What the rating reads, as of `as_of`: the roles held by then, the documents handled in
    the window after `since`, the premises approved by then, the penalties that count then
    (public and not repaired, as the composite rating decides) and the list entries in force."""

    uscc: str
    as_of: dt.date
    since: dt.date
    roles: tuple[Role, ...]
    documents: tuple[HandledDocument, ...] = ()
    premises: tuple[PremisesFact, ...] = ()
    counted_penalties: tuple[PenaltyFact, ...] = ()
    entries_in_force: tuple[ListEntryFact, ...] = ()


@dataclass(frozen=True)
class Volume:
    """What the provider handled in one role over the window: how many documents (for an
    operator, premises in operation) and their amount in yuan (null where they carry none)."""

    role: Role
    count: int
    amount_cny: Decimal | None


@dataclass(frozen=True)
class Mismatches:
    """The provider's checked documents (payments and waybills) in the window, of `roles`,
    how many of them are of orders failing the three-document check, and for which reasons."""

    roles: tuple[Role, ...]
    """The checked roles counted: those the provider holds, of the roles shown."""
    documents: int
    mismatched: int
    reasons: tuple[tuple[str, int], ...]
    """(reason, documents), most first."""

    @property
    def percent(self) -> Decimal | None:
        """The mismatched share in percent, to one decimal; null without documents."""
        if not self.documents:
            return None
        return (Decimal(100 * self.mismatched) / self.documents).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ProviderRating:
    uscc: str
    as_of: dt.date
    score: int
    grade: ProviderGrade
    forced_by: str | None
    model_version: str
    base: int
    factors: tuple[Factor, ...]


def volumes(facts: ProviderFacts) -> list[Volume]:
    """One volume per role the provider holds, in the order of `Role`."""
    found = []
    for role in Role:
        if role not in facts.roles:
            continue
        if role is Role.PREMISES_OPERATOR:
            found.append(Volume(role, len(premises_in_operation(facts)), None))
            continue
        docs = [d for d in facts.documents if d.role is role]
        amounts = [d.amount_cny for d in docs if d.amount_cny is not None]
        found.append(Volume(role, len(docs), sum(amounts, Decimal(0)) if amounts else None))
    return found


def premises_in_operation(facts: ProviderFacts) -> list[PremisesFact]:
    """Premises approved by as_of, ACTIVE, and within their term."""
    return [
        p
        for p in facts.premises
        if p.status == "ACTIVE"
        and p.approved_on <= facts.as_of
        and (p.valid_until is None or facts.as_of <= p.valid_until)
    ]


def _checked(facts: ProviderFacts, shown: Collection[Role]) -> list[HandledDocument]:
    return [
        d for d in facts.documents if d.role in CHECKED_ROLES and d.role in shown and d.order_id
    ]


def mismatches(facts: ProviderFacts, shown: Collection[Role] = CHECKED_ROLES) -> Mismatches:
    """The mismatches of the documents of the `shown` roles (by default all of them): a
    caller that may not read a role's documents gets no count made of them."""
    checked = _checked(facts, shown)
    reasons = Counter(d.reason for d in checked if d.reason is not None)
    ordered = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    roles = tuple(r for r in facts.roles if r in CHECKED_ROLES and r in shown)
    return Mismatches(roles, len(checked), sum(reasons.values()), tuple(ordered))


def _cap(group: str, factors: list[Factor], cap: int) -> list[Factor]:
    total = sum(factor.points for factor in factors)
    if total >= cap:
        return factors
    reason = f"{group.lower()} points capped at {cap} (they sum to {total})"
    return [*factors, Factor(f"{group}_CAP", cap - total, reason, "provider model cap")]


_NOUNS: dict[Role, str] = {Role.PAYMENT_FIRM: "payments", Role.CARRIER: "waybills"}


def mismatch_factor(
    model: ProviderModel, facts: ProviderFacts, shown: Collection[Role] = CHECKED_ROLES
) -> Factor | None:
    """The DOCUMENT_MISMATCH factor (None under `min_documents`), told to a caller that may
    read the documents of the `shown` roles only: the points always (they are in the score),
    but the counts and the evidence only of those roles; with every checked role the provider
    holds shown, the whole factor, as the rating has it."""
    rules = model.mismatches
    found = mismatches(facts)
    if found.documents < rules.min_documents:
        return None
    share = Fraction(found.mismatched, found.documents)
    index, tier = next((i, t) for i, t in enumerate(rules.tiers) if share * 100 >= t.min_percent)
    since = facts.since.isoformat()
    seen = mismatches(facts, shown)
    evidence = tuple(sorted(d.id for d in _checked(facts, shown) if d.reason is not None))
    if seen.roles == found.roles:
        summary = unmatched_by_reason(d.reason for d in _checked(facts, CHECKED_ROLES))
        reason = (
            f"{found.mismatched} of {found.documents} payments and waybills handled since "
            f"{since} ({found.percent}%) are of orders failing the three-document check"
            + (f": {summary}" if summary else "")
        )
        return Factor("DOCUMENT_MISMATCH", tier.points, reason, rules.basis, evidence)
    upper = rules.tiers[index - 1].min_percent if index else None
    band = (
        f"{tier.min_percent}% or more"
        if upper is None
        else f"under {upper}%"
        if not tier.min_percent
        else f"{tier.min_percent}% to under {upper}%"
    )
    nouns = " and ".join(_NOUNS[r] for r in seen.roles)
    told = f"{seen.mismatched} of {seen.documents} {nouns}" if seen.roles else "none"
    reason = (
        f"{band} of the payments and waybills handled since {since} are of orders failing "
        f"the three-document check; counted of the documents the caller may read: {told}"
    )
    return Factor("DOCUMENT_MISMATCH", tier.points, reason, rules.basis, evidence)


def _mismatch_factors(model: ProviderModel, facts: ProviderFacts) -> list[Factor]:
    factor = mismatch_factor(model, facts)
    return [factor] if factor is not None else []


def _penalty_factors(model: ProviderModel, facts: ProviderFacts) -> list[Factor]:
    factors = []
    for penalty in sorted(facts.counted_penalties, key=lambda p: (p.decided_on, p.id)):
        rule = next(
            (r for s, r in model.penalties.severities.items() if s == penalty.severity), None
        )
        if rule is None or rule.points == 0:
            continue
        reason = (
            f"{penalty.severity} {penalty.department.lower()} penalty {penalty.id} decided "
            f"{penalty.decided_on.isoformat()}, public and not repaired"
        )
        factors.append(
            Factor(f"PENALTY_{penalty.severity}", rule.points, reason, rule.basis, (penalty.id,))
        )
    return _cap("PENALTY", factors, model.penalties.cap)


def _list_factors(model: ProviderModel, facts: ProviderFacts) -> list[Factor]:
    factors = []
    for kind, rule in model.list_entries.kinds.items():  # each list counts once
        entries = sorted(
            (e for e in facts.entries_in_force if e.list == kind.value),
            key=lambda e: (e.listed_on, e.id),
        )
        if not entries:
            continue
        reason = (
            f"on the {kind.value} list of the {entries[0].department.lower()} department "
            f"since {entries[0].listed_on.isoformat()}"
        )
        evidence = tuple(e.id for e in entries)
        factors.append(Factor(f"LIST_{kind.value}", rule.points, reason, rule.basis, evidence))
    return _cap("LIST", factors, model.list_entries.cap)


def _premises_factors(model: ProviderModel, facts: ProviderFacts) -> list[Factor]:
    factors = []
    for status, rule in model.premises.statuses.items():
        held = sorted(
            p.id
            for p in facts.premises
            if p.status == status.value and p.approved_on <= facts.as_of
        )
        if not held or rule.points == 0:
            continue
        reason = f"{len(held)} supervised premises {status.value.lower()} by customs"
        factors.append(
            Factor(
                f"PREMISES_{status.value}", rule.points * len(held), reason, rule.basis, tuple(held)
            )
        )
    return _cap("PREMISES", factors, model.premises.cap)


def _forcing(model: ProviderModel, factors: list[Factor]) -> str | None:
    forcing = {
        f"LIST_{kind.value}" for kind, rule in model.list_entries.kinds.items() if rule.forces
    }
    return next((f.code for f in factors if f.code in forcing), None)


def rate_provider(model: ProviderModel, facts: ProviderFacts) -> ProviderRating:
    """The provider rating of `facts` under `model`: the same facts give the same rating."""
    factors = [
        *_mismatch_factors(model, facts),
        *_penalty_factors(model, facts),
        *_list_factors(model, facts),
        *_premises_factors(model, facts),
    ]
    score = max(0, min(100, model.base.points + sum(f.points for f in factors)))
    forced_by = _forcing(model, factors)
    grade: ProviderGrade
    if forced_by is not None:
        grade, score = "D", min(score, model.top_of("D"))
    elif not facts.roles:
        grade = "M"
    else:
        grade = model.band_of(score)
    return ProviderRating(
        uscc=facts.uscc,
        as_of=facts.as_of,
        score=score,
        grade=grade,
        forced_by=forced_by,
        model_version=model.version,
        base=model.base.points,
        factors=tuple(factors),
    )
