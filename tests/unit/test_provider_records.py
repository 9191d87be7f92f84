"""Providers named by USCC on payments, receipts and waybills, and the supervised premises record:
each refusal beside its allowed twin, every record written out here by hand."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.records import RECORD_TYPES, RecordError, RowContext, validate_records
from connectors.records.subjects import Subjects
from graph_schema.model import Department

SELLER = "91410100MA44K7XB66"  # the record-types doc's enterprise
FIRM = "91410100MA3RLN8PXN"  # the doc's trade payment payee, here a payment firm
BAD_USCC = FIRM[:-1] + ("0" if FIRM[-1] != "0" else "1")
RECEIPT = "fx.export_receipt@1"
CONTEXT = RowContext(source="conn", batch="b-1", department=Department.CUSTOMS, person_secret=b"s")


def payment(**changes: Any) -> dict[str, Any]:
    return {
        "id": "PAY-1",
        "orderId": "ORD-1",
        "paidOn": "2026-09-02",
        "amountCny": "120.00",
        "payCode": "3122269ZK7",
        **changes,
    }


def waybill(**changes: Any) -> dict[str, Any]:
    return {
        "id": "WAY-1",
        "orderId": "ORD-1",
        "shippedOn": "2026-09-03",
        "carrier": "SF Express",
        "logisticsCode": "4403180C7T",
        **changes,
    }


def receipt(**changes: Any) -> dict[str, Any]:
    return {
        "id": "FXR-1",
        "uscc": SELLER,
        "receivedOn": "2026-09-20",
        "amount": "100.00",
        "currency": "USD",
        "amountCny": "710.00",
        "payerCountry": "US",
        "bank": "Bank of China Henan Branch",
        **changes,
    }


def premises(**changes: Any) -> dict[str, Any]:
    return {
        "id": "SP-1",
        "operatorUscc": FIRM,
        "kind": "BONDED_WAREHOUSE",
        "name": "Kaifeng bonded warehouse No. 1",
        "customsCode": "4611B001",
        "approvedOn": "2025-11-03",
        "status": "ACTIVE",
        **changes,
    }


def problems(name: str, record: dict[str, Any], department: Department) -> list[tuple[str, str]]:
    _, errors = validate_records(RECORD_TYPES[name], [record], department)
    return [(e.field, e.reason) for e in errors if isinstance(e, RecordError)]


def accepted(name: str, record: dict[str, Any], department: Department) -> Any:
    [model], errors = validate_records(RECORD_TYPES[name], [record], department)
    assert errors == []
    return model


def test_the_provider_fields_are_optional_so_earlier_records_still_validate() -> None:
    for name, record, sender in (
        ("trade.payment@1", payment(), Department.BANK),
        ("logistics.waybill@1", waybill(), Department.LOGISTICS),
        ("fx.export_receipt@1", receipt(), Department.SAFE),
    ):
        [row] = RECORD_TYPES[name].to_rows([accepted(name, record, sender)], CONTEXT)
        key = {"trade.payment@1": "payFirmUscc", "logistics.waybill@1": "carrierUscc"}.get(
            name, "bankUscc"
        )
        assert row["props"][key] is None


@pytest.mark.parametrize(
    ("name", "record", "field"),
    [
        ("trade.payment@1", payment(payFirmUscc=BAD_USCC), "payFirmUscc"),
        ("logistics.waybill@1", waybill(carrierUscc=BAD_USCC), "carrierUscc"),
        ("fx.export_receipt@1", receipt(bankUscc=BAD_USCC), "bankUscc"),
    ],
)
def test_a_provider_uscc_with_a_wrong_check_character_is_refused(
    name: str, record: dict[str, Any], field: str
) -> None:
    found = problems(name, record, Department.CUSTOMS if name != RECEIPT else Department.SAFE)
    assert [f for f, _ in found] == [field]
    twin = {**record, field: FIRM}
    model = accepted(name, twin, Department.CUSTOMS if name != RECEIPT else Department.SAFE)
    [row] = RECORD_TYPES[name].to_rows([model], CONTEXT)
    assert row["props"][field] == FIRM


def test_a_message_code_given_as_a_uscc_must_be_the_provider_uscc() -> None:
    # payCode may be the firm's USCC (the messages accept one): then it names the same firm
    found = problems("trade.payment@1", payment(payCode=SELLER, payFirmUscc=FIRM), Department.BANK)
    assert found == [
        ("payFirmUscc", f"{FIRM} differs from payCode {SELLER}, a USCC that names the firm")
    ]
    accepted("trade.payment@1", payment(payCode=FIRM, payFirmUscc=FIRM), Department.BANK)
    # a 10-character customs code cannot be compared with a USCC: both are kept
    accepted("trade.payment@1", payment(payCode="3122269ZK7", payFirmUscc=FIRM), Department.BANK)
    found = problems(
        "logistics.waybill@1", waybill(logisticsCode=SELLER, carrierUscc=FIRM), Department.LOGISTICS
    )
    assert [f for f, _ in found] == ["carrierUscc"]
    accepted(
        "logistics.waybill@1", waybill(logisticsCode=FIRM, carrierUscc=FIRM), Department.LOGISTICS
    )


def test_a_document_naming_its_provider_names_it_for_re_rating() -> None:
    pay = accepted("trade.payment@1", payment(payFirmUscc=FIRM), Department.BANK)
    assert RECORD_TYPES["trade.payment@1"].subjects(pay, str) == Subjects(
        usccs=frozenset({FIRM}), fact_ids=frozenset({"ORD-1"})
    )
    bare = accepted("trade.payment@1", payment(), Department.BANK)
    assert RECORD_TYPES["trade.payment@1"].subjects(bare, str) == Subjects(
        fact_ids=frozenset({"ORD-1"})
    )
    way = accepted("logistics.waybill@1", waybill(carrierUscc=FIRM), Department.LOGISTICS)
    assert RECORD_TYPES["logistics.waybill@1"].subjects(way, str).usccs == {FIRM}
    rec = accepted(RECEIPT, receipt(bankUscc=FIRM), Department.BANK)
    assert RECORD_TYPES[RECEIPT].subjects(rec, str).usccs == {SELLER, FIRM}


def test_premises_are_sent_by_customs_only() -> None:
    record_type = RECORD_TYPES["customs.premises@1"]
    assert record_type.departments == {Department.CUSTOMS}
    with pytest.raises(ValueError, match=r"LOGISTICS may not send customs\.premises@1"):
        validate_records(record_type, [premises()], Department.LOGISTICS)
    model = accepted("customs.premises@1", premises(), Department.CUSTOMS)
    [row] = record_type.to_rows([model], CONTEXT)
    assert row == {
        "props": {
            "id": "SP-1",
            "operatorUscc": FIRM,
            "kind": "BONDED_WAREHOUSE",
            "name": "Kaifeng bonded warehouse No. 1",
            "customsCode": "4611B001",
            "approvedOn": model.approved_on,
            "status": "ACTIVE",
            "validUntil": None,
            "source": "conn",
            "batch": "b-1",
        }
    }
    assert record_type.subjects(model, str) == Subjects(usccs=frozenset({FIRM}))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "OVERSEAS_WAREHOUSE"}, "kind"),  # abroad: commerce.overseas_warehouse@1
        ({"status": "EXPIRED"}, "status"),
        ({"validUntil": "2025-11-02"}, "validUntil"),
        ({"operatorUscc": BAD_USCC}, "operatorUscc"),
    ],
)
def test_an_impossible_premises_is_refused(changes: dict[str, Any], field: str) -> None:
    assert [
        f for f, _ in problems("customs.premises@1", premises(**changes), Department.CUSTOMS)
    ] == [field]


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "CBEC_SUPERVISION_SITE", "validUntil": "2025-11-03"},  # a one-day term
        {"kind": "EXPRESS_SUPERVISION_SITE", "status": "SUSPENDED"},
        {"kind": "BONDED_LOGISTICS_CENTER", "status": "CANCELLED"},
    ],
)
def test_the_possible_twins_of_a_premises_are_accepted(changes: dict[str, Any]) -> None:
    accepted("customs.premises@1", premises(**changes), Department.CUSTOMS)
