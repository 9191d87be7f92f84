"""The registry of record types: name, model, who may send it, how it is written.

Who may send what (`RecordType.departments`):

* `samr.*` (the registry): SAMR only.
* `filing@1`, `penalty@1`, `penalty.repair@1`, `list.entry@1`, `list.removal@1`: any
  department. A penalty or list entry belongs to the sending department; a repair or removal
  only affects the sending department's own penalty or entry (see `connectors.cypher`). The
  lists that are one department's by law may only be sent by it (`LIST_DEPARTMENT`:
  customs dishonest by CUSTOMS, major tax violation by TAX, court dishonest debtor by COURT,
  SAFE class C by SAFE, abnormal operation by SAMR); serious dishonesty and the red list are
  kept by many departments.
* `objection.resolution@1`: any department, and only for a pending objection to a record of
  its own (see `connectors.cypher`).
* `classification@1`: the departments that own a scheme (CUSTOMS, TAX, SAFE), and each record
  only for a scheme of the sending department (`SCHEME_DEPARTMENT`): customs may not send tax
  grades.
* `customs.declaration@1` and `customs.return@1` (goods of an export that came back): CUSTOMS.
* `trade.order@1`: COMMERCE (platform data) and CUSTOMS (the order pushed to the customs
  cross-border e-commerce system); `trade.payment@1`: BANK (payment institutions) and CUSTOMS;
  `logistics.waybill@1`: LOGISTICS and CUSTOMS. These are the "three documents".
* `commerce.overseas_warehouse@1`: COMMERCE. `tax.refund@1`: TAX. `bank.loan@1` and
  `bank.trade_payment@1`: BANK.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic

from pydantic import BaseModel
from typing_extensions import TypeVar

from connectors.records import rows as r
from connectors.records.models import (
    AddressRecord,
    ClassificationRecord,
    DeclarationRecord,
    EnterpriseRecord,
    FilingRecord,
    LegalRepresentativeRecord,
    ListEntryRecord,
    ListRemovalRecord,
    LoanRecord,
    ObjectionResolutionRecord,
    OfficerRecord,
    OrderRecord,
    OverseasWarehouseRecord,
    PaymentRecord,
    PenaltyRecord,
    PenaltyRepairRecord,
    PersonRecord,
    PhoneRecord,
    ReturnRecord,
    ShareholdingRecord,
    TaxRefundRecord,
    TradePaymentRecord,
    WaybillRecord,
)
from connectors.records.rows import Row, RowContext
from graph_schema.model import SCHEME_DEPARTMENT, Department, ListKind

__all__ = [
    "ALL_DEPARTMENTS",
    "LIST_DEPARTMENT",
    "RECORD_TYPES",
    "DepartmentCheck",
    "RecordType",
    "get_record_type",
]

M = TypeVar("M", bound=BaseModel, default=Any)
"""The record model of a `RecordType`; a bare `RecordType` is `RecordType[Any]`."""

DepartmentCheck = Callable[[Any, Department], list[tuple[str, str]]]
"""A rule a valid record must also meet for the sending department: (field, reason) list."""

ALL_DEPARTMENTS: Final = frozenset(Department)

LIST_DEPARTMENT: Final[dict[ListKind, Department]] = {
    ListKind.CUSTOMS_DISHONEST: Department.CUSTOMS,
    ListKind.TAX_MAJOR_VIOLATION: Department.TAX,
    ListKind.COURT_DISHONEST_DEBTOR: Department.COURT,
    ListKind.SAFE_CLASS_C: Department.SAFE,
    ListKind.ABNORMAL_OPERATION: Department.SAMR,
}
"""Lists kept by one department; the others (serious dishonesty, red list) by any."""


@dataclass(frozen=True)
class RecordType(Generic[M]):
    """One record type: `name` (`customs.declaration@1`), its pydantic `model`, the
    `departments` that may send it, `upsert` (the statement kind in
    `connectors.cypher.STATEMENTS`: a key of `graph_schema.writes.UPSERTS` or
    `connectors.cypher.UPDATES`), `to_rows` (validated records to that statement's rows) and
    `check`, the rules a record must meet for the sending department beyond its own model."""

    name: str
    model: type[M]
    departments: frozenset[Department]
    upsert: str
    to_rows: Callable[[Sequence[M], RowContext], list[Row]]
    check: DepartmentCheck | None = None

    def allows(self, department: Department) -> bool:
        """Whether `department` may send records of this type at all."""
        return department in self.departments


def _classification_check(
    record: ClassificationRecord, department: Department
) -> list[tuple[str, str]]:
    owner = SCHEME_DEPARTMENT[record.scheme]
    if owner is department:
        return []
    return [
        (
            "scheme",
            f"scheme {record.scheme.value} is {owner.value}'s; "
            f"a {department.value} batch may not send it",
        )
    ]


def _list_entry_check(record: ListEntryRecord, department: Department) -> list[tuple[str, str]]:
    owner = LIST_DEPARTMENT.get(record.list_kind)
    if owner is None or owner is department:
        return []
    return [
        (
            "list",
            f"list {record.list_kind.value} is kept by {owner.value}; "
            f"a {department.value} batch may not send it",
        )
    ]


def _types(*types: RecordType[Any]) -> dict[str, RecordType[Any]]:
    return {t.name: t for t in types}


_SAMR: Final = frozenset({Department.SAMR})

RECORD_TYPES: Final[dict[str, RecordType[Any]]] = _types(
    RecordType("samr.enterprise@1", EnterpriseRecord, _SAMR, "enterprises", r.enterprise_rows),
    RecordType("samr.person@1", PersonRecord, _SAMR, "persons", r.person_rows),
    RecordType(
        "samr.legal_representative@1",
        LegalRepresentativeRecord,
        _SAMR,
        "legal_representatives",
        r.legal_representative_rows,
    ),
    RecordType("samr.officer@1", OfficerRecord, _SAMR, "officers", r.officer_rows),
    RecordType(
        "samr.shareholding@1", ShareholdingRecord, _SAMR, "shareholdings", r.shareholding_rows
    ),
    RecordType("samr.address@1", AddressRecord, _SAMR, "addresses", r.address_rows),
    RecordType("samr.phone@1", PhoneRecord, _SAMR, "phones", r.phone_rows),
    RecordType("filing@1", FilingRecord, ALL_DEPARTMENTS, "filings", r.filing_rows),
    RecordType("penalty@1", PenaltyRecord, ALL_DEPARTMENTS, "penalties", r.penalty_rows),
    RecordType(
        "penalty.repair@1",
        PenaltyRepairRecord,
        ALL_DEPARTMENTS,
        "penalty_repairs",
        r.penalty_repair_rows,
    ),
    RecordType(
        "list.entry@1",
        ListEntryRecord,
        ALL_DEPARTMENTS,
        "list_entries",
        r.list_entry_rows,
        _list_entry_check,
    ),
    RecordType(
        "list.removal@1", ListRemovalRecord, ALL_DEPARTMENTS, "list_removals", r.list_removal_rows
    ),
    RecordType(
        "objection.resolution@1",
        ObjectionResolutionRecord,
        ALL_DEPARTMENTS,
        "objection_resolutions",
        r.objection_resolution_rows,
    ),
    RecordType(
        "classification@1",
        ClassificationRecord,
        frozenset(SCHEME_DEPARTMENT.values()),
        "classifications",
        r.classification_rows,
        _classification_check,
    ),
    RecordType(
        "customs.declaration@1",
        DeclarationRecord,
        frozenset({Department.CUSTOMS}),
        "declarations",
        r.declaration_rows,
    ),
    RecordType(
        "customs.return@1",
        ReturnRecord,
        frozenset({Department.CUSTOMS}),
        "returns",
        r.return_rows,
    ),
    RecordType(
        "trade.order@1",
        OrderRecord,
        frozenset({Department.COMMERCE, Department.CUSTOMS}),
        "orders",
        r.order_rows,
    ),
    RecordType(
        "trade.payment@1",
        PaymentRecord,
        frozenset({Department.BANK, Department.CUSTOMS}),
        "payments",
        r.payment_rows,
    ),
    RecordType(
        "logistics.waybill@1",
        WaybillRecord,
        frozenset({Department.LOGISTICS, Department.CUSTOMS}),
        "waybills",
        r.waybill_rows,
    ),
    RecordType(
        "commerce.overseas_warehouse@1",
        OverseasWarehouseRecord,
        frozenset({Department.COMMERCE}),
        "overseas_warehouses",
        r.overseas_warehouse_rows,
    ),
    RecordType(
        "tax.refund@1",
        TaxRefundRecord,
        frozenset({Department.TAX}),
        "tax_refunds",
        r.tax_refund_rows,
    ),
    RecordType("bank.loan@1", LoanRecord, frozenset({Department.BANK}), "loans", r.loan_rows),
    RecordType(
        "bank.trade_payment@1",
        TradePaymentRecord,
        frozenset({Department.BANK}),
        "trade_payments",
        r.trade_payment_rows,
    ),
)
"""Every record type by name (`<domain>.<name>@<version>`)."""


def get_record_type(name: str) -> RecordType[Any]:
    """The record type called `name`; `KeyError` naming the known types otherwise."""
    try:
        return RECORD_TYPES[name]
    except KeyError:
        raise KeyError(
            f"unknown record type {name!r}; expected one of {', '.join(RECORD_TYPES)}"
        ) from None
