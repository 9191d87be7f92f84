"""The cross-department views as versioned data (`rules.json`): what each view sets against
what, which departments read it, which risk signals it shows, and why. Validated at load.

The figures (the refund ceiling's rate, the signals' thresholds) are the risk rules'
(`hub/risk/rules.json`): a view shows the same rule the scan applies, never a copy of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file
from graph_schema.model import Department

DEFAULT_RECONCILIATION_RULES_PATH = Path(__file__).with_name("rules.json")

Section = Literal["exports", "receipts", "refunds"]
"""A department's records the views set against each other: export declarations (customs),
export proceeds received from abroad (SAFE), export tax refunds (tax)."""

Signal = Literal[
    "REFUNDS_OUT_OF_PROPORTION", "EXPORTS_WITHOUT_RECEIPTS", "RECEIPTS_WITHOUT_EXPORTS"
]
"""The risk detections that set two departments' records against each other
(`hub.risk.scan.RiskScanner.trade_signals`)."""

ViewName = Literal[
    "refunds_against_exports", "refunds_against_receipts", "receipts_against_exports"
]

SECTION_OWNER: dict[Section, Department] = {
    "exports": Department.CUSTOMS,
    "receipts": Department.SAFE,
    "refunds": Department.TAX,
}
"""The department each section's records come from."""


class ReconciliationRulesError(ValueError):
    """The reconciliation rules file is not valid; the message names the file and the problem."""


class View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sets: Section
    against: Section
    departments: tuple[Department, ...] = Field(min_length=1)
    signals: tuple[Signal, ...]
    question: str = Field(min_length=1)
    basis: str = Field(min_length=1)

    @model_validator(mode="after")
    def _two_departments(self) -> View:
        if self.sets == self.against:
            raise ValueError(f"a view sets {self.sets} against another section, not itself")
        owners = {SECTION_OWNER[self.sets], SECTION_OWNER[self.against]}
        if not owners & set(self.departments):
            raise ValueError("a view is read by a department one of its sections comes from")
        return self


class ReconciliationRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    views: dict[ViewName, View]

    @model_validator(mode="after")
    def _every_view(self) -> ReconciliationRules:
        missing = sorted(set(ViewName.__args__) - set(self.views))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"views: {', '.join(missing)} missing")
        return self

    def readers(self, section: Section) -> set[Department]:
        """The departments that read `section` through some view (and its owner)."""
        found = {SECTION_OWNER[section]}
        for view in self.views.values():
            if section in (view.sets, view.against):
                found |= set(view.departments)
        return found


def load_reconciliation_rules(path: Path | str | None = None) -> ReconciliationRules:
    source = Path(path) if path is not None else DEFAULT_RECONCILIATION_RULES_PATH
    return load_data_file(
        ReconciliationRules, source, "reconciliation rules", ReconciliationRulesError
    )
