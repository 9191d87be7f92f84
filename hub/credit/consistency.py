"""Data-quality findings: where the departments' facts about one enterprise contradict each
other or the law's dates, and which department must fix it.

The rules are versioned data (`consistency.json` beside this module), validated on load: each
has an id, the department that must fix what it finds (or `OF_RECORD`: the department that
sent the offending record), a message and its legal basis. Their kinds:

- `CLASSIFICATION_IMPLIES_CLASSIFICATION`: a classification in effect at as_of (tax grade D)
  requires another scheme's classification, when one is in effect, to have certain values
  (export-refund class 4);
- `CLASSIFICATION_IMPLIES_LIST`: a classification in effect (a customs dishonest tier)
  requires an entry of a list, by its department, in force (the customs dishonest list);
- `LIST_IMPLIES_CLASSIFICATION`: a list entry in force requires the scheme's classification,
  when one is in effect, to have certain values;
- `NEW_EXPORTER_REFUND_CLASS`: no refund class of `values` effective less than `months`
  after the first export (a refund-class record known by as_of, in effect or not);
- `VALUE_OUTSIDE_REGIME`: a classification whose value its scheme's regime did not have on
  its effective date (`graph_schema.schemes.refusal`: a CERTIFIED tier dated 2025);
- `REPAIR_BEFORE_MINIMUM_PUBLICITY`: a penalty repaired before its severity's shortest
  publicity period ended (`graph_schema.publicity`).

`check(facts)` is pure: the same facts give the same findings, in rule order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.dates import add_months
from graph_schema.model import ClassificationScheme, Department, ListKind, Severity
from graph_schema.publicity import PUBLICITY
from graph_schema.schemes import SCHEME_DEPARTMENT, SCHEME_VALUES, refusal
from hub.credit.engine import active_list_entries, effective_classifications
from hub.credit.facts import ClassificationFact, RatingFacts

DEFAULT_CONSISTENCY_PATH: Final = Path(__file__).with_name("consistency.json")

OF_RECORD: Final = "OF_RECORD"
"""A rule's department when the department that sent the offending record must fix it."""


class ConsistencyError(ValueError):
    """The consistency rules are not valid; the message names the file and every problem."""


@dataclass(frozen=True)
class Finding:
    """One data-quality finding: the rule, the department that must fix it, what was found
    (`detail`), the ids of the records behind it and the rule's legal basis."""

    rule: str
    department: Department
    message: str
    detail: str
    evidence: tuple[str, ...]
    basis: str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Values(_Frozen):
    """Classifications of `scheme` with one of `values`."""

    scheme: ClassificationScheme
    values: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> Self:
        unknown = [v for v in self.values if v not in SCHEME_VALUES[self.scheme]]
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)}: never a value of scheme {self.scheme.value} "
                f"({', '.join(SCHEME_VALUES[self.scheme])})"
            )
        return self


class ListedBy(_Frozen):
    """An entry of `list`, sent by `department`."""

    list: ListKind
    department: Department


class OnList(_Frozen):
    list: ListKind


class _Rule(_Frozen):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    department: Department | Literal["OF_RECORD"]
    message: str = Field(min_length=1)
    basis: str = Field(min_length=1)

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        raise NotImplementedError  # each kind says what it finds

    def _found(self, department: Department, detail: str, *evidence: str) -> Finding:
        return Finding(self.id, department, self.message, detail, evidence, self.basis)


class _FixedOwner(_Rule):
    department: Department

    def _owned_by_classifier(self, scheme: ClassificationScheme) -> None:
        owner = SCHEME_DEPARTMENT[scheme]
        if self.department is not owner:
            raise ValueError(
                f"{self.id}: {owner.value} classifies under {scheme.value} and must fix it, "
                f"not {self.department.value}"
            )


class ClassificationImpliesClassification(_FixedOwner):
    kind: Literal["CLASSIFICATION_IMPLIES_CLASSIFICATION"]
    when: Values
    then: Values

    @model_validator(mode="after")
    def _owner(self) -> Self:
        self._owned_by_classifier(self.then.scheme)
        return self

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        effective = effective_classifications(facts)
        cause = effective.get(self.when.scheme.value)
        held = effective.get(self.then.scheme.value)
        if cause is None or held is None or cause.value not in self.when.values:
            return
        if held.value not in self.then.values:
            detail = f"{_described(cause)} but {_described(held)} on {facts.as_of.isoformat()}"
            yield self._found(self.department, detail, cause.id, held.id)


class ClassificationImpliesList(_FixedOwner):
    kind: Literal["CLASSIFICATION_IMPLIES_LIST"]
    when: Values
    then: ListedBy

    @model_validator(mode="after")
    def _owner(self) -> Self:
        if self.department is not self.then.department:
            raise ValueError(
                f"{self.id}: the list's department {self.then.department.value} publishes "
                f"its entries and must fix a missing one, not {self.department.value}"
            )
        return self

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        cause = effective_classifications(facts).get(self.when.scheme.value)
        if cause is None or cause.value not in self.when.values:
            return
        wanted = (self.then.list.value, self.then.department.value)
        if not any((e.list, e.department) == wanted for e in active_list_entries(facts)):
            detail = (
                f"{_described(cause)} but no {wanted[0]} entry by {wanted[1]} in force on "
                f"{facts.as_of.isoformat()}"
            )
            yield self._found(self.department, detail, cause.id)


