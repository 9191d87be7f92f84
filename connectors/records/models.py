"""One pydantic model per record type that agencies send (see `connectors.records.registry`).

Keys are camelCase in the records (`declaredOn`); the Python attributes are snake_case. Optional
fields may be omitted or `null`. Each model checks its own cross-field rules; rules that depend
on the sending department (a classification scheme or a list that belongs to another
department) are checked by `validate_records`, since they are not a property of the record
alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar, Final, Self

from pydantic import Field, model_validator

from connectors.records.fields import (
    Amount,
    Code,
    CountryCode,
    CurrencyCode,
    EnterpriseCode,
    HsCode,
    Id,
    IdNumber,
    IdNumberValue,
    IndustryBeltCode,
    Name,
    PhoneNumber,
    Ratio,
    Record,
    Text,
    UsccCode,
    ZoneCode,
    add_months,
    raise_rule_problems,
)
from graph_schema.identity import normalise_address
from graph_schema.model import (
    ENDED_STATUSES,
    ClassificationScheme,
    Department,
    Direction,
    EnterpriseStatus,
    ListKind,
    LoanStatus,
    ObjectionStatus,
    PremisesKind,
    PremisesStatus,
    Severity,
    TaxRefundStatus,
    TradeMode,
)
from graph_schema.objections import is_resolution
from graph_schema.publicity import PUBLICITY, REPAIR_DECISIONS, RepairStatus
from graph_schema.schemes import refusal as classification_refusal
from graph_schema.uscc import USCC_LENGTH

__all__ = [
    "AddressRecord",
    "ClassificationRecord",
    "DeclarationRecord",
    "EnterpriseRecord",
    "FilingRecord",
    "InventoryRecord",
    "LegalRepresentativeRecord",
    "ListEntryRecord",
    "ListRemovalRecord",
    "LoanRecord",
    "ObjectionResolutionRecord",
    "OfficerRecord",
    "OrderRecord",
    "OverseasWarehouseRecord",
    "Party",
    "PaymentRecord",
    "PenaltyRecord",
    "PenaltyRepairRecord",
    "PersonRecord",
    "PhoneRecord",
    "PremisesRecord",
    "RepairDecisionRecord",
    "ReturnRecord",
    "ShareholdingRecord",
    "TaxRefundRecord",
    "TradePaymentRecord",
    "WaybillRecord",
]


def _not_before(
    later: dt.date | None, later_field: str, earlier: dt.date | None, earlier_field: str
) -> list[tuple[str, str]]:
    if later is not None and earlier is not None and later < earlier:
        return [(later_field, f"{later} is before {earlier_field} {earlier}")]
    return []


class _Period(Record):
    """A relationship's validity: from `since` to `until` (its last day), open while absent."""

    since: dt.date
    until: dt.date | None = None

    @model_validator(mode="after")
    def _period(self) -> Self:
        raise_rule_problems(_not_before(self.until, "until", self.since, "since"))
        return self


class Party(Record):
    """A shareholder or a listed subject: exactly one of `uscc` (an enterprise) or
    `idNumber` (a person, hashed into `personKey` on the hub)."""

    uscc: UsccCode | None = None
    id_number: IdNumberValue | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.uscc is None) == (self.id_number is None):
            raise_rule_problems(
                [("", "give exactly one of uscc (an enterprise) or idNumber (a person)")]
            )
        return self


# --- registry (SAMR) ---------------------------------------------------------------------------


class EnterpriseRecord(Record):
    """`samr.enterprise@1`: an enterprise as registered; `name` is its registered (Chinese)
    name, `nameEn` an English name beside it; `statusSince` is the day its status took effect
    (required for REVOKED and DEREGISTERED, optional otherwise)."""

    TYPE: ClassVar[str] = "samr.enterprise@1"

    uscc: UsccCode
    name: Name
    name_en: Name | None = None
    zone: ZoneCode
    industry_belt: IndustryBeltCode | None = None
    registered_on: dt.date
    status: EnterpriseStatus
    status_since: dt.date | None = None

    @model_validator(mode="after")
    def _status_dated(self) -> Self:
        problems = _not_before(self.status_since, "statusSince", self.registered_on, "registeredOn")
        if self.status in ENDED_STATUSES and self.status_since is None:
            problems.append(
                (
                    "statusSince",
                    f"required when status is {self.status.value}: the day it took effect",
                )
            )
        raise_rule_problems(problems)
        return self


