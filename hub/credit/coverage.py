"""Who a list entry covers, and which enterprises earn incentives: pure functions, no I/O.

`punishment_coverage(rules, entry, controls)` takes one authoritative list entry with the
subjects responsible for its enterprise (read from the graph) and, for propagation, what each
covered subject represents or controls (`controls`, read level by level), and returns every
covered subject with its path from the entry, the measures of each department (each with its
legal basis) and the dates. A subject is covered only where the entry's rule gives its role a
measure: no row without a legal basis (State Council General Office 2020 No. 49), so the
packaged rules cover the listed subject and the persons a law names, and reach no other
enterprise.
`incentive_coverage(rules, facts)` does the same for the red list: explicit red-list entries,
and the criteria (advanced certified, tax A, no penalty or list entry for 3 years).

A coverage row is valid from the entry's listing to its removal or expiry, so publicity
periods end by date without recomputation; `validUntil` is None while open-ended.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from graph_schema.dates import add_months
from graph_schema.model import ClassificationScheme, ListKind, Severity
from hub.credit.engine import effective_classifications
from hub.credit.facts import PathStep, RatingFacts
from hub.credit.joint_rules import JointRules, Measures, PunishmentRule, SubjectRole

CoverageKind = Literal["PUNISHMENT", "INCENTIVE"]
SubjectType = Literal["ENTERPRISE", "PERSON"]

_RELATION_ORDER = {"LEGAL_REPRESENTATIVE_OF": 0, "SHAREHOLDER_OF": 1, "OFFICER_OF": 2}


@dataclass(frozen=True)
class Responsible:
    """A subject holding a position in the listed enterprise at the time of computation."""

    subject_type: SubjectType
    key: str  # personKey or uscc
    name: str
    relationship: str  # LEGAL_REPRESENTATIVE_OF | SHAREHOLDER_OF | OFFICER_OF
    role: str | None = None  # the officer's role
    ratio: float | None = None  # the shareholding


@dataclass(frozen=True)
class ControlLink:
    """An enterprise a subject represents (legal representative) or controls (shareholding)."""

    uscc: str
    name: str
    zone: str | None
    relationship: str  # LEGAL_REPRESENTATIVE_OF | SHAREHOLDER_OF
    ratio: float | None = None


@dataclass(frozen=True)
class ListedEntry:
    """An authoritative list entry, its subject and who is responsible for that subject.

    The subject is usually an enterprise; a person may be listed too (a court's dishonest
    debtor), and then nobody else is responsible but his reach still counts.
    """

    id: str
    list: str
    department: str
    listed_on: dt.date
    expires_on: dt.date | None
    removed_on: dt.date | None
    subject_type: SubjectType
    key: str  # the subject's uscc or personKey
    name: str
    zone: str | None
    responsible: tuple[Responsible, ...] = ()

    @property
    def ends_on(self) -> dt.date | None:
        """The earlier of removal and expiry: the entry is in force before this day."""
        ends = [d for d in (self.removed_on, self.expires_on) if d is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class Coverage:
    """One subject covered by a list entry (or the incentive criteria), and what follows."""

    id: str
    kind: CoverageKind
    list: str
    cause: str  # the list entry id, or CRITERIA:<classification ids>
    department: str  # the department of the cause
    subject_type: SubjectType
    subject_key: str
    subject_name: str
    subject_role: SubjectRole
    relation: str  # how the subject is covered, in a few words
    zone: str | None
    depth: int
    valid_from: dt.date
    valid_until: dt.date | None
    path: tuple[PathStep, ...]
    evidence: tuple[str, ...]
    measures: Measures
    basis: str
    rules_version: str

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


def coverage_id(kind: CoverageKind, cause: str, subject_type: SubjectType, key: str) -> str:
    """Stable: the same cause covering the same subject is the same row, however derived."""
    digest = hashlib.sha256(f"{kind}|{cause}|{subject_type}|{key}".encode()).hexdigest()
    return f"{kind[0]}-{digest[:24]}"


def covered_responsible(rules: JointRules, entry: ListedEntry) -> list[Responsible]:
    """The responsible subjects the entry's list covers, one per subject (strongest relation)."""
    rule = punishment_rule(rules, entry.list)
    if rule is None or entry.subject_type != "ENTERPRISE":
        return []
    covers = rule.covers
    # an enterprise holding the listed one is covered only where a rule gives it measures
    holders_covered = bool(rule.measures_for("RELATED_ENTERPRISE"))
    chosen: dict[tuple[str, str], Responsible] = {}
    for subject in sorted(
        entry.responsible, key=lambda s: (_RELATION_ORDER.get(s.relationship, 9), s.key)
    ):
        if subject.relationship == "LEGAL_REPRESENTATIVE_OF":
            covered = covers.legal_representative
        elif subject.relationship == "SHAREHOLDER_OF":
            minimum = covers.shareholder_min_ratio
            covered = minimum is not None and (subject.ratio or 0) >= minimum
        elif subject.relationship == "OFFICER_OF":
            covered = subject.role in covers.officer_roles
        else:
            covered = False
        if subject.subject_type == "ENTERPRISE" and not holders_covered:
            covered = False
        if covered:
            chosen.setdefault((subject.subject_type, subject.key), subject)
    return list(chosen.values())


