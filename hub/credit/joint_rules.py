"""Joint punishment and joint incentive rules as versioned data: `joint_rules.json`, validated.

For each authoritative list the rules say whom an entry covers besides the listed subject
(its legal representative, shareholders holding `shareholder_min_ratio` or more, officers in
`officer_roles`) and what each department does with each kind of covered subject. Every
measure names its own legal basis (`LegalMeasure`): nobody is covered, and no measure is
given, without a law, regulation or central policy providing it (State Council General
Office 2020 No. 49). So a rule covers persons only with measures for persons, and reaches
other enterprises (`propagation_depth`) only with measures for them; the packaged rules reach
none (the reach stays the rating's internal NETWORK_RISK factor). Lists that are not joint
punishment lists (经营异常名录, a registry flag) are named in `not_joint_punishment` with the
reason. The incentive half names the red list's measures and the criteria that earn
incentives without an explicit entry.

`load_joint_rules()` raises `JointRulesError` naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.model import ClassificationScheme, Department, ListKind
from graph_schema.schemes import SCHEME_VALUES

DEFAULT_JOINT_RULES_PATH = Path(__file__).with_name("joint_rules.json")

SubjectRole = Literal["ENTERPRISE", "PERSON", "RELATED_ENTERPRISE"]
"""Whom measures are for: the listed enterprise, a person (listed or covered), an enterprise
reached through a covered subject (only where a rule gives it measures)."""

SUBJECT_ROLES: tuple[SubjectRole, ...] = ("ENTERPRISE", "PERSON", "RELATED_ENTERPRISE")
MAX_PROPAGATION_DEPTH = 2  # the reach is a traversal per level; keep it bounded

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class JointRulesError(ValueError):
    """The joint rules file is not valid; the message names the file and the problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LegalMeasure(_Frozen):
    """One measure and its legal basis: the instrument and article that give it to the
    department holding it ("(article not confirmed)" where the article is not)."""

    measure: Text
    basis: Text


Measures = dict[Department, tuple[LegalMeasure, ...]]


def _named(measures: Measures, where: str) -> None:
    """Refuse a department named with no measure: it would read as a measure without basis."""
    empty = [dept.value for dept, items in measures.items() if not items]
    if empty:
        raise ValueError(f"{where}: no measure for {', '.join(empty)}")


class Covers(_Frozen):
    """Who besides the listed enterprise an entry covers."""

    legal_representative: bool
    shareholder_min_ratio: float | None = Field(default=None, gt=0, le=1)
    officer_roles: tuple[str, ...] = ()

    @property
    def anyone(self) -> bool:
        return (
            self.legal_representative
            or self.shareholder_min_ratio is not None
            or bool(self.officer_roles)
        )


class PunishmentRule(_Frozen):
    label: str
    covers: Covers
    propagation_depth: int = Field(ge=0, le=MAX_PROPAGATION_DEPTH)
    measures: dict[SubjectRole, Measures]
    basis: Text  # the list's own basis: who lists, and what the listing is

    @model_validator(mode="after")
    def _measures_with_a_basis_for_whom_it_covers(self) -> Self:
        if not self.measures.get("ENTERPRISE"):
            raise ValueError("measures: the listed enterprise (ENTERPRISE) needs measures")
        for role, measures in self.measures.items():
            _named(measures, f"measures.{role}")
        if self.covers.anyone and not self.measures.get("PERSON"):
            raise ValueError(
                "covers: persons are covered but no PERSON measure gives them a legal basis"
            )
        if self.propagation_depth > 0 and not self.measures.get("RELATED_ENTERPRISE"):
            raise ValueError(
                "propagation_depth: reaching other enterprises needs RELATED_ENTERPRISE "
                "measures with a legal basis (State Council General Office 2020 No. 49: no "
                "widening without one)"
            )
        return self

    def measures_for(self, role: SubjectRole) -> Measures:
        return self.measures.get(role, {})


class RedListRule(_Frozen):
    label: str
    measures: Measures
    basis: Text

    @model_validator(mode="after")
    def _named_measures(self) -> Self:
        _named(self.measures, "measures")
        return self


class IncentiveCriteria(_Frozen):
    """An enterprise earns incentives without an entry: these classifications, and clean."""

    label: str
    customs_tier: str
    tax_grade: str
    clean_years: int = Field(ge=1)
    measures: Measures
    basis: Text

    @model_validator(mode="after")
    def _known_values(self) -> Self:
        if self.customs_tier not in SCHEME_VALUES[ClassificationScheme.CUSTOMS_CREDIT]:
            raise ValueError(f"criteria.customs_tier: unknown customs tier {self.customs_tier}")
        if self.tax_grade not in SCHEME_VALUES[ClassificationScheme.TAX_CREDIT]:
            raise ValueError(f"criteria.tax_grade: unknown tax grade {self.tax_grade}")
        _named(self.measures, "criteria.measures")
        return self


class IncentiveRules(_Frozen):
    red_list: RedListRule
    criteria: IncentiveCriteria


class JointRules(_Frozen):
    """The whole rule set; see docs/credit-model.md, "Joint punishment and incentives"."""

    version: str = Field(min_length=1)
    control_ratio: float = Field(gt=0, le=1)  # a shareholding that "controls" an enterprise
    punishment: dict[ListKind, PunishmentRule]
    not_joint_punishment: dict[ListKind, Text] = Field(default_factory=dict)
    """Punitive-kind lists that are no joint punishment list, each with the reason: their
    entries stay on the enterprise (and published where the law publishes them) but cover
    nobody and carry no joint measure."""
    incentive: IncentiveRules

    @model_validator(mode="after")
    def _every_list(self) -> Self:
        if ListKind.RED_LIST in self.punishment or ListKind.RED_LIST in self.not_joint_punishment:
            raise ValueError("punishment: RED_LIST is an incentive list, not a punishment")
        both = [kind.value for kind in self.punishment if kind in self.not_joint_punishment]
        if both:
            raise ValueError(f"not_joint_punishment: {', '.join(both)} also has a punishment rule")
        punitive = [kind for kind in ListKind if kind is not ListKind.RED_LIST]
        missing = [
            kind.value
            for kind in punitive
            if kind not in self.punishment and kind not in self.not_joint_punishment
        ]
        if missing:
            raise ValueError(
                f"punishment: no rule for {', '.join(missing)} (nor a reason in "
                "not_joint_punishment)"
            )
        return self

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department some rule gives a measure to, in enum order."""
        named: set[Department] = set()
        for rule in self.punishment.values():
            for measures in rule.measures.values():
                named |= measures.keys()
        named |= self.incentive.red_list.measures.keys()
        named |= self.incentive.criteria.measures.keys()
        return tuple(d.value for d in Department if d in named)


def joint_rules_from_data(data: Any, source: str = "<data>") -> JointRules:
    """Validate joint rules given as parsed JSON; `source` names them in errors."""
    return validate_data(JointRules, data, "joint rules", source, JointRulesError)


def load_joint_rules(path: Path | str | None = None) -> JointRules:
    """Read and validate the joint rules: the packaged `joint_rules.json` unless a path is given."""
    source = Path(path) if path is not None else DEFAULT_JOINT_RULES_PATH
    return load_data_file(JointRules, source, "joint rules", JointRulesError)