class ListImpliesClassification(_FixedOwner):
    kind: Literal["LIST_IMPLIES_CLASSIFICATION"]
    when: OnList
    then: Values

    @model_validator(mode="after")
    def _owner(self) -> Self:
        self._owned_by_classifier(self.then.scheme)
        return self

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        held = effective_classifications(facts).get(self.then.scheme.value)
        if held is None or held.value in self.then.values:
            return
        for entry in active_list_entries(facts):
            if entry.list == self.when.list.value:
                detail = (
                    f"{entry.list} entry {entry.id} (listed {entry.listed_on.isoformat()}) in "
                    f"force but {_described(held)} on {facts.as_of.isoformat()}"
                )
                yield self._found(self.department, detail, entry.id, held.id)


class NewExporterRefundClass(_FixedOwner):
    kind: Literal["NEW_EXPORTER_REFUND_CLASS"]
    months: int = Field(ge=1)
    values: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> Self:
        Values(scheme=ClassificationScheme.EXPORT_REFUND_CLASS, values=self.values)
        self._owned_by_classifier(ClassificationScheme.EXPORT_REFUND_CLASS)
        return self

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        first = facts.first_export_on
        if first is None:
            return
        until = add_months(first, self.months)
        scheme = ClassificationScheme.EXPORT_REFUND_CLASS.value
        for c in _in_date_order(facts.classifications):
            if c.scheme == scheme and c.value in self.values and c.effective_from < until:
                detail = (
                    f"{_described(c)} though the first export was on {first.isoformat()}: "
                    f"class {c.value} only from {until.isoformat()}"
                )
                yield self._found(self.department, detail, c.id)


class ValueOutsideRegime(_Rule):
    kind: Literal["VALUE_OUTSIDE_REGIME"]
    department: Literal["OF_RECORD"]

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        for c in _in_date_order(facts.classifications):
            refused = refusal(ClassificationScheme(c.scheme), c.value, c.effective_from)
            if refused is not None:
                yield self._found(Department(c.department), f"{c.id}: {refused}", c.id)


class RepairBeforeMinimumPublicity(_Rule):
    kind: Literal["REPAIR_BEFORE_MINIMUM_PUBLICITY"]
    department: Literal["OF_RECORD"]

    def findings(self, facts: RatingFacts) -> Iterator[Finding]:
        for p in sorted(facts.penalties, key=lambda p: (p.decided_on, p.id)):
            if p.repaired_on is None:
                continue
            refused = PUBLICITY.repair_refusal(Severity(p.severity), p.decided_on, p.repaired_on)
            if refused is not None:  # the regime of the decision's day: graph_schema/publicity
                detail = f"penalty {p.id} repaired {p.repaired_on.isoformat()}: {refused}"
                yield self._found(Department(p.department), detail, p.id)


Rule = Annotated[
    ClassificationImpliesClassification
    | ClassificationImpliesList
    | ListImpliesClassification
    | NewExporterRefundClass
    | ValueOutsideRegime
    | RepairBeforeMinimumPublicity,
    Field(discriminator="kind"),
]


class ConsistencyRules(_Frozen):
    version: str = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct_ids(self) -> Self:
        ids = [rule.id for rule in self.rules]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"rules: id {', '.join(repeated)} appears twice")
        return self


def consistency_rules_from_data(data: object, source: str = "<data>") -> ConsistencyRules:
    """Validate rules given as parsed JSON; `source` names them in errors."""
    return validate_data(ConsistencyRules, data, "consistency rules", source, ConsistencyError)


def load_consistency_rules(path: Path | str | None = None) -> ConsistencyRules:
    """Read and validate the rules: the packaged `consistency.json` unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_CONSISTENCY_PATH
    return load_data_file(ConsistencyRules, source, "consistency rules", ConsistencyError)


CONSISTENCY_RULES: Final = load_consistency_rules()
"""The packaged rules, validated at import: a broken file stops the hub at start."""


def check(facts: RatingFacts, rules: ConsistencyRules = CONSISTENCY_RULES) -> tuple[Finding, ...]:
    """Every finding of `rules` on `facts` as of `facts.as_of`, in rule order."""
    return tuple(finding for rule in rules.rules for finding in rule.findings(facts))


def _described(c: ClassificationFact) -> str:
    return f"{c.scheme} {c.value} ({c.id}, from {c.effective_from.isoformat()})"


def _in_date_order(classifications: Iterable[ClassificationFact]) -> list[ClassificationFact]:
    return sorted(classifications, key=lambda c: (c.effective_from, c.id))


__all__ = [
    "CONSISTENCY_RULES",
    "DEFAULT_CONSISTENCY_PATH",
    "OF_RECORD",
    "ConsistencyError",
    "ConsistencyRules",
    "Finding",
    "check",
    "consistency_rules_from_data",
    "load_consistency_rules",
]
