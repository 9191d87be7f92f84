"""The registry of record types: name, model, who may send it, what it names, how it is written.

Beside each model, a record type declares what its records touch: `subjects`, a function from
a validated record to the enterprises, persons (by person key) and facts (by id) it names, and
`reach`, whether its change stays with them (`Reach.OWN`) or reaches the enterprises within the
rating's hops (`Reach.NETWORK`: ties and listings); see `connectors.records.subjects`. It also
declares where the rows of its statement differ from the model's fields (`rows`, a `RowShape`;
see `connectors.records.rows`), so the model stays the one definition of the fact.

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
* `repair.decision@1`: any department, and only for a pending repair application for a
  penalty of its own (see `connectors.cypher`); it names the application, whose enterprise
  the credit engine finds in the graph and re-rates, as for `penalty.repair@1`.
* `classification@1`: the departments that own a scheme (CUSTOMS, TAX, SAFE), and each record
  only for a scheme of the sending department (`SCHEME_DEPARTMENT`): customs may not send tax
  grades.
* `customs.declaration@1` and `customs.return@1` (goods of an export that came back): CUSTOMS.
* `trade.order@1`: COMMERCE (platform data) and CUSTOMS (the order pushed to the customs
  cross-border e-commerce system); `trade.payment@1`: BANK (payment institutions) and CUSTOMS;
  `logistics.waybill@1`: LOGISTICS and CUSTOMS. These are the "three documents".
  `customs.inventory@1`, the customs inventory list they are checked against (CEB603 for an
  export, CEB621 for an import): CUSTOMS only, which receives and accepts it.
* `commerce.overseas_warehouse@1`: COMMERCE. `tax.refund@1`: TAX. `bank.loan@1` and
  `bank.trade_payment@1` (a payment between Chinese enterprises): BANK.
* `fx.export_receipt@1` (export proceeds received from abroad): SAFE, and BANK (the receiving
  bank reports each receipt).
* `customs.premises@1` (a supervised premises and its operator): CUSTOMS only, which approves
  and supervises it.

A payment, receipt or waybill that names its payment firm, bank or carrier by USCC
(`payFirmUscc`, `bankUscc`, `carrierUscc`) names that provider too: its documents changed, so
it is re-rated with the order's seller (or the receiving enterprise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Protocol

from pydantic import BaseModel
from typing_extensions import TypeVar

from connectors.records.models import (
    AddressRecord,
    ClassificationRecord,
    DeclarationRecord,
    EnterpriseRecord,
    ExportReceiptRecord,
    FilingRecord,
    InventoryRecord,
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
    PremisesRecord,
    RepairDecisionRecord,
    ReturnRecord,
    ShareholdingRecord,
    TaxRefundRecord,
    TradePaymentRecord,
    WaybillRecord,
)
from connectors.records.rows import Row, RowContext, RowShape, RowWriter, party_row
from connectors.records.subjects import PersonKeyOf, Reach, Subjects, party
from graph_schema.identity import mask_id_number, normalise_address
from graph_schema.model import Department, ListKind
from graph_schema.schemes import SCHEME_DEPARTMENT

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
    `connectors.cypher.UPDATES`), `subjects` (what a record names: see
    `connectors.records.subjects`), `reach` (how far its change travels), `rows` (where the
    statement's rows differ from the model's fields: see `connectors.records.rows`) and
    `check`, the rules a record must meet for the sending department beyond its own model."""

    name: str
    model: type[M]
    departments: frozenset[Department]
    upsert: str
    subjects: Callable[[M, PersonKeyOf], Subjects]
    reach: Reach
    rows: RowShape = field(default_factory=RowShape)
    check: DepartmentCheck | None = None
    _writer: RowWriter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # compiled once, so a shape naming a field the model lacks fails at import
        object.__setattr__(self, "_writer", RowWriter(self.model, self.rows))

    def allows(self, department: Department) -> bool:
        """Whether `department` may send records of this type at all."""
        return department in self.departments

    def to_rows(self, records: Sequence[M], context: RowContext) -> list[Row]:
        """The rows of statement `upsert` that write `records` (validated), in order."""
        return self._writer.rows(records, context)

    def subjects_of(self, records: Sequence[M], person_key: PersonKeyOf) -> Subjects:
        """Every subject `records` (validated) name: a batch's."""
        return Subjects.union(self.subjects(record, person_key) for record in records)


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


