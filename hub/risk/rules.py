"""Risk alert rules as versioned data (`rules.json`): thresholds and severities, validated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph_schema.datafile import load_data_file
from graph_schema.model import EnterpriseStatus, TaxRefundStatus

DEFAULT_RISK_RULES_PATH = Path(__file__).with_name("rules.json")

Severity = Literal["LOW", "MEDIUM", "HIGH"]


class RiskRulesError(ValueError):
    """The risk rules file is not valid; the message names the file and the problem."""


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Severity
    basis: str


class CircularPayments(_Rule):
    min_enterprises: int = Field(ge=2)
    max_enterprises: int = Field(le=5)
    window_days: int = Field(ge=1)

    @model_validator(mode="after")
    def _range(self) -> CircularPayments:
        if self.min_enterprises > self.max_enterprises:
            raise ValueError("min_enterprises is above max_enterprises")
        return self


class SharedClusters(_Rule):
    address: int = Field(ge=2)
    phone: int = Field(ge=2)
    legal_representative: int = Field(ge=2)


class DocumentMismatch(_Rule):
    window_months: int = Field(ge=1)
    min_orders: int = Field(ge=1)
    min_rate: float = Field(gt=0, le=1)


class CoveredRepresentative(_Rule):
    max_age_months: int = Field(ge=1)


class ExportSpike(_Rule):
    recent_days: int = Field(ge=1)
    history_months: int = Field(ge=2)
    factor: float = Field(gt=1)
    min_recent_cny: float = Field(ge=0)


class ReceiptsWithoutExports(_Rule):
    """Export proceeds received from abroad in the `window_months` (but not in the last
    `grace_days`, an advance receipt's time to be followed by its export), at least
    `min_received_cny`, and no export declared in the whole window."""

    window_months: int = Field(ge=1)
    grace_days: int = Field(ge=0)
    min_received_cny: Decimal = Field(ge=0)


class ExportsWithoutReceipts(_Rule):
    """Exports declared in the `window_months` (but not in the last `grace_days`, the time
    proceeds may take to come back), at least `min_exported_cny`, and no export proceeds
    received from abroad in the whole window."""

    window_months: int = Field(ge=1)
    grace_days: int = Field(ge=0)
    min_exported_cny: Decimal = Field(ge=0)


class RefundsOutOfProportion(_Rule):
    """Export tax refunds claimed in the `window_months` (of `counted_statuses`), at least
    `min_claimed_cny`, above `max_refund_rate` of the exports declared in those months and the
    `export_lead_months` before them (a claim follows its export): more than any export could
    yield. `hub.reconciliation.ratios` holds the arithmetic; the views show the same figures."""

    window_months: int = Field(ge=1)
    export_lead_months: int = Field(ge=0)
    max_refund_rate: Decimal = Field(gt=0, lt=1)
    rate_in_force_from: dt.date
    counted_statuses: tuple[TaxRefundStatus, ...] = Field(min_length=1)
    min_claimed_cny: Decimal = Field(ge=0)

    @model_validator(mode="after")
    def _yields(self) -> RefundsOutOfProportion:
        if TaxRefundStatus.REJECTED in self.counted_statuses:
            raise ValueError("counted_statuses: a rejected claim yields no refund")
        return self


class DeclarationAfterDeregistration(_Rule):
    """A declaration dated after the day one of `statuses` took effect (`statusSince`)."""

    statuses: tuple[EnterpriseStatus, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ended(self) -> DeclarationAfterDeregistration:
        if EnterpriseStatus.ACTIVE in self.statuses:
            raise ValueError("statuses: an ACTIVE enterprise may declare")
        return self


class RiskRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    circular_payments: CircularPayments
    shared_clusters: SharedClusters
    document_mismatch: DocumentMismatch
    covered_representative: CoveredRepresentative
    export_spike: ExportSpike
    declaration_after_deregistration: DeclarationAfterDeregistration
    receipts_without_exports: ReceiptsWithoutExports
    exports_without_receipts: ExportsWithoutReceipts
    refunds_out_of_proportion: RefundsOutOfProportion

    @model_validator(mode="after")
    def _one_receipt_window(self) -> RiskRules:
        # both signals are read by one query over one window
        if self.receipts_without_exports.window_months != (
            self.exports_without_receipts.window_months
        ):
            raise ValueError(
                "receipts_without_exports and exports_without_receipts must have the same "
                "window_months"
            )
        return self


def load_risk_rules(path: Path | str | None = None) -> RiskRules:
    source = Path(path) if path is not None else DEFAULT_RISK_RULES_PATH
    return load_data_file(RiskRules, source, "risk rules", RiskRulesError)