def punishment_rule(rules: JointRules, kind: str) -> PunishmentRule | None:
    """The rule of a joint punishment list; None for the red list, a list the rules name as
    no joint punishment list (`not_joint_punishment`), or one they do not know."""
    try:
        return rules.punishment.get(ListKind(kind))
    except ValueError:
        return None


def _relation(subject: Responsible) -> str:
    if subject.relationship == "LEGAL_REPRESENTATIVE_OF":
        return "legal representative of the listed enterprise"
    if subject.relationship == "SHAREHOLDER_OF":
        return f"holds {round((subject.ratio or 0) * 100)}% of the listed enterprise"
    return f"{(subject.role or 'officer').lower().replace('_', ' ')} of the listed enterprise"


def _reach(link: ControlLink) -> str:
    if link.relationship == "LEGAL_REPRESENTATIVE_OF":
        return "represented by"
    return f"{round((link.ratio or 0) * 100)}% held by"


def _label(subject_type: SubjectType) -> str:
    return "Enterprise" if subject_type == "ENTERPRISE" else "Person"


def punishment_coverage(
    rules: JointRules,
    entry: ListedEntry,
    controls: Mapping[str, tuple[ControlLink, ...]],
) -> list[Coverage]:
    """Every subject `entry` covers: the enterprise, responsible subjects, what they reach.

    `controls[key]` lists the enterprises the subject with that personKey or uscc represents
    or controls; subjects missing from it reach nothing. Each subject appears once, at its
    nearest depth (then the first path in key order).
    """
    rule = punishment_rule(rules, entry.list)
    if rule is None:
        return []
    head = (PathStep("ListEntry", entry.id, "LISTED"),)
    listed_path = (*head, PathStep(_label(entry.subject_type), entry.key))

    def row(
        subject_type: SubjectType,
        key: str,
        name: str,
        role: SubjectRole,
        relation: str,
        zone: str | None,
        depth: int,
        path: tuple[PathStep, ...],
    ) -> Coverage:
        return Coverage(
            id=coverage_id("PUNISHMENT", entry.id, subject_type, key),
            kind="PUNISHMENT",
            list=entry.list,
            cause=entry.id,
            department=entry.department,
            subject_type=subject_type,
            subject_key=key,
            subject_name=name,
            subject_role=role,
            relation=relation,
            zone=zone,
            depth=depth,
            valid_from=entry.listed_on,
            valid_until=entry.ends_on,
            path=path,
            evidence=(entry.id,),
            measures=rule.measures_for(role),
            basis=rule.basis,
            rules_version=rules.version,
        )

    listed_role: SubjectRole = "ENTERPRISE" if entry.subject_type == "ENTERPRISE" else "PERSON"
    rows: dict[tuple[str, str], Coverage] = {
        (entry.subject_type, entry.key): row(
            entry.subject_type,
            entry.key,
            entry.name,
            listed_role,
            f"on the {rule.label}",
            entry.zone,
            0,
            listed_path,
        )
    }
    # a listed person reaches what he represents or controls, like a covered one
    frontier: list[tuple[str, tuple[PathStep, ...]]] = (
        [(entry.key, listed_path)] if entry.subject_type == "PERSON" else []
    )
    for subject in covered_responsible(rules, entry):
        path: tuple[PathStep, ...] = (
            *head,
            PathStep("Enterprise", entry.key, subject.relationship),
            PathStep(_label(subject.subject_type), subject.key),
        )
        role: SubjectRole = "PERSON" if subject.subject_type == "PERSON" else "RELATED_ENTERPRISE"
        rows.setdefault(
            (subject.subject_type, subject.key),
            row(
                subject.subject_type,
                subject.key,
                subject.name,
                role,
                _relation(subject),
                entry.zone,
                0,
                path,
            ),
        )
        frontier.append((subject.key, path))
    for depth in range(1, rule.propagation_depth + 1):
        reached: list[tuple[str, tuple[PathStep, ...]]] = []
        for key, trail in frontier:
            for link in sorted(controls.get(key, ()), key=lambda link: link.uscc):
                if ("ENTERPRISE", link.uscc) in rows:
                    continue
                onward = (
                    *trail[:-1],
                    PathStep(trail[-1].label, trail[-1].key, link.relationship),
                    PathStep("Enterprise", link.uscc),
                )
                relation = f"{_reach(link)} a subject covered by the {rule.label}"
                rows[("ENTERPRISE", link.uscc)] = row(
                    "ENTERPRISE",
                    link.uscc,
                    link.name,
                    "RELATED_ENTERPRISE",
                    relation,
                    link.zone,
                    depth,
                    onward,
                )
                reached.append((link.uscc, onward))
        frontier = reached
    return sorted(rows.values(), key=lambda c: (c.depth, c.subject_type, c.subject_key))