# --- what records name --------------------------------------------------------------------------


class _OfEnterprise(Protocol):
    @property
    def uscc(self) -> str: ...


class _OfPersonInEnterprise(_OfEnterprise, Protocol):
    @property
    def id_number(self) -> str: ...


def _enterprise(record: _OfEnterprise, _: PersonKeyOf) -> Subjects:
    return Subjects(usccs=frozenset((record.uscc,)))


def _person(record: PersonRecord, person_key: PersonKeyOf) -> Subjects:
    return Subjects(person_keys=frozenset((person_key(record.id_number),)))


def _person_in_enterprise(record: _OfPersonInEnterprise, person_key: PersonKeyOf) -> Subjects:
    return Subjects(frozenset((record.uscc,)), frozenset((person_key(record.id_number),)))


def _shareholding(record: ShareholdingRecord, person_key: PersonKeyOf) -> Subjects:
    return party(record.holder, person_key, record.uscc)


def _listed(record: ListEntryRecord, person_key: PersonKeyOf) -> Subjects:
    return party(record.subject, person_key)


def _fact_of_id(record: PenaltyRepairRecord | ListRemovalRecord, _: PersonKeyOf) -> Subjects:
    # the sender's penalty repaired, or its entry removed
    return Subjects(fact_ids=frozenset((record.id,)))


def _record_objected_to(record: ObjectionResolutionRecord, _: PersonKeyOf) -> Subjects:
    return Subjects(fact_ids=frozenset((record.record_id,)))


def _application(record: RepairDecisionRecord, _: PersonKeyOf) -> Subjects:
    # the enterprise that applied, whose penalty a grant repairs
    return Subjects(fact_ids=frozenset((record.application_id,)))


def _order(record: PaymentRecord | WaybillRecord | InventoryRecord, _: PersonKeyOf) -> Subjects:
    # the order's seller, whose three-document match the payment, waybill or list moves
    return Subjects(fact_ids=frozenset((record.order_id,)))


def _provider(uscc: str | None) -> frozenset[str]:
    return frozenset() if uscc is None else frozenset((uscc,))


def _paid_order(record: PaymentRecord, person_key: PersonKeyOf) -> Subjects:
    # and the payment firm, whose handled documents changed
    return _order(record, person_key) | Subjects(usccs=_provider(record.pay_firm_uscc))


def _shipped_order(record: WaybillRecord, person_key: PersonKeyOf) -> Subjects:
    return _order(record, person_key) | Subjects(usccs=_provider(record.carrier_uscc))


def _receipt(record: ExportReceiptRecord, _: PersonKeyOf) -> Subjects:
    return Subjects(usccs=frozenset((record.uscc,)) | _provider(record.bank_uscc))


def _operator(record: PremisesRecord, _: PersonKeyOf) -> Subjects:
    return Subjects(usccs=frozenset((record.operator_uscc,)))


def _payer_and_payee(record: TradePaymentRecord, _: PersonKeyOf) -> Subjects:
    return Subjects(usccs=frozenset((record.payer_uscc, record.payee_uscc)))


# --- what rows derive from records --------------------------------------------------------------


def _person_props(record: PersonRecord, context: RowContext) -> Row:
    return {
        "personKey": context.person_key(record.id_number),
        "idMasked": mask_id_number(record.id_number),
    }


def _person_key_row(record: _OfPersonInEnterprise, context: RowContext) -> Row:
    return {"personKey": context.person_key(record.id_number)}


def _holder_row(record: ShareholdingRecord, context: RowContext) -> Row:
    return party_row("holder", record.holder, context)


def _subject_row(record: ListEntryRecord, context: RowContext) -> Row:
    return party_row("subject", record.subject, context)


