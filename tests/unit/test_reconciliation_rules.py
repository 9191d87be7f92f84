"""The cross-department views' pure rule: the window's months, the sums by month, the ratios,
the refund ceiling and the REFUNDS_OUT_OF_PROPORTION alert, without a database; and the
views' data file, checked at load and against the catalog's rules."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from auth.catalog import load_catalog
from hub.reconciliation.ratios import (
    MonthTotal,
    RefundMonth,
    month_totals,
    receipts_against_exports,
    refund_ceiling,
    refund_excess,
    refund_months,
    refunds_against_exports,
    refunds_against_receipts,
    window_months,
)
from hub.reconciliation.rules import (
    DEFAULT_RECONCILIATION_RULES_PATH,
    ReconciliationRulesError,
    ViewName,
    load_reconciliation_rules,
)
from hub.risk import RiskRulesError, load_risk_rules
from hub.risk.rules import DEFAULT_RISK_RULES_PATH
from hub.risk.scan import refund_alerts

D = Decimal


def test_a_window_is_whole_calendar_months_ending_with_today_s() -> None:
    assert window_months(dt.date(2026, 6, 15), 3) == ["2026-04", "2026-05", "2026-06"]
    assert window_months(dt.date(2026, 2, 28), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert window_months(dt.date(2026, 1, 31), 1) == ["2026-01"]
    assert len(window_months(dt.date(2026, 6, 15), 36)) == 36


def test_month_totals_fill_the_months_without_records_and_drop_those_outside() -> None:
    rows = [
        {"month": "2026-05", "count": 2, "value": 150000.0},
        {"month": "2026-03", "count": 1, "value": 0.1 + 0.2},  # 0.30000000000000004
        {"month": "2025-12", "count": 9, "value": 1.0},  # before the window
    ]
    assert month_totals(rows, ["2026-03", "2026-04", "2026-05"]) == [
        MonthTotal("2026-03", 1, D("0.30")),
        MonthTotal("2026-04", 0, D("0.00")),
        MonthTotal("2026-05", 2, D("150000.00")),
    ]


def test_refund_months_count_claims_by_the_month_claimed_and_payments_by_the_month_paid() -> None:
    claimed = [
        {"month": "2026-02", "status": "PAID", "count": 1, "value": 26000.0},
        {"month": "2026-04", "status": "CLAIMED", "count": 1, "value": 40000.0},
        {"month": "2026-04", "status": "REJECTED", "count": 2, "value": 10000.0},
    ]
    paid = [{"month": "2026-01", "count": 1, "value": 5000.0}]
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert refund_months(claimed, paid, months, {"CLAIMED", "PAID"}) == [
        RefundMonth("2026-01", 0, D("0.00"), D("0.00"), D("5000.00"), D("0.00")),
        RefundMonth("2026-02", 1, D("26000.00"), D("0.00"), D("0.00"), D("26000.00")),
        RefundMonth("2026-03", 0, D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        RefundMonth("2026-04", 3, D("50000.00"), D("10000.00"), D("0.00"), D("40000.00")),
    ]


def test_the_refund_ceiling_is_the_exports_at_the_highest_rate() -> None:
    assert refund_ceiling(D("350000.00"), D("0.13")) == D("45500.00")
    assert refund_ceiling(D("0.05"), D("0.13")) == D("0.01")  # 0.0065 to the fen
    # exactly the ceiling is not above it; a fen more is, once the minimum is met
    assert refund_excess(D("45500.00"), D("350000.00"), D("0.13"), D("0")) is None
    assert refund_excess(D("45500.01"), D("350000.00"), D("0.13"), D("0")) == D("0.01")
    # far above the ceiling but under the minimum: not out of proportion
    assert refund_excess(D("49999.99"), D("0.00"), D("0.13"), D("50000")) is None
    assert refund_excess(D("50000.00"), D("0.00"), D("0.13"), D("50000")) == D("50000.00")


EXPORTS = [MonthTotal("2026-01", 1, D("200000.00")), MonthTotal("2026-03", 2, D("150000.00"))]
RECEIVED = [MonthTotal("2026-01", 1, D("80000.00")), MonthTotal("2026-02", 2, D("250000.00"))]
REFUNDS = [
    RefundMonth("2026-02", 1, D("26000.00"), D("0.00"), D("5000.00"), D("26000.00")),
    RefundMonth("2026-04", 2, D("50000.00"), D("10000.00"), D("26000.00"), D("40000.00")),
]


def test_each_view_s_figures_and_ratios() -> None:
    # customs and tax: 66,000 claimed (pending or paid) on 350,000 exported
    refunds = refunds_against_exports(EXPORTS, REFUNDS, D("0.13"))
    assert (refunds.exported_cny, refunds.claimed_cny, refunds.paid_cny) == (
        D("350000.00"),
        D("66000.00"),
        D("31000.00"),
    )
    assert refunds.refund_ratio == 0.1886  # 66,000 / 350,000 = 0.188571...
    assert (refunds.ceiling_cny, refunds.over_ceiling_cny) == (D("45500.00"), D("20500.00"))
    # tax: the same claims on 330,000 received
    on_receipts = refunds_against_receipts(RECEIVED, REFUNDS)
    assert (on_receipts.received_cny, on_receipts.refund_ratio) == (D("330000.00"), 0.2)
    # SAFE: of 330,000 received, 250,000 count against the window's exports
    collected = receipts_against_exports(EXPORTS, RECEIVED, D("250000.00"))
    assert (collected.received_cny, collected.collection_ratio) == (D("330000.00"), 0.7143)


def test_a_ratio_without_anything_to_set_it_against_is_null() -> None:
    assert refunds_against_exports([], REFUNDS, D("0.13")).refund_ratio is None
    assert refunds_against_exports([], REFUNDS, D("0.13")).over_ceiling_cny == D("66000.00")
    assert refunds_against_receipts([], REFUNDS).refund_ratio is None
    assert receipts_against_exports([], RECEIVED, D("0")).collection_ratio is None
    # within the ceiling: nothing over it
    assert refunds_against_exports(EXPORTS * 2, REFUNDS, D("0.13")).over_ceiling_cny == D("0.00")


def test_the_alert_names_the_claims_the_ceiling_and_the_exports() -> None:
    rules = load_risk_rules()
    rows = [
        {
            "uscc": "U-1",
            "zone": "KAIFENG",
            "claims": ["T-2", "T-0", "T-1"],
            "claimed": 71000.0,
            "exported": 430000.0,
            "exportCount": 4,
        },
        # the twin: 55,900 is exactly 13% of 430,000, not above it
        {
            "uscc": "U-2",
            "zone": "KAIFENG",
            "claims": ["T-9"],
            "claimed": 55900.0,
            "exported": 430000.0,
            "exportCount": 1,
        },
    ]
    [alert] = refund_alerts(rules, rows)
    assert (alert.kind, alert.severity, alert.subjects) == (
        "REFUNDS_OUT_OF_PROPORTION",
        "HIGH",
        ("U-1",),
    )
    assert alert.evidence == ("T-0", "T-1", "T-2")
    assert alert.reason == (
        "claimed CNY 71,000.00 of export tax refunds in 3 claims in 12 months, CNY 15,100.00 "
        "more than the CNY 55,900.00 its exports could yield at the highest refund rate of 13% "
        "(CNY 430,000.00 declared in 4 declarations in 28 months)"
    )
    assert "2019年第39号" in alert.basis and "not confirmed" in alert.basis


def test_the_shipped_risk_rules_hold_the_13_percent_ceiling_and_refuse_a_rejected_claim(
    tmp_path: Path,
) -> None:
    rule = load_risk_rules().refunds_out_of_proportion
    assert (rule.max_refund_rate, rule.rate_in_force_from) == (D("0.13"), dt.date(2019, 4, 1))
    data = json.loads(DEFAULT_RISK_RULES_PATH.read_text(encoding="utf-8"))
    data["refunds_out_of_proportion"]["counted_statuses"] = ["PAID", "REJECTED"]
    broken = tmp_path / "rules.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RiskRulesError, match="a rejected claim yields no refund"):
        load_risk_rules(broken)


def _broken_views(tmp_path: Path, change: dict[str, object], view: str) -> Path:
    data = json.loads(DEFAULT_RECONCILIATION_RULES_PATH.read_text(encoding="utf-8"))
    data["views"][view].update(change)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_views_file_is_checked_when_loaded(tmp_path: Path) -> None:
    assert load_reconciliation_rules().views["refunds_against_exports"].signals == (
        "REFUNDS_OUT_OF_PROPORTION",
    )
    itself = _broken_views(tmp_path, {"against": "refunds"}, "refunds_against_exports")
    with pytest.raises(ReconciliationRulesError, match="against another section"):
        load_reconciliation_rules(itself)
    outsider = _broken_views(tmp_path, {"departments": ["COMMERCE"]}, "receipts_against_exports")
    with pytest.raises(ReconciliationRulesError, match="a department one of its sections"):
        load_reconciliation_rules(outsider)
    unknown = _broken_views(tmp_path, {"signals": ["EXPORT_SPIKE"]}, "receipts_against_exports")
    with pytest.raises(ReconciliationRulesError, match="signals"):
        load_reconciliation_rules(unknown)


# The scope each department reads its own records with (auth/catalog.json, by hand).
SCOPE = {"CUSTOMS": "customs:read", "TAX": "tax:read", "SAFE": "fx:read"}
VIEW_FIELDS: dict[ViewName, str] = {
    "refunds_against_exports": "refundsAgainstExports",
    "refunds_against_receipts": "refundsAgainstReceipts",
    "receipts_against_exports": "receiptsAgainstExports",
}


def test_the_catalog_grants_each_section_and_view_to_the_departments_the_views_name() -> None:
    rules, catalog = load_reconciliation_rules(), load_catalog()
    for section in ("exports", "receipts", "refunds"):
        rule = catalog.field_rule("TradeReconciliation", section)
        assert rule is not None
        assert set(rule.any_of) == {SCOPE[d] for d in rules.readers(section)}, section
    for name, field in VIEW_FIELDS.items():
        rule = catalog.field_rule("TradeReconciliation", field)
        assert rule is not None
        assert set(rule.any_of) == {SCOPE[d] for d in rules.views[name].departments}, name