class PersonRecord(Record):
    """`samr.person@1`: a natural person; the ID number becomes `personKey` on the hub."""

    TYPE: ClassVar[str] = "samr.person@1"

    id_number: IdNumber
    name: Name


class LegalRepresentativeRecord(_Period):
    """`samr.legal_representative@1`: the person is the enterprise's legal representative."""

    TYPE: ClassVar[str] = "samr.legal_representative@1"

    id_number: IdNumber
    uscc: UsccCode


class OfficerRecord(_Period):
    """`samr.officer@1`: the person holds `role` in the enterprise."""

    TYPE: ClassVar[str] = "samr.officer@1"

    id_number: IdNumber
    uscc: UsccCode
    role: Code


class ShareholdingRecord(_Period):
    """`samr.shareholding@1`: `holder` (a person or an enterprise) holds `ratio` of `uscc`."""

    TYPE: ClassVar[str] = "samr.shareholding@1"

    holder: Party
    uscc: UsccCode
    ratio: Ratio

    @model_validator(mode="after")
    def _not_itself(self) -> Self:
        if self.holder.uscc is not None and self.holder.uscc == self.uscc:
            raise_rule_problems([("holder.uscc", "an enterprise cannot be its own shareholder")])
        return self


class AddressRecord(_Period):
    """`samr.address@1`: the enterprise is registered at `address`."""

    TYPE: ClassVar[str] = "samr.address@1"

    uscc: UsccCode
    address: Text

    @model_validator(mode="after")
    def _has_key(self) -> Self:
        if not normalise_address(self.address):
            raise_rule_problems([("address", "is blank once normalised")])
        return self


class PhoneRecord(_Period):
    """`samr.phone@1`: the enterprise uses `phone` (normalised: digits, optional +)."""

    TYPE: ClassVar[str] = "samr.phone@1"

    uscc: UsccCode
    phone: PhoneNumber


# --- filings, penalties, lists, classifications -------------------------------------------------


class FilingRecord(Record):
    """`filing@1`: filed once by the enterprise, shared with the listed departments. What was
    filed (optional, for older senders): the department it was filed with (`filedWith`), the
    number that department gave it (`documentNo`) and its title."""

    TYPE: ClassVar[str] = "filing@1"

    id: Id
    uscc: UsccCode
    kind: Code
    filed_on: dt.date
    shared_with: list[Department] = Field(max_length=len(Department))
    filed_with: Department | None = None
    document_no: Id | None = None
    title: Text | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.shared_with)) != len(self.shared_with):
            raise_rule_problems([("sharedWith", "lists a department more than once")])
        return self


class PenaltyRecord(Record):
    """`penalty@1`: an administrative penalty decided by the sending department."""

    TYPE: ClassVar[str] = "penalty@1"

    id: Id
    uscc: UsccCode
    case_no: Text
    severity: Severity
    amount_cny: Amount
    decided_on: dt.date
    public_until: dt.date | None = None
    repaired_on: dt.date | None = None

    @model_validator(mode="after")
    def _publicity(self) -> Self:
        problems: list[tuple[str, str]] = []
        # graph_schema/publicity.json: the regime in force on the decision date
        period = PUBLICITY.period(self.severity, self.decided_on)
        if period is None:
            severity = self.severity.value
            if self.public_until is not None:
                problems.append(
                    ("publicUntil", f"must be absent: a {severity} penalty is not made public")
                )
            if self.repaired_on is not None:
                problems.append(
                    (
                        "repairedOn",
                        f"must be absent: a {severity} penalty is not public, so not repaired",
                    )
                )
        else:
            shortest, longest = period.shortest_months, period.longest_months
            if self.public_until is None:
                problems.append(("publicUntil", f"is required for a {self.severity.value} penalty"))
            else:
                earliest = add_months(self.decided_on, shortest)
                latest = add_months(self.decided_on, longest)
                if not earliest <= self.public_until <= latest:
                    problems.append(
                        (
                            "publicUntil",
                            f"a {self.severity.value} penalty is public for {shortest} to "
                            f"{longest} months after decidedOn {self.decided_on}, so "
                            f"publicUntil must be from {earliest} to {latest}, "
                            f"not {self.public_until}",
                        )
                    )
        early = _not_before(self.repaired_on, "repairedOn", self.decided_on, "decidedOn")
        if not early and period is not None and self.repaired_on is not None:
            # NDRC Orders 58 and 36: repaired only after the minimum publicity
            refused = PUBLICITY.repair_refusal(self.severity, self.decided_on, self.repaired_on)
            early = [("repairedOn", refused)] if refused is not None else []
        raise_rule_problems(problems + early)
        return self


