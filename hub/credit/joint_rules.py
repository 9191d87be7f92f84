"""Joint punishment and joint incentive rules as versioned data: `joint_rules.json`, validated.

For each authoritative list the rules say whom an entry covers besides the listed enterprise
(its legal representative, shareholders holding `shareholder_min_ratio` or more, officers in
`officer_roles`), how far it reaches through them (`propagation_depth`: 1 reaches the
enterprises those subjects represent or control, 2 also the enterprises those control), and
what each department does with each kind of covered subject. The incentive half names the red
list's measures and the criteria that put an enterprise on it without an explicit entry.

`load_joint_rules()` raises `JointRulesError` naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file, validate_data
from graph_schema.model import SCHEME_VALUES, ClassificationScheme, Department, ListKind

DEFAULT_JOINT_RULES_PATH = Path(__file__).with_name("joint_rules.json")

SubjectRole = Literal["ENTERPRISE", "PERSON", "RELATED_ENTERPRISE"]
"""Whom measures are for: the listed enterprise, a covered person, an enterprise reached."""

SUBJECT_ROLES: tuple[SubjectRole, ...] = ("ENTERPRISE", "PERSON", "RELATED_ENTERPRISE")
MAX_PROPAGATION_DEPTH = 2  # the reach is a traversal per level; keep it bounded

Measures = dict[Department, tuple[str, ...]]


class JointRulesError(ValueError):
    """The joint rules file is not valid; the message names the file and the problem."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Covers(_Frozen):
    """Who besides the listed enterprise an entry covers."""

    legal_representative: bool
    shareholder_min_ratio: float | None = Field(default=None, gt=0, le=1)
    officer_roles: tuple[str, ...] = ()


class PunishmentRule(_Frozen):
    label: str
    covers: Covers
    propagation_depth: int = Field(ge=0, le=MAX_PROPAGATION_DEPTH)
    measures: dict[SubjectRole, Measures]
    basis: str

    @model_validator(mode="after")
    def _measures_for_the_listed(self) -> Self:
        if not self.measures.get("ENTERPRISE"):
            raise ValueError("measures: the listed enterprise (ENTERPRISE) needs measures")
        return self

    def measures_for(self, role: SubjectRole) -> Measures:
        return self.measures.get(role, {})


class RedListRule(_Frozen):
    label: str
    measures: Measures
    basis: str


class IncentiveCriteria(_Frozen):
    """An enterprise earns incentives without an entry: these classifications, and clean."""

    label: str
    customs_tier: str
    tax_grade: str
    clean_years: int = Field(ge=1)
    measures: Measures
    basis: str

    @model_validator(mode="after")
    def _known_values(self) -> Self:
        if self.customs_tier not in SCHEME_VALUES[ClassificationScheme.CUSTOMS_CREDIT]:
            raise ValueError(f"criteria.customs_tier: unknown customs tier {self.customs_tier}")
        if self.tax_grade not in SCHEME_VALUES[ClassificationScheme.TAX_CREDIT]:
            raise ValueError(f"criteria.tax_grade: unknown tax grade {self.tax_grade}")
        return self


class IncentiveRules(_Frozen):
    red_list: RedListRule
    criteria: IncentiveCriteria


class JointRules(_Frozen):
    """The whole rule set; see docs/credit-model.md, "Joint punishment and incentives"."""

    version: str = Field(min_length=1)
    control_ratio: float = Field(gt=0, le=1)  # a shareholding that "controls" an enterprise
    punishment: dict[ListKind, PunishmentRule]
    incentive: IncentiveRules

    @model_validator(mode="after")
    def _every_list(self) -> Self:
        if ListKind.RED_LIST in self.punishment:
            raise ValueError("punishment: RED_LIST is an incentive list, not a punishment")
        punitive = [kind for kind in ListKind if kind is not ListKind.RED_LIST]
        missing = [kind.value for kind in punitive if kind not in self.punishment]
        if missing:
            raise ValueError(f"punishment: no rule for {', '.join(missing)}")
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
