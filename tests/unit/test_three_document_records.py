"""The records of the three documents and their inventory list carry the customs message fields
(CEB303/403/505/603 for exports, CEB311/411/511/621 for imports) and refuse what the messages
cannot say: each refusal beside its allowed twin, every record written out here by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from connectors.records import RECORD_TYPES, RecordError, validate_records
from graph_schema.model import Department

SELLER = "91410100MA44K7XB66"  # the record-types doc's enterprise
OTHER = "91410100MA3RLN8PXN"  # the doc's trade payment payee
PLATFORM = "4101960ABC"
CARRIER = "4403180C7T"


def export_order(**changes: Any) -> dict[str, Any]:
    return {
        "id": "ORD-1",
        "uscc": SELLER,
        "orderedOn": "2026-09-01",
        "direction": "EXPORT",
        "ebpCode": PLATFORM,
        "ebcCode": SELLER,
        "goodsCny": "100.00",
        "freightCny": "20.00",
        **changes,
    }


def import_order(**changes: Any) -> dict[str, Any]:
    return {
        "id": "ORD-2",
        "uscc": SELLER,
        "orderedOn": "2026-09-01",
        "direction": "IMPORT",
        "goodsCny": "100.00",
        "freightCny": "10.00",
        "taxCny": "9.10",
        "discountCny": "5.00",
        "buyerName": "Li Wei",
        "consigneeName": "Li Wei",
        "consigneePhone": "13800000000",
        "consigneeAddress": "No. 1 Renmin Road, Kaifeng",
        **changes,
    }


def inventory(**changes: Any) -> dict[str, Any]:
    return {
        "id": "INV-1",
        "orderId": "ORD-1",
        "direction": "EXPORT",
        "tradeMode": "9610",
        "declaredOn": "2026-09-02",
        "ebpCode": PLATFORM,
        "ebcCode": SELLER,
        "logisticsCode": CARRIER,
        "logisticsNo": "SF0001",
        "goodsCny": "100.00",
        "freightCny": "20.00",
        **changes,
    }


def problems(name: str, record: dict[str, Any], department: Department) -> list[tuple[str, str]]:
    """(field, reason) of each problem of `record` sent by `department`; [] when accepted."""
    errors: list[RecordError]
    _, errors = validate_records(RECORD_TYPES[name], [record], department)
    return [(e.field, e.reason) for e in errors]


def accepted(name: str, record: dict[str, Any], department: Department) -> bool:
    return problems(name, record, department) == []


# --- orders ------------------------------------------------------------------------------------


def test_an_export_order_names_no_tax_discount_or_buyer() -> None:
    refused = export_order(taxCny="9.10", discountCny="5.00", buyerName="Li Wei")
    assert problems("trade.order@1", refused, Department.COMMERCE) == [
        (
            "taxCny",
            "must be 0 for an EXPORT order, not 9.10: CEB303 carries no tax or discount "
            "(send goodsCny as the price charged)",
        ),
        (
            "discountCny",
            "must be 0 for an EXPORT order, not 5.00: CEB303 carries no tax or discount "
            "(send goodsCny as the price charged)",
        ),
        ("buyerName", "must be absent for an EXPORT order: CEB303 names no buyer"),
    ]
    # the twin: the same order as CEB303 says it, no consignee either (CEB303 names none)
    assert accepted("trade.order@1", export_order(), Department.COMMERCE)
    assert accepted("trade.order@1", export_order(taxCny="0.00"), Department.CUSTOMS)


def test_an_import_order_names_its_consignee() -> None:
    bare = {
        k: v
        for k, v in import_order().items()
        if k not in ("consigneeName", "consigneePhone", "consigneeAddress")
    }
    why = "is required: an IMPORT order names its consignee (CEB311)"
    assert problems("trade.order@1", bare, Department.COMMERCE) == [
        ("consigneeName", why),
        ("consigneePhone", why),
        ("consigneeAddress", why),
    ]
    # without a direction it is an IMPORT order: the series this record type always carried
    undirected = {k: v for k, v in bare.items() if k != "direction"}
    assert problems("trade.order@1", undirected, Department.COMMERCE) == [
        ("consigneeName", why),
        ("consigneePhone", why),
        ("consigneeAddress", why),
    ]
    assert accepted("trade.order@1", import_order(), Department.COMMERCE)


def test_a_consignee_comes_whole() -> None:
    half = export_order(consigneeName="Emily Carter")
    together = "give consigneeName, consigneePhone and consigneeAddress together"
    assert problems("trade.order@1", half, Department.COMMERCE) == [
        ("consigneePhone", together),
        ("consigneeAddress", together),
    ]
    whole = export_order(
        consigneeName="Emily Carter",
        consigneePhone="+14155550134",
        consigneeAddress="1200 Market Street, San Francisco, US",
    )
    assert accepted("trade.order@1", whole, Department.COMMERCE)


def test_a_direction_is_export_or_import() -> None:
    [(field, reason)] = problems("trade.order@1", export_order(direction="E"), Department.COMMERCE)
    assert (field, reason) == ("direction", "must be one of 'EXPORT' or 'IMPORT'")
    [(field, reason)] = problems(
        "customs.inventory@1", inventory(direction="OUT"), Department.CUSTOMS
    )
    assert (field, reason) == ("direction", "must be one of 'EXPORT' or 'IMPORT'")


def test_an_enterprise_code_is_a_customs_registration_code_or_a_uscc() -> None:
    short = problems("trade.order@1", export_order(ebpCode="410196"), Department.COMMERCE)
    assert short == [
        (
            "ebpCode",
            "'410196' is neither a customs registration code (10 characters: a "
            "4-digit area code, then 6 digits or capitals) nor a USCC (18 characters)",
        )
    ]
    # an 18-character code is held to the USCC rules
    broken = SELLER[:-1] + "7"
    [(field, reason)] = problems("trade.order@1", export_order(ebcCode=broken), Department.COMMERCE)
    assert field == "ebcCode" and "check character is '7', expected '6'" in reason
    # the twins: a registration code in lower case or full width is folded, a USCC checked
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "4101960abc")  # as pasted
    folded = export_order(ebpCode=full_width)
    assert accepted("trade.order@1", folded, Department.COMMERCE)
    assert accepted("trade.order@1", export_order(ebcCode=SELLER.lower()), Department.COMMERCE)


def test_an_e_commerce_enterprise_given_by_its_uscc_is_the_seller() -> None:
    assert problems("trade.order@1", export_order(ebcCode=OTHER), Department.COMMERCE) == [
        ("ebcCode", f"{OTHER} is a USCC, so it names the seller: uscc {SELLER}")
    ]
    # the twin: by its customs registration code, which the hub cannot tie to a USCC
    assert accepted("trade.order@1", export_order(ebcCode="4101964J31"), Department.COMMERCE)


# --- payments and waybills ---------------------------------------------------------------------


def test_an_export_receipt_names_the_enterprise_paid_and_an_import_payment_its_payer() -> None:
    receipt = {
        "id": "PAY-1",
        "orderId": "ORD-1",
        "paidOn": "2026-09-01",
        "amountCny": "120.00",
        "payCode": "3122269ZK7",
        "ebpCode": PLATFORM,
        "ebcCode": SELLER,
    }
    assert accepted("trade.payment@1", receipt, Department.BANK)
    payment = {**receipt, "ebcCode": None, "payerName": "Li Wei", "amountCny": "114.10"}
    assert accepted("trade.payment@1", payment, Department.CUSTOMS)
    assert problems("trade.payment@1", {**receipt, "payCode": "PAYFIRM"}, Department.BANK) == [
        (
            "payCode",
            "'PAYFIRM' is neither a customs registration code (10 characters: a "
            "4-digit area code, then 6 digits or capitals) nor a USCC (18 characters)",
        )
    ]


def test_a_waybill_may_name_no_consignee_but_not_half_of_one() -> None:
    waybill = {
        "id": "WAY-1",
        "orderId": "ORD-1",
        "shippedOn": "2026-09-02",
        "carrier": "SF Express",
        "logisticsCode": CARRIER,
    }
    assert accepted("logistics.waybill@1", waybill, Department.LOGISTICS)  # CEB505 names none
    half = {**waybill, "consigneeName": "Li Wei", "consigneeAddress": "No. 1 Renmin Road"}
    assert problems("logistics.waybill@1", half, Department.LOGISTICS) == [
        ("consigneePhone", "give consigneeName, consigneePhone and consigneeAddress together")
    ]


# --- inventory lists ---------------------------------------------------------------------------


def test_an_inventory_list_is_a_retail_list_sent_by_customs() -> None:
    assert problems("customs.inventory@1", inventory(tradeMode="9710"), Department.CUSTOMS) == [
        ("tradeMode", "9710 is not a retail mode: an inventory list is 9610 or 1210")
    ]
    assert accepted("customs.inventory@1", inventory(tradeMode="1210"), Department.CUSTOMS)
    assert accepted("customs.inventory@1", inventory(), Department.CUSTOMS)
    assert not RECORD_TYPES["customs.inventory@1"].allows(Department.COMMERCE)
    assert RECORD_TYPES["customs.inventory@1"].allows(Department.CUSTOMS)


def test_an_import_list_names_the_buyer_and_an_export_list_does_not() -> None:
    buyer = {
        "buyerName": "Li Wei",
        "buyerPhone": "13800000000",
        "consigneeAddress": "No. 1 Renmin Road, Kaifeng",
    }
    assert problems("customs.inventory@1", inventory(**buyer), Department.CUSTOMS) == [
        ("buyerName", "must be absent for an EXPORT list: CEB603 names no buyer"),
        ("buyerPhone", "must be absent for an EXPORT list: CEB603 names no buyer"),
        ("consigneeAddress", "must be absent for an EXPORT list: CEB603 names no buyer"),
    ]
    assert problems("customs.inventory@1", inventory(direction="IMPORT"), Department.CUSTOMS) == [
        ("buyerName", "is required for an IMPORT list (CEB621)"),
        ("buyerPhone", "is required for an IMPORT list (CEB621)"),
        ("consigneeAddress", "is required for an IMPORT list (CEB621)"),
    ]
    assert accepted(
        "customs.inventory@1", inventory(direction="IMPORT", **buyer), Department.CUSTOMS
    )


@pytest.mark.parametrize("field", ["ebpCode", "ebcCode", "logisticsCode", "logisticsNo"])
def test_an_inventory_list_names_every_party(field: str) -> None:
    record = {k: v for k, v in inventory().items() if k != field}
    assert problems("customs.inventory@1", record, Department.CUSTOMS) == [(field, "is required")]