class PenaltyRepairRecord(Record):
    """`penalty.repair@1`: the penalty `id` (of the sending department) was repaired. Its
    minimum publicity is checked against the stored penalty when the batch is written
    (`connectors.cypher.REFUSALS`)."""

    TYPE: ClassVar[str] = "penalty.repair@1"

    id: Id
    repaired_on: dt.date


class RepairDecisionRecord(Record):
    """`repair.decision@1`: the sending department's decision on the enterprise's pending
    application `applicationId` for the repair of its penalty (`hub.repairs`). GRANTED repairs
    the penalty on `decidedOn`, as `penalty.repair@1` would, once its minimum publicity has
    passed; REFUSED leaves it public. Only the penalty's own department may decide."""

    TYPE: ClassVar[str] = "repair.decision@1"

    application_id: Id
    outcome: RepairStatus
    decided_on: dt.date
    reason: Text

    @model_validator(mode="after")
    def _outcome(self) -> Self:
        if self.outcome not in REPAIR_DECISIONS:
            raise_rule_problems([("outcome", "PENDING is not a decision; send GRANTED or REFUSED")])
        return self


class ListEntryRecord(Record):
    """`list.entry@1`: `subject` is put on `list` by the sending department."""

    TYPE: ClassVar[str] = "list.entry@1"

    id: Id
    subject: Party
    list_kind: ListKind = Field(alias="list")
    listed_on: dt.date
    expires_on: dt.date | None = None
    reason: Text
    basis: Text

    @model_validator(mode="after")
    def _dates(self) -> Self:
        raise_rule_problems(_not_before(self.expires_on, "expiresOn", self.listed_on, "listedOn"))
        return self


class ListRemovalRecord(Record):
    """`list.removal@1`: the list entry `id` (of the sending department) is removed."""

    TYPE: ClassVar[str] = "list.removal@1"

    id: Id
    removed_on: dt.date
    reason: Text


class ObjectionResolutionRecord(Record):
    """`objection.resolution@1`: the sending department's answer to the enterprise's pending
    objection to its penalty, list entry or classification `recordId`.

    UPHELD leaves the record; CORRECTED says the corrected record (same id, through its own
    record type) has been sent; REMOVED withdraws the record: it counts for nothing, since ever.
    """

    TYPE: ClassVar[str] = "objection.resolution@1"

    record_id: Id
    outcome: ObjectionStatus
    resolved_on: dt.date
    reason: Text

    @model_validator(mode="after")
    def _outcome(self) -> Self:
        if not is_resolution(self.outcome):
            raise_rule_problems(
                [("outcome", "PENDING is not a resolution; send UPHELD, CORRECTED or REMOVED")]
            )
        return self


class ClassificationRecord(Record):
    """`classification@1`: the enterprise's class in a department's scheme."""

    TYPE: ClassVar[str] = "classification@1"

    id: Id
    uscc: UsccCode
    scheme: ClassificationScheme
    value: str
    effective_from: dt.date
    effective_to: dt.date | None = None

    @model_validator(mode="after")
    def _value(self) -> Self:
        problems = _not_before(
            self.effective_to, "effectiveTo", self.effective_from, "effectiveFrom"
        )
        refused = classification_refusal(self.scheme, self.value, self.effective_from)
        if refused is not None:  # graph_schema/schemes.json: the values of each regime
            problems.append(("value", refused))
        raise_rule_problems(problems)
        return self


# --- trade ----------------------------------------------------------------------------------------


class DeclarationRecord(Record):
    """`customs.declaration@1`: a customs declaration in a cross-border e-commerce mode."""

    TYPE: ClassVar[str] = "customs.declaration@1"

    id: Id
    uscc: UsccCode
    mode: TradeMode
    direction: Direction
    declared_on: dt.date
    value_cny: Amount
    destination: CountryCode
    hs_code: HsCode


class ReturnRecord(Record):
    """`customs.return@1`: goods of the export declaration `declarationId` of `uscc` came back
    (GACC Announcement 2020 No. 67 on returns of cross-border e-commerce retail exports)."""

    TYPE: ClassVar[str] = "customs.return@1"

    id: Id
    uscc: UsccCode
    declaration_id: Id
    returned_on: dt.date
    value_cny: Amount
    reason: Text