def _address_key(record: AddressRecord, _: RowContext) -> Row:
    return {"key": normalise_address(record.address)}


def _types(*types: RecordType[Any]) -> dict[str, RecordType[Any]]:
    return {t.name: t for t in types}


_SAMR: Final = frozenset({Department.SAMR})
_OWN, _NETWORK = Reach.OWN, Reach.NETWORK
_KEYED_BY_USCC: Final = RowShape(row=("uscc",))
_PERSON_IN_ENTERPRISE: Final = RowShape(
    row=("uscc",), derived=("id_number",), row_extra=_person_key_row
)
_MARKS_OWN_FACT: Final = RowShape(row=("id",), department="row")
_PERIOD: Final = ("since", "until")

RECORD_TYPES: Final[dict[str, RecordType[Any]]] = _types(
    RecordType("samr.enterprise@1", EnterpriseRecord, _SAMR, "enterprises", _enterprise, _OWN),
    RecordType(
        "samr.person@1",
        PersonRecord,
        _SAMR,
        "persons",
        _person,
        _OWN,
        RowShape(derived=("id_number",), props_extra=_person_props),
    ),
    RecordType(
        "samr.legal_representative@1",
        LegalRepresentativeRecord,
        _SAMR,
        "legal_representatives",
        _person_in_enterprise,
        _NETWORK,
        _PERSON_IN_ENTERPRISE,
    ),
    RecordType(
        "samr.officer@1",
        OfficerRecord,
        _SAMR,
        "officers",
        _person_in_enterprise,
        _NETWORK,
        _PERSON_IN_ENTERPRISE,
    ),
    RecordType(
        "samr.shareholding@1",
        ShareholdingRecord,
        _SAMR,
        "shareholdings",
        _shareholding,
        _NETWORK,
        RowShape(row=("uscc",), derived=("holder",), row_extra=_holder_row),
    ),
    RecordType(
        "samr.address@1",
        AddressRecord,
        _SAMR,
        "addresses",
        _enterprise,
        _NETWORK,  # a shared address is a tie
        RowShape(row=("uscc",), rel=_PERIOD, rename={"address": "text"}, props_extra=_address_key),
    ),
    RecordType(
        "samr.phone@1",
        PhoneRecord,
        _SAMR,
        "phones",
        _enterprise,
        _OWN,
        RowShape(row=("uscc",), rel=_PERIOD, rename={"phone": "number"}),
    ),
    RecordType(
        "filing@1",
        FilingRecord,
        ALL_DEPARTMENTS,
        "filings",
        _enterprise,
        _OWN,
        RowShape(row=("uscc", "shared_with")),
    ),
    RecordType(
        "penalty@1",
        PenaltyRecord,
        ALL_DEPARTMENTS,
        "penalties",
        _enterprise,
        _OWN,
        # a penalty sent again without `repairedOn` must not erase a repair recorded since
        RowShape(row=("uscc",), department="props", unset_if_none=("repaired_on",)),
    ),
    RecordType(
        "penalty.repair@1",
        PenaltyRepairRecord,
        ALL_DEPARTMENTS,
        "penalty_repairs",
        _fact_of_id,
        _OWN,
        _MARKS_OWN_FACT,
    ),
    RecordType(
        "list.entry@1",
        ListEntryRecord,
        ALL_DEPARTMENTS,
        "list_entries",
        _listed,
        _NETWORK,  # a listing reaches those its subject represents or controls
        RowShape(derived=("subject",), department="props", row_extra=_subject_row),
        _list_entry_check,
    ),
    RecordType(
        "list.removal@1",
        ListRemovalRecord,
        ALL_DEPARTMENTS,
        "list_removals",
        _fact_of_id,
        _NETWORK,
        _MARKS_OWN_FACT,
    ),
    RecordType(
        "objection.resolution@1",
        ObjectionResolutionRecord,
        ALL_DEPARTMENTS,
        "objection_resolutions",
        _record_objected_to,
        _NETWORK,  # a withdrawn list entry no longer reaches anyone
        RowShape(row=("record_id",), rename={"record_id": "id"}, department="row"),
    ),
    RecordType(
        "repair.decision@1",
        RepairDecisionRecord,
        ALL_DEPARTMENTS,
        "repair_decisions",
        _application,
        _OWN,  # a repaired penalty rates only its own enterprise
        RowShape(row=("application_id",), rename={"application_id": "id"}, department="row"),
    ),
    RecordType(
        "classification@1",
        ClassificationRecord,
        frozenset(SCHEME_DEPARTMENT.values()),
        "classifications",
        _enterprise,
        _OWN,
        RowShape(row=("uscc",), department="props"),
        _classification_check,
    ),
    RecordType(
        "customs.declaration@1",
        DeclarationRecord,
        frozenset({Department.CUSTOMS}),
        "declarations",
        _enterprise,
        _OWN,
        _KEYED_BY_USCC,
    ),
    RecordType(
        "customs.return@1",
        ReturnRecord,
        frozenset({Department.CUSTOMS}),
        "returns",
        _enterprise,
        _OWN,
        _KEYED_BY_USCC,
    ),
    RecordType(
        "trade.order@1",
        OrderRecord,
        frozenset({Department.COMMERCE, Department.CUSTOMS}),
        "orders",
        _enterprise,
        _OWN,
        _KEYED_BY_USCC,
    ),
    RecordType(
        "trade.payment@1",
        PaymentRecord,
        frozenset({Department.BANK, Department.CUSTOMS}),
        "payments",
        _paid_order,
        _OWN,
    ),
    RecordType(
        "logistics.waybill@1",
        WaybillRecord,
        frozenset({Department.LOGISTICS, Department.CUSTOMS}),
        "waybills",
        _shipped_order,
        _OWN,
    ),
    RecordType(
        "customs.inventory@1",
        InventoryRecord,
        frozenset({Department.CUSTOMS}),
        "inventories",
        _order,
        _OWN,
    ),
    RecordType(
        "commerce.overseas_warehouse@1",
        OverseasWarehouseRecord,
        frozenset({Department.COMMERCE}),
        "overseas_warehouses",
        _enterprise,
        _OWN,
        RowShape(row=("uscc",), rel=_PERIOD),
    ),
    RecordType(
        "tax.refund@1",
        TaxRefundRecord,
        frozenset({Department.TAX}),
        "tax_refunds",
        _enterprise,
        _OWN,
        _KEYED_BY_USCC,
    ),
    RecordType(
        "bank.loan@1",
        LoanRecord,
        frozenset({Department.BANK}),
        "loans",
        _enterprise,
        _OWN,
        _KEYED_BY_USCC,
    ),
    RecordType(
        "bank.trade_payment@1",
        TradePaymentRecord,
        frozenset({Department.BANK}),
        "trade_payments",
        _payer_and_payee,
        _OWN,
        RowShape(
            row=("payer_uscc", "payee_uscc"), rename={"payer_uscc": "payer", "payee_uscc": "payee"}
        ),
    ),
    RecordType(
        "fx.export_receipt@1",
        ExportReceiptRecord,
        frozenset({Department.SAFE, Department.BANK}),
        "export_receipts",
        _receipt,
        _OWN,
        _KEYED_BY_USCC,
    ),
    RecordType(
        "customs.premises@1",
        PremisesRecord,
        frozenset({Department.CUSTOMS}),
        "supervised_premises",
        _operator,
        _OWN,  # the operator's own documents: no tie to anyone else
    ),
)
"""Every record type by name (`<domain>.<name>@<version>`), each with what its records name
and how its rows differ from its model."""


def get_record_type(name: str) -> RecordType[Any]:
    """The record type called `name`; `KeyError` naming the known types otherwise."""
    try:
        return RECORD_TYPES[name]
    except KeyError:
        raise KeyError(
            f"unknown record type {name!r}; expected one of {', '.join(RECORD_TYPES)}"
        ) from None
