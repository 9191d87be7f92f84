"""The financing profile's arithmetic (`hub.financing.summary`), a pure function now that it
is out of the resolver: sums, ratios and provenance of hand-made facts, checked against sums
done by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.credit.facts import OrderCheck
from hub.financing.profile import FinancingFacts
from hub.financing.summary import (
    Loans,
    ModeMonthTotal,
    MonthTotal,
    Provenance,
    Refunds,
    Warehouse,
    summarise,
)

TODAY = dt.date(2026, 6, 15)
DEPARTMENTS = {"customs-1": "CUSTOMS", "bank-1": "BANK", "tax-1": "TAX", "commerce-1": "COMMERCE"}


def export(month: str, day: int, mode: str, value: float) -> dict[str, object]:
    on = dt.date.fromisoformat(f"{month}-{day:02d}")
    return {"month": month, "mode": mode, "value": value, "source": "customs-1", "on": on}


FACTS = FinancingFacts(
    exports=[
        export("2026-05", 3, "9710", 1000.0),
        export("2026-05", 20, "9710", 500.25),
        export("2026-05", 21, "0110", 300.0),  # general trade: an export all the same
        export("2026-06", 1, "9810", 2000.0),
    ],
    returns=[
        {"month": "2026-06", "value": 190.05, "source": "customs-1", "on": dt.date(2026, 6, 2)}
    ],
    receipts=[
        {"month": "2026-05", "value": 1200.0, "source": "bank-1", "on": dt.date(2026, 5, 30)},
        {"month": "2026-06", "value": 900.0, "source": "bank-1", "on": dt.date(2026, 6, 10)},
        {"month": "2026-06", "value": 150.5, "source": "unknown", "on": dt.date(2026, 6, 11)},
    ],
    # a Chinese buyer's payment: shown apart, never a collection
    domestic_payments=[
        {"month": "2026-06", "value": 50000.0, "source": "bank-1", "on": dt.date(2026, 6, 12)},
    ],
    warehouses=[],
    refunds=[
        {"amountCny": 100.0, "status": "PAID", "source": "tax-1", "claimedOn": dt.date(2026, 3, 1)},
        {
            "amountCny": 40.0,
            "status": "CLAIMED",
            "source": "tax-1",
            "claimedOn": dt.date(2026, 5, 1),
        },
        {"amountCny": 10.0, "status": "REJECTED", "source": "tax-1", "claimedOn": None},
    ],
    loans=[
        {"status": "CURRENT", "source": "bank-1", "grantedOn": dt.date(2025, 1, 1)},
        {"status": "OVERDUE", "source": "bank-1", "grantedOn": dt.date(2025, 9, 1)},
        {"status": "OVERDUE", "source": "bank-1", "grantedOn": dt.date(2024, 9, 1)},
    ],
    departments=DEPARTMENTS,
)

ORDERS = (
    OrderCheck(id="O-1", ordered_on=dt.date(2026, 5, 1), matched=True),
    OrderCheck(id="O-2", ordered_on=dt.date(2026, 5, 2), matched=False, reason="amount"),
    OrderCheck(id="O-3", ordered_on=dt.date(2026, 6, 1), matched=True),
    OrderCheck(id="O-old", ordered_on=dt.date(2025, 6, 15), matched=False),  # before the window
)


def test_the_sections_are_the_sums_done_by_hand() -> None:
    found = summarise(FACTS, ORDERS, TODAY)
    assert found.exports == [
        ModeMonthTotal(month="2026-05", count=1, value_cny=Decimal("300.0"), mode="0110"),
        ModeMonthTotal(month="2026-05", count=2, value_cny=Decimal("1500.25"), mode="9710"),
        ModeMonthTotal(month="2026-06", count=1, value_cny=Decimal("2000.0"), mode="9810"),
    ]
    assert found.returns == [MonthTotal(month="2026-06", count=1, value_cny=Decimal("190.05"))]
    assert found.export_receipts == [
        MonthTotal(month="2026-05", count=1, value_cny=Decimal("1200.0")),
        MonthTotal(month="2026-06", count=2, value_cny=Decimal("1050.5")),
    ]
    assert found.domestic_payments == [
        MonthTotal(month="2026-06", count=1, value_cny=Decimal("50000.0"))
    ]
    # 190.05 returned of 3800.25 exported; 2250.5 received from abroad of the same 3800.25
    # (every mode), 0.592198...; the 50000.0 paid by a Chinese buyer is not a collection
    assert found.return_rate == 0.05
    assert found.collection_ratio == 0.5922
    assert found.three_document_match_rate == 0.6667  # 2 of the window's 3 orders
    assert found.refunds == Refunds(
        claimed_cny=Decimal("150.0"),
        paid_cny=Decimal("100.0"),
        pending_cny=Decimal("40.0"),
        rejected_cny=Decimal("10.0"),
        provenance=Provenance(departments=["TAX"], newest_fact=dt.date(2026, 5, 1)),
    )
    assert found.loans == Loans(
        current=1,
        overdue=2,
        default=0,
        provenance=Provenance(departments=["BANK"], newest_fact=dt.date(2025, 9, 1)),
    )
    # a fact whose connector is not known names no department, but still counts
    assert found.export_receipts_provenance == Provenance(
        departments=["BANK"], newest_fact=dt.date(2026, 6, 11)
    )
    assert found.warehouses == [] and found.warehouses_provenance.newest_fact is None
    assert found.data_quality == [
        "no export declared in 2025-07, 2025-08, 2025-09, 2025-10, 2025-11, 2025-12, "
        "2026-01, 2026-02, 2026-03, 2026-04",
        "no overseas warehouse reported",
    ]


def test_an_empty_window_has_no_ratios_and_says_what_is_missing() -> None:
    nothing: dict[str, list[dict[str, object]]] = {
        "exports": [],
        "returns": [],
        "receipts": [],
        "domestic_payments": [],
        "warehouses": [],
        "refunds": [],
        "loans": [],
    }
    empty = FinancingFacts(**nothing)
    stocked = FinancingFacts(
        **{
            **nothing,
            "warehouses": [
                {
                    "id": "W-1",
                    "name": "Rotterdam",
                    "country": "NL",
                    "city": "Rotterdam",
                    "stockValueCny": 12345.678,
                    "source": "commerce-1",
                }
            ],
        },
        departments=DEPARTMENTS,
    )
    found = summarise(empty, (), TODAY)
    assert (found.return_rate, found.collection_ratio, found.three_document_match_rate) == (
        None,
        None,
        None,
    )
    assert found.refunds.claimed_cny == Decimal("0")
    assert found.data_quality[-1] == "no overseas warehouse reported"
    assert summarise(stocked, (), TODAY).warehouses == [
        Warehouse(
            id="W-1",
            name="Rotterdam",
            country="NL",
            city="Rotterdam",
            stock_value_cny=Decimal("12345.68"),
            stock_as_of=None,
        )
    ]
    assert summarise(stocked, (), TODAY).data_quality == [
        "no export declared in 2025-07, 2025-08, 2025-09, 2025-10, 2025-11, 2025-12, "
        "2026-01, 2026-02, 2026-03, 2026-04, 2026-05, 2026-06"
    ]