_ZERO: Final = Decimal("0")
_CONSIGNEE: Final = ("consigneeName", "consigneePhone", "consigneeAddress")
RETAIL_MODES: Final = frozenset({TradeMode.RETAIL_9610, TradeMode.BONDED_1210})
"""The retail modes whose orders customs checks against an inventory list (9610 direct,
1210 bonded); B2B exports (9710, 9810) are declared otherwise."""


def _consignee(given: tuple[object, object, object], required: str | None) -> list[tuple[str, str]]:
    """The consignee's name, phone and address come together; `required` says why they must
    be given (`None`: they may all be absent)."""
    missing = [name for name, value in zip(_CONSIGNEE, given, strict=True) if value is None]
    if not missing or (len(missing) == len(_CONSIGNEE) and required is None):
        return []
    if len(missing) == len(_CONSIGNEE):
        return [(name, f"is required: {required}") for name in missing]
    return [
        (name, "give consigneeName, consigneePhone and consigneeAddress together")
        for name in missing
    ]


class OrderRecord(Record):
    """`trade.order@1`: an order sold by the enterprise `uscc`, with the fields of its customs
    order message: CEB303 for an EXPORT order, CEB311 for an IMPORT one (`direction`; IMPORT
    when absent, the series this record type carried before it had a direction).

    An IMPORT order names its consignee (CEB311 requires it) and may name its buyer (订购人,
    `buyerName`), whom the payment's payer must be. An EXPORT order has no tax, discount or
    buyer, which CEB303 does not carry; a consignee the platform sends is compared with the
    waybill's. `ebcCode`, given as a USCC, names the seller, so it is `uscc`.
    """

    TYPE: ClassVar[str] = "trade.order@1"

    id: Id
    uscc: UsccCode
    ordered_on: dt.date
    direction: Direction = Direction.IMPORT
    ebp_code: EnterpriseCode | None = None
    ebc_code: EnterpriseCode | None = None
    goods_cny: Amount
    freight_cny: Amount
    tax_cny: Amount = _ZERO
    discount_cny: Amount = _ZERO
    buyer_name: Name | None = None
    consignee_name: Name | None = None
    consignee_phone: PhoneNumber | None = None
    consignee_address: Text | None = None

    @model_validator(mode="after")
    def _order(self) -> Self:
        problems: list[tuple[str, str]] = []
        gross = self.goods_cny + self.freight_cny + self.tax_cny
        if self.discount_cny > gross:
            problems.append(
                ("discountCny", f"{self.discount_cny} exceeds goods + freight + tax {gross}")
            )
        consignee = (self.consignee_name, self.consignee_phone, self.consignee_address)
        if self.direction is Direction.IMPORT:
            problems += _consignee(consignee, "an IMPORT order names its consignee (CEB311)")
        else:
            problems += _consignee(consignee, None)
            for name, value in (("taxCny", self.tax_cny), ("discountCny", self.discount_cny)):
                if value != 0:
                    problems.append(
                        (
                            name,
                            f"must be 0 for an EXPORT order, not {value}: CEB303 carries no "
                            "tax or discount (send goodsCny as the price charged)",
                        )
                    )
            if self.buyer_name is not None:
                problems.append(
                    ("buyerName", "must be absent for an EXPORT order: CEB303 names no buyer")
                )
        if (
            self.ebc_code is not None
            and len(self.ebc_code) == USCC_LENGTH
            and self.ebc_code != self.uscc
        ):
            problems.append(
                ("ebcCode", f"{self.ebc_code} is a USCC, so it names the seller: uscc {self.uscc}")
            )
        raise_rule_problems(problems)
        return self


def _same_firm(
    code: str | None, code_field: str, uscc: str | None, uscc_field: str
) -> list[tuple[str, str]]:
    """A message's firm code given as a USCC names the firm: it must be the USCC sent beside
    it (a 10-character customs code cannot be compared)."""
    if code is None or uscc is None or len(code) != USCC_LENGTH or code == uscc:
        return []
    return [(uscc_field, f"{uscc} differs from {code_field} {code}, a USCC that names the firm")]


