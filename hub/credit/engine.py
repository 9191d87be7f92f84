"""Rate one enterprise: `rate(model, facts)`, pure Python; the same facts give the same rating.

Everything is judged as of `facts.as_of`: the classification of each scheme effective then,
penalties inside their publicity period and not yet repaired, list entries listed and not yet
removed or expired. The score is the model's base plus the points of every factor (each group
capped by a correcting `<GROUP>_CAP` factor), clamped to 0..100. A forcing factor makes the grade
D and holds the score at the top of the D band; otherwise grade M applies to young or data-thin
enterprises, else the band of the score. An enterprise revoked or deregistered by as_of is not
graded (grade N), whatever its score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from graph_schema.dates import add_months
from graph_schema.model import ClassificationScheme, Severity
from graph_schema.publicity import PUBLICITY
from graph_schema.schemes import SCHEMES
from hub.credit.facts import (
    ClassificationFact,
    ListEntryFact,
    PathStep,
    PenaltyFact,
    RatingFacts,
    unmatched_by_reason,
)
from hub.credit.model import (
    SCORE_MAX,
    SCORE_MIN,
    Grade,
    RatingModel,
    Tier,
    Treatment,
)


@dataclass(frozen=True)
class Factor:
    """One contribution to a score: points, a one-line reason, its evidence and paths."""

    code: str
    points: int
    reason: str
    basis: str
    evidence: tuple[str, ...] = ()
    paths: tuple[tuple[PathStep, ...], ...] = ()
    hops: int | None = None
    """For a network factor: how far the related listed enterprise is."""

    def without_whom(self) -> Factor:
        """The factor as the rated enterprise itself may see it: for a network factor, that a
        related enterprise on a list the model counts is `hops` away, not which enterprise,
        through whom, or on which list (it may not read that enterprise itself)."""
        if self.hops is None:
            return self
        reason = (
            f"a related enterprise on a list the rating counts is {self.hops} "
            f"{_plural(self.hops, 'hop')} away"
        )
        return Factor(self.code, self.points, reason, self.basis, hops=self.hops)


@dataclass(frozen=True)
class Rating:
    """The rating of one enterprise as of a date under one model version."""

    uscc: str
    as_of: dt.date
    score: int
    grade: Grade
    forced_by: str | None
    model_version: str
    treatment: Treatment
    factors: tuple[Factor, ...]
    base: int


def effective_classifications(facts: RatingFacts) -> dict[str, ClassificationFact]:
    """Per scheme, the classification effective at as_of (latest effective_from, then id)."""
    chosen: dict[str, ClassificationFact] = {}
    for fact in sorted(facts.classifications, key=lambda c: (c.effective_from, c.id)):
        if fact.effective_from <= facts.as_of and (
            fact.effective_to is None or facts.as_of < fact.effective_to
        ):
            chosen[fact.scheme] = fact
    return chosen


def active_list_entries(facts: RatingFacts) -> list[ListEntryFact]:
    """List entries listed by as_of and neither removed nor expired by then."""
    as_of = facts.as_of
    return [
        entry
        for entry in facts.list_entries
        if entry.listed_on <= as_of
        and (entry.removed_on is None or entry.removed_on > as_of)
        and (entry.expires_on is None or entry.expires_on > as_of)
    ]


def _cap(group: str, factors: list[Factor], cap: int, basis: str) -> list[Factor]:
    """The group's factors, plus a correcting factor when their sum falls below `cap`."""
    total = sum(factor.points for factor in factors)
    if total >= cap:
        return factors
    reason = f"{group.lower()} points capped at {cap} (they sum to {total})"
    return [*factors, Factor(f"{group}_CAP", cap - total, reason, basis)]


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _round(value: Fraction) -> int:
    """Round half away from zero."""
    magnitude = int(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def _classification_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    effective = effective_classifications(facts)
    factors = []
    for rules in model.classifications:
        fact = effective.get(rules.scheme.value)
        if fact is None:
            continue
        rule = rules.values.get(fact.value)
        if rule is None:  # a value the graph_schema does not know: shown, not counted
            reason = f"{fact.department.lower()} classification {fact.value} is not rated"
            factors.append(Factor(f"{rules.code_prefix}_UNKNOWN", 0, reason, "", (fact.id,)))
            continue
        reason = f"{rules.label} {fact.value} since {fact.effective_from.isoformat()}" + (
            f", until {fact.effective_to.isoformat()}" if fact.effective_to else ""
        )
        code = f"{rules.code_prefix}_{fact.value}"
        basis = f"{rule.basis}; classified under {_instrument(rules.scheme, fact.effective_from)}"
        factors.append(Factor(code, rule.points, reason, basis, (fact.id,)))
    return factors


def _instrument(scheme: ClassificationScheme, day: dt.date) -> str:
    """The instrument a classification effective from `day` was made under."""
    regime = next((r for r in SCHEMES.schemes[scheme].regimes if r.covers(day)), None)
    return regime.instrument if regime is not None else "a regime the hub does not model"


def _severity(severity: str) -> Severity | None:
    try:
        return Severity(severity)
    except ValueError:  # a severity graph_schema does not know is not counted
        return None


def _penalty_factor(model: RatingModel, penalty: PenaltyFact, as_of: dt.date) -> Factor | None:
    severity = _severity(penalty.severity)
    if severity is None:
        return None
    rule = model.penalties.severities[severity]
    # the regime of the decision; a severity never published is never counted
    until = PUBLICITY.public_until(severity, penalty.decided_on, penalty.public_until)
    if until is None:
        return None
    if not penalty.decided_on <= as_of < until:
        return None
    if penalty.repaired_on is not None and penalty.repaired_on <= as_of:
        return None
    period = (until - penalty.decided_on).days
    elapsed = (as_of - penalty.decided_on).days
    fade = Fraction(100 - model.penalties.decay_floor_percent, 100) * Fraction(elapsed, period)
    points = _round(rule.points * (1 - fade))
    reason = (
        f"{penalty.severity} {penalty.department.lower()} penalty {penalty.id} decided "
        f"{penalty.decided_on.isoformat()}, public until {until.isoformat()} "
        f"(day {elapsed} of {period}, {rule.points} decaying to "
        f"{_round(rule.points * Fraction(model.penalties.decay_floor_percent, 100))})"
    )
    return Factor(f"PENALTY_{penalty.severity}", points, reason, rule.basis, (penalty.id,))


def penalty_points(model: RatingModel, penalty: PenaltyFact, as_of: dt.date) -> int | None:
    """The points `penalty` counts as of `as_of`; None when it does not count then (not
    public, repaired, or of a severity never published)."""
    factor = _penalty_factor(model, penalty, as_of)
    return None if factor is None else factor.points


def _penalty_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    ordered = sorted(facts.penalties, key=lambda p: (p.decided_on, p.id))
    factors = [f for p in ordered if (f := _penalty_factor(model, p, facts.as_of)) is not None]
    return _cap("PENALTY", factors, model.penalties.cap, "rating model cap on penalties")


def _list_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    by_kind: dict[str, list[ListEntryFact]] = {}
    for entry in active_list_entries(facts):
        by_kind.setdefault(entry.list, []).append(entry)
    factors = []
    for kind, rule in model.list_entries.kinds.items():  # each list counts once
        entries = sorted(by_kind.get(kind.value, []), key=lambda e: (e.listed_on, e.id))
        if not entries:
            continue
        first = entries[0]
        reason = (
            f"on the {kind.value} list of the {first.department.lower()} department since "
            f"{first.listed_on.isoformat()}"
            + (f", until {first.expires_on.isoformat()}" if first.expires_on else "")
            + (f" ({len(entries)} entries)" if len(entries) > 1 else "")
        )
        evidence = tuple(entry.id for entry in entries)
        factors.append(Factor(f"LIST_{kind.value}", rule.points, reason, rule.basis, evidence))
    return _cap("LIST", factors, model.list_entries.cap, "rating model cap on list entries")


def _loan_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    rules = model.loans
    # a loan counts only if granted by as_of and already due then (so it can be late)
    late = sorted(
        (
            loan
            for loan in facts.loans
            if loan.granted_on <= facts.as_of and loan.due_on < facts.as_of
        ),
        key=lambda loan: (loan.due_on, loan.id),
    )
    overdue = [loan for loan in late if loan.status == "OVERDUE"]
    default = [loan for loan in late if loan.status == "DEFAULT"]
    factors: list[Factor] = []
    if overdue:
        points = max(rules.overdue.points * len(overdue), rules.overdue.cap)
        reason = (
            f"{len(overdue)} overdue {_plural(len(overdue), 'loan')}, "
            f"{rules.overdue.points} each, capped at {rules.overdue.cap}"
        )
        evidence = tuple(loan.id for loan in overdue)
        factors.append(Factor("LOAN_OVERDUE", points, reason, rules.overdue.basis, evidence))
    for loan in default:
        reason = f"loan {loan.id} in default (due {loan.due_on.isoformat()})"
        factors.append(
            Factor("LOAN_DEFAULT", rules.default.points, reason, rules.default.basis, (loan.id,))
        )
    return _cap("LOAN", factors, rules.cap, "rating model cap on loans")


def _tier(tiers: Iterable[Tier], part: Fraction) -> Tier:
    return next(tier for tier in tiers if part * 100 >= tier.min_percent)


def _order_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    rules = model.orders
    start = add_months(facts.as_of, -rules.window_months)
    orders = sorted(
        (o for o in facts.orders if start < o.ordered_on <= facts.as_of), key=lambda o: o.id
    )
    if len(orders) < rules.min_orders:
        return []
    unmatched = tuple(order.id for order in orders if not order.matched)
    rate = Fraction(len(orders) - len(unmatched), len(orders))
    tier = _tier(rules.tiers, rate)
    reason = (
        f"three documents match on {len(orders) - len(unmatched)} of {len(orders)} orders "
        f"({float(rate * 100):.1f}%, tier {tier.min_percent}% or more)"
    )
    if unmatched:
        reason += f"; not matching: {unmatched_by_reason(o.reason for o in orders)}"
    return [Factor("ORDER_MATCH", tier.points, reason, rules.basis, unmatched)]


def _collection_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    rules = model.collections
    declared, collected = facts.declared_exports_cny, facts.collected_cny
    if declared < rules.min_declared_cny:
        return []
    ratio = Fraction(collected) / Fraction(declared)
    tier = _tier(rules.tiers, ratio)
    reason = (
        f"received CNY {collected:,.2f} of export proceeds from abroad against CNY "
        f"{declared:,.2f} of exports declared in {rules.window_months} months "
        f"({float(ratio * 100):.1f}%, "
        f"tier {tier.min_percent}% or more)"
    )
    return [Factor("COLLECTION_RATIO", tier.points, reason, rules.basis)]


def _network_factors(model: RatingModel, facts: RatingFacts) -> list[Factor]:
    rules = model.network
    counted = {kind.value for kind in rules.lists}
    nearest: dict[str, tuple[int, tuple[str, ...], tuple[PathStep, ...], tuple[str, ...]]] = {}
    for link in facts.network:
        lists = tuple(sorted(set(link.lists) & counted))
        if not 1 <= link.hops <= rules.max_hops or not lists or link.uscc == facts.uscc:
            continue
        candidate = (link.hops, tuple(sorted(link.entry_ids)), link.path, lists)
        if link.uscc not in nearest or candidate[:2] < nearest[link.uscc][:2]:
            nearest[link.uscc] = candidate
    factors = []
    for uscc, (hops, entry_ids, path, lists) in sorted(
        nearest.items(), key=lambda item: (item[1][0], item[0])
    ):
        points = _round(Fraction(rules.hop1_points, 2 ** (hops - 1)))
        via = ", ".join(dict.fromkeys(step.relationship for step in path if step.relationship))
        reason = (
            f"{uscc} on the {' and '.join(lists)} {_plural(len(lists), 'list')} is "
            f"{hops} {_plural(hops, 'hop')} away" + (f" via {via}" if via else "")
        )
        factors.append(
            Factor("NETWORK_RISK", points, reason, rules.basis, entry_ids, (path,), hops)
        )
    return _cap("NETWORK", factors, rules.cap, "rating model cap on network risk")


def _m_factors(model: RatingModel, facts: RatingFacts, factors: list[Factor]) -> list[Factor]:
    """Zero-point factors that explain a grade M, empty when M does not apply."""
    rules = model.m_rules
    reasons = []
    if facts.as_of < add_months(facts.registered_on, rules.min_age_months):
        reasons.append(
            Factor(
                "M_NEW_ENTERPRISE",
                0,
                f"registered {facts.registered_on.isoformat()}, under {rules.min_age_months} "
                f"months old at {facts.as_of.isoformat()}",
                rules.basis,
            )
        )
    own = [f for f in factors if not f.code.startswith("NETWORK") and not f.code.endswith("_CAP")]
    thin = not own and not facts.loans and not facts.orders and not facts.declared_exports_cny
    if rules.thin_data and thin:
        reason = (
            "too little data to judge: no classification, list entry, penalty in publicity, "
            "loan, order or export declaration"
        )
        reasons.append(Factor("M_THIN_DATA", 0, reason, rules.basis))
    return reasons


def _status_factor(model: RatingModel, facts: RatingFacts) -> Factor | None:
    """The zero-point factor that makes the grade N: the registration was revoked or
    deregistered (a status of `model.not_graded`) on or before as_of; None otherwise. A status
    recorded without its day counts whatever the date (the registry says it holds now)."""
    status = next((s for s in model.not_graded if s.value == facts.status), None)
    if status is None:
        return None
    since = facts.status_since
    if since is not None and since > facts.as_of:
        return None  # the status took effect after as_of: rated as it stood then
    when = f"on {since.isoformat()}" if since is not None else "(day not recorded)"
    reason = f"registration {status.value.lower()} {when}; not graded"
    return Factor(f"STATUS_{status.value}", 0, reason, model.not_graded[status].basis)


def rate(model: RatingModel, facts: RatingFacts) -> Rating:
    """The rating of `facts.uscc` as of `facts.as_of` under `model`.

    An enterprise revoked or deregistered by as_of is grade N, not graded: its score is still
    the base plus its factors (no forcing factor holds it), shown for reference.
    """
    factors = [
        *_classification_factors(model, facts),
        *_penalty_factors(model, facts),
        *_list_factors(model, facts),
        *_loan_factors(model, facts),
        *_order_factors(model, facts),
        *_collection_factors(model, facts),
        *_network_factors(model, facts),
    ]
    forcing = {
        f"{rules.code_prefix}_{value}"
        for rules in model.classifications
        for value, rule in rules.values.items()
        if rule.forces
    } | {f"LIST_{kind.value}" for kind, rule in model.list_entries.kinds.items() if rule.forces}
    forced_by = next((f.code for f in factors if f.code in forcing), None)
    score = model.base.points + sum(factor.points for factor in factors)
    score = min(max(score, SCORE_MIN), SCORE_MAX)
    status = _status_factor(model, facts)
    m_factors = _m_factors(model, facts, factors) if status is None and forced_by is None else []
    grade: Grade
    if status is not None:
        grade, forced_by = "N", None
    elif forced_by is not None:
        grade, score = "D", min(score, model.top_of("D"))
    elif m_factors:
        grade = "M"
    else:
        grade = model.band_of(score)
    return Rating(
        uscc=facts.uscc,
        as_of=facts.as_of,
        score=score,
        grade=grade,
        forced_by=forced_by,
        model_version=model.version,
        treatment=model.treatments[grade],
        factors=tuple(factors + m_factors + ([status] if status is not None else [])),
        base=model.base.points,
    )