def incentive_coverage(rules: JointRules, facts: RatingFacts) -> list[Coverage]:
    """The red-list entries of `facts.uscc` and, if it meets them, the incentive criteria."""
    red = rules.incentive.red_list
    rows = [
        Coverage(
            id=coverage_id("INCENTIVE", entry.id, "ENTERPRISE", facts.uscc),
            kind="INCENTIVE",
            list=ListKind.RED_LIST.value,
            cause=entry.id,
            department=entry.department,
            subject_type="ENTERPRISE",
            subject_key=facts.uscc,
            subject_name=facts.name,
            subject_role="ENTERPRISE",
            relation=f"on the {red.label}",
            zone=facts.zone,
            depth=0,
            valid_from=entry.listed_on,
            valid_until=min(
                (d for d in (entry.removed_on, entry.expires_on) if d is not None), default=None
            ),
            path=(PathStep("ListEntry", entry.id, "LISTED"), PathStep("Enterprise", facts.uscc)),
            evidence=(entry.id,),
            measures=red.measures,
            basis=red.basis,
            rules_version=rules.version,
        )
        for entry in sorted(facts.list_entries, key=lambda e: e.id)
        if entry.list == ListKind.RED_LIST.value and entry.listed_on <= facts.as_of
    ]
    earned = _criteria_coverage(rules, facts)
    return rows if earned is None else [*rows, earned]


def _criteria_coverage(rules: JointRules, facts: RatingFacts) -> Coverage | None:
    criteria = rules.incentive.criteria
    effective = effective_classifications(facts)
    customs = effective.get(ClassificationScheme.CUSTOMS_CREDIT.value)
    tax = effective.get(ClassificationScheme.TAX_CREDIT.value)
    if customs is None or tax is None:
        return None
    if customs.value != criteria.customs_tier or tax.value != criteria.tax_grade:
        return None
    window_start = add_months(facts.as_of, -12 * criteria.clean_years)
    marks = [
        p.decided_on
        for p in facts.penalties
        if p.severity != Severity.MINOR.value and p.decided_on <= facts.as_of
    ]
    for entry in facts.list_entries:
        if entry.list == ListKind.RED_LIST.value or entry.listed_on > facts.as_of:
            continue
        ends = [d for d in (entry.removed_on, entry.expires_on) if d is not None]
        marks.append(min(ends) if ends else facts.as_of)
    if any(mark > window_start for mark in marks):
        return None  # a penalty or list entry inside the clean window
    starts = [customs.effective_from, tax.effective_from]
    starts += [add_months(mark, 12 * criteria.clean_years) for mark in marks]
    ends = [d for d in (customs.effective_to, tax.effective_to) if d is not None]
    cause = f"CRITERIA:{customs.id}+{tax.id}"
    return Coverage(
        id=coverage_id("INCENTIVE", cause, "ENTERPRISE", facts.uscc),
        kind="INCENTIVE",
        list=ListKind.RED_LIST.value,
        cause=cause,
        department=customs.department,
        subject_type="ENTERPRISE",
        subject_key=facts.uscc,
        subject_name=facts.name,
        subject_role="ENTERPRISE",
        relation=criteria.label,
        zone=facts.zone,
        depth=0,
        valid_from=max(starts),
        valid_until=min(ends) if ends else None,
        path=(
            PathStep("Classification", customs.id, "CLASSIFIED"),
            PathStep("Enterprise", facts.uscc, "CLASSIFIED"),
            PathStep("Classification", tax.id),
        ),
        evidence=(customs.id, tax.id),
        measures=criteria.measures,
        basis=criteria.basis,
        rules_version=rules.version,
    )