class PaymentRecord(Record):
    """`trade.payment@1`: the payment slip of order `orderId`. For an import order, the
    payment (CEB411) by `payerName`, who must be the order's buyer; for an export order, the
    e-commerce enterprise's receipt (收款单, CEB403), which names the enterprise paid
    (`ebcCode`) and no payer. `payCode` is the payment firm (CEB411/CEB403 payCode), as its
    customs code; `payFirmUscc`, optional, is the same firm's USCC, which links the payment to
    the firm as an enterprise of the hub (no CEB element carries it)."""

    TYPE: ClassVar[str] = "trade.payment@1"

    id: Id
    order_id: Id
    paid_on: dt.date
    amount_cny: Amount
    payer_name: Name | None = None
    pay_code: EnterpriseCode | None = None
    pay_firm_uscc: UsccCode | None = None
    ebp_code: EnterpriseCode | None = None
    ebc_code: EnterpriseCode | None = None

    @model_validator(mode="after")
    def _firm(self) -> Self:
        raise_rule_problems(_same_firm(self.pay_code, "payCode", self.pay_firm_uscc, "payFirmUscc"))
        return self


class WaybillRecord(Record):
    """`logistics.waybill@1`: the waybill of order `orderId`, by the logistics firm `carrier`
    (`logisticsCode`: CEB505/CEB511 logisticsCode). An import waybill (CEB511) names the
    consignee, who must be the order's; an export waybill (CEB505) carries none, though the
    firm may send it (then compared with the order's). `carrierUscc`, optional, is the logistics
    firm's USCC (`logisticsCode` is its customs code, not necessarily a USCC); `carrier` stays
    its name as a label."""

    TYPE: ClassVar[str] = "logistics.waybill@1"

    id: Id
    order_id: Id
    shipped_on: dt.date
    carrier: Name
    logistics_code: EnterpriseCode | None = None
    carrier_uscc: UsccCode | None = None
    consignee_name: Name | None = None
    consignee_phone: PhoneNumber | None = None
    consignee_address: Text | None = None

    @model_validator(mode="after")
    def _together(self) -> Self:
        given = (self.consignee_name, self.consignee_phone, self.consignee_address)
        firm = _same_firm(self.logistics_code, "logisticsCode", self.carrier_uscc, "carrierUscc")
        raise_rule_problems(_consignee(given, None) + firm)
        return self


class InventoryRecord(Record):
    """`customs.inventory@1`: the customs inventory list (清单) of order `orderId`, against
    which its order, payment and waybill are checked (GACC Announcement 2018 No. 194): CEB603
    for an EXPORT, CEB621 for an IMPORT, in a retail mode (9610, 1210). `goodsCny` is the sum
    of its lines' totalPrice, `freightCny` its freight. An IMPORT list names the buyer
    (订购人: `buyerName`, `buyerPhone`) and the consignee's address (CEB621 requires them); an
    EXPORT list names neither (CEB603 carries no buyer)."""

    TYPE: ClassVar[str] = "customs.inventory@1"

    id: Id
    order_id: Id
    direction: Direction
    trade_mode: TradeMode
    declared_on: dt.date
    ebp_code: EnterpriseCode
    ebc_code: EnterpriseCode
    logistics_code: EnterpriseCode
    logistics_no: Id
    goods_cny: Amount
    freight_cny: Amount
    buyer_name: Name | None = None
    buyer_phone: PhoneNumber | None = None
    consignee_address: Text | None = None

    @model_validator(mode="after")
    def _list(self) -> Self:
        problems: list[tuple[str, str]] = []
        if self.trade_mode not in RETAIL_MODES:
            problems.append(
                (
                    "tradeMode",
                    f"{self.trade_mode.value} is not a retail mode: an inventory list "
                    "is 9610 or 1210",
                )
            )
        buyer = (
            ("buyerName", self.buyer_name),
            ("buyerPhone", self.buyer_phone),
            ("consigneeAddress", self.consignee_address),
        )
        for name, value in buyer:
            if self.direction is Direction.IMPORT and value is None:
                problems.append((name, "is required for an IMPORT list (CEB621)"))
            elif self.direction is Direction.EXPORT and value is not None:
                problems.append((name, "must be absent for an EXPORT list: CEB603 names no buyer"))
        raise_rule_problems(problems)
        return self


class OverseasWarehouseRecord(_Period):
    """`commerce.overseas_warehouse@1`: a warehouse abroad operated by `uscc`, with stock."""

    TYPE: ClassVar[str] = "commerce.overseas_warehouse@1"

    id: Id
    uscc: UsccCode
    name: Name
    country: CountryCode
    city: Name
    stock_value_cny: Amount
    stock_as_of: dt.date

    @model_validator(mode="after")
    def _abroad(self) -> Self:
        if self.country == "CN":
            raise_rule_problems([("country", "an overseas warehouse cannot be in CN")])
        return self


class TaxRefundRecord(Record):
    """`tax.refund@1`: an export tax refund claim and its outcome."""

    TYPE: ClassVar[str] = "tax.refund@1"

    id: Id
    uscc: UsccCode
    claimed_on: dt.date
    amount_cny: Amount
    status: TaxRefundStatus
    paid_on: dt.date | None = None

    @model_validator(mode="after")
    def _paid(self) -> Self:
        problems: list[tuple[str, str]] = []
        if self.status is TaxRefundStatus.PAID and self.paid_on is None:
            problems.append(("paidOn", "is required when status is PAID"))
        elif self.status is not TaxRefundStatus.PAID and self.paid_on is not None:
            problems.append(("paidOn", f"must be absent when status is {self.status.value}"))
        problems += _not_before(self.paid_on, "paidOn", self.claimed_on, "claimedOn")
        raise_rule_problems(problems)
        return self


class LoanRecord(Record):
    """`bank.loan@1`: a loan to the enterprise and its repayment status."""

    TYPE: ClassVar[str] = "bank.loan@1"

    id: Id
    uscc: UsccCode
    lender: Name
    amount_cny: Amount
    granted_on: dt.date
    due_on: dt.date
    status: LoanStatus

    @model_validator(mode="after")
    def _due(self) -> Self:
        raise_rule_problems(_not_before(self.due_on, "dueOn", self.granted_on, "grantedOn"))
        return self


class TradePaymentRecord(Record):
    """`bank.trade_payment@1`: a payment from one enterprise to another."""

    TYPE: ClassVar[str] = "bank.trade_payment@1"

    id: Id
    payer_uscc: UsccCode
    payee_uscc: UsccCode
    paid_on: dt.date
    amount_cny: Amount

    @model_validator(mode="after")
    def _two_parties(self) -> Self:
        if self.payer_uscc == self.payee_uscc:
            raise_rule_problems([("payeeUscc", "must differ from payerUscc")])
        return self


# --- foreign exchange ---------------------------------------------------------------------------


class ExportReceiptRecord(Record):
    """`fx.export_receipt@1`: export proceeds received from abroad by `uscc`, as the receiving
    bank reports them to SAFE (涉外收入申报) or SAFE passes them on: a cross-border receipt, not
    a payment between Chinese enterprises (`bank.trade_payment@1`).

    `amount` is in `currency`, `amountCny` its yuan equivalent as reported. It names the export
    it settles: a customs declaration (`declarationId`), or an e-commerce order (`orderId`) for
    retail exports collected order by order; neither for an advance receipt before the goods
    are declared. `bank` is the receiving bank's name (a label); `bankUscc`, optional, its
    USCC, which links the receipt to the bank as an enterprise of the hub."""

    TYPE: ClassVar[str] = "fx.export_receipt@1"

    id: Id
    uscc: UsccCode
    received_on: dt.date
    amount: Amount = Field(gt=0)
    currency: CurrencyCode
    amount_cny: Amount = Field(gt=0)
    payer_country: CountryCode
    bank: Name
    bank_uscc: UsccCode | None = None
    declaration_id: Id | None = None
    order_id: Id | None = None

    @model_validator(mode="after")
    def _receipt(self) -> Self:
        problems: list[tuple[str, str]] = []
        if self.payer_country == "CN":
            problems.append(("payerCountry", "a cross-border receipt comes from abroad, not CN"))
        if self.currency == "CNY" and self.amount != self.amount_cny:
            problems.append(("amountCny", f"must equal amount {self.amount} when currency is CNY"))
        if self.declaration_id is not None and self.order_id is not None:
            problems.append(("orderId", "a receipt settles one declaration or one order, not both"))
        raise_rule_problems(problems)
        return self


# --- supervised premises (customs) --------------------------------------------------------------


class PremisesRecord(Record):
    """`customs.premises@1`: a place under customs supervision (a bonded warehouse, a bonded
    logistics centre, a cross-border e-commerce or express supervision site) that customs
    approved `operatorUscc` to operate on `approvedOn`, under `customsCode` (the code customs
    gave the premises); `status` is where the approval stands, `validUntil` its last day when
    it is for a term. A CANCELLED approval names no later validity than its cancellation."""

    TYPE: ClassVar[str] = "customs.premises@1"

    id: Id
    operator_uscc: UsccCode
    kind: PremisesKind
    name: Name
    customs_code: Id
    approved_on: dt.date
    status: PremisesStatus
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _term(self) -> Self:
        raise_rule_problems(
            _not_before(self.valid_until, "validUntil", self.approved_on, "approvedOn")
        )
        return self
