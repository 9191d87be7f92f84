"""The graph model of SPEC section 3: node labels, relationship types and property models.

Every model here describes what a node or relationship holds in Neo4j. Field names are
snake_case in Python and camelCase in the graph (`registered_on` is stored as `registeredOn`);
`to_props()` gives the dict to pass as a Cypher parameter. Money is `Decimal` yuan at the
boundary and stored as a float in the graph, since Neo4j has no decimal type; comparisons of
amounts in Cypher therefore allow half a fen of rounding.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from graph_schema.uscc import validate_uscc

Uscc = Annotated[str, AfterValidator(validate_uscc)]
"""A Unified Social Credit Code, normalised and checked (GB 32100-2015 and GB 11714)."""

Money = Annotated[Decimal, Field(max_digits=18, decimal_places=2)]
"""An amount in yuan with at most two decimals."""


class Label(StrEnum):
    """Node labels. Business nodes carry lineage (`source`, `batch`)."""

    ENTERPRISE = "Enterprise"
    PERSON = "Person"
    ADDRESS = "Address"
    PHONE = "Phone"
    ZONE = "Zone"
    INDUSTRY_BELT = "IndustryBelt"
    DEPARTMENT = "Department"
    FILING = "Filing"
    PENALTY = "Penalty"
    LIST_ENTRY = "ListEntry"
    CLASSIFICATION = "Classification"
    DECLARATION = "Declaration"
    RETURN = "Return"
    ORDER = "Order"
    PAYMENT = "Payment"
    WAYBILL = "Waybill"
    OVERSEAS_WAREHOUSE = "OverseasWarehouse"
    TAX_REFUND = "TaxRefund"
    LOAN = "Loan"
    TRADE_PAYMENT = "TradePayment"
    SCHEMA_MIGRATION = "SchemaMigration"


class Rel(StrEnum):
    """Relationship types, written (from)-[TYPE]->(to) as in the comment beside each."""

    LEGAL_REPRESENTATIVE_OF = "LEGAL_REPRESENTATIVE_OF"  # Person -> Enterprise {since, until}
    OFFICER_OF = "OFFICER_OF"  # Person -> Enterprise {role, since, until}
    SHAREHOLDER_OF = "SHAREHOLDER_OF"  # Person|Enterprise -> Enterprise {ratio, since, until}
    REGISTERED_AT = "REGISTERED_AT"  # Enterprise -> Address {since, until}
    USES_PHONE = "USES_PHONE"  # Enterprise -> Phone {since, until}
    OPERATES = "OPERATES"  # Enterprise -> OverseasWarehouse {since, until}
    IN_ZONE = "IN_ZONE"  # Enterprise -> Zone
    IN_BELT = "IN_BELT"  # Enterprise -> IndustryBelt
    BELT_OF = "BELT_OF"  # IndustryBelt -> Zone
    FILED = "FILED"  # Enterprise -> Filing
    SHARED_WITH = "SHARED_WITH"  # Filing -> Department
    PENALISED = "PENALISED"  # Enterprise -> Penalty
    LISTED = "LISTED"  # Enterprise|Person -> ListEntry
    CLASSIFIED = "CLASSIFIED"  # Enterprise -> Classification
    DECLARED = "DECLARED"  # Enterprise -> Declaration
    RETURNED = "RETURNED"  # Enterprise -> Return
    RETURN_OF = "RETURN_OF"  # Return -> Declaration (the export the goods came back from)
    SOLD = "SOLD"  # Enterprise -> Order
    PAYS = "PAYS"  # Payment -> Order
    SHIPS = "SHIPS"  # Waybill -> Order
    CLAIMED = "CLAIMED"  # Enterprise -> TaxRefund
    BORROWED = "BORROWED"  # Enterprise -> Loan
    PAID = "PAID"  # Enterprise -> TradePayment (payer)
    PAID_TO = "PAID_TO"  # TradePayment -> Enterprise (payee)


class Department(StrEnum):
    """The departments that share data through the hub."""

    CUSTOMS = "CUSTOMS"
    TAX = "TAX"
    SAFE = "SAFE"
    COMMERCE = "COMMERCE"
    SAMR = "SAMR"
    COURT = "COURT"
    BANK = "BANK"
    LOGISTICS = "LOGISTICS"
    ZONE_ADMIN = "ZONE_ADMIN"


class ObjectionStatus(StrEnum):
    """Where an enterprise's objection to a penalty, list entry or classification stands:
    PENDING until the record's department resolves it with one of the other three."""

    PENDING = "PENDING"
    UPHELD = "UPHELD"
    """The record stands as it was."""
    CORRECTED = "CORRECTED"
    """The department sent the record again, corrected (same id), before resolving."""
    REMOVED = "REMOVED"
    """The record was wrong: it is withdrawn and counts for nothing, since ever."""


class EnterpriseStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ABNORMAL = "ABNORMAL"  # on the abnormal-operation list
    REVOKED = "REVOKED"
    DEREGISTERED = "DEREGISTERED"


class Severity(StrEnum):
    """Penalty severity; MINOR penalties are not published (NDRC Order 36)."""

    MINOR = "MINOR"
    GENERAL = "GENERAL"
    SERIOUS = "SERIOUS"


class ListKind(StrEnum):
    """The authoritative lists and the red list."""

    SERIOUS_DISHONESTY = "SERIOUS_DISHONESTY"
    CUSTOMS_DISHONEST = "CUSTOMS_DISHONEST"
    TAX_MAJOR_VIOLATION = "TAX_MAJOR_VIOLATION"
    COURT_DISHONEST_DEBTOR = "COURT_DISHONEST_DEBTOR"
    SAFE_CLASS_C = "SAFE_CLASS_C"
    ABNORMAL_OPERATION = "ABNORMAL_OPERATION"
    RED_LIST = "RED_LIST"


class ClassificationScheme(StrEnum):
    """Each department's classification scheme and the values it allows."""

    CUSTOMS_CREDIT = "CUSTOMS_CREDIT"
    TAX_CREDIT = "TAX_CREDIT"
    EXPORT_REFUND_CLASS = "EXPORT_REFUND_CLASS"
    SAFE_GOODS_TRADE = "SAFE_GOODS_TRADE"


SCHEME_VALUES: dict[ClassificationScheme, tuple[str, ...]] = {
    # GACC Order 282 (from 2026-04-01) has five customs tiers.
    ClassificationScheme.CUSTOMS_CREDIT: (
        "ADVANCED_CERTIFIED",
        "CERTIFIED",
        "ROUTINE",
        "DISHONEST",
        "SERIOUSLY_DISHONEST",
    ),
    ClassificationScheme.TAX_CREDIT: ("A", "B", "M", "C", "D"),
    ClassificationScheme.EXPORT_REFUND_CLASS: ("1", "2", "3", "4"),
    ClassificationScheme.SAFE_GOODS_TRADE: ("A", "B", "C"),
}

SCHEME_DEPARTMENT: dict[ClassificationScheme, Department] = {
    ClassificationScheme.CUSTOMS_CREDIT: Department.CUSTOMS,
    ClassificationScheme.TAX_CREDIT: Department.TAX,
    ClassificationScheme.EXPORT_REFUND_CLASS: Department.TAX,
    ClassificationScheme.SAFE_GOODS_TRADE: Department.SAFE,
}


class TradeMode(StrEnum):
    """Customs supervision modes of cross-border e-commerce."""

    RETAIL_9610 = "9610"
    B2B_DIRECT_9710 = "9710"
    OVERSEAS_WAREHOUSE_9810 = "9810"
    BONDED_1210 = "1210"


class Direction(StrEnum):
    EXPORT = "EXPORT"
    IMPORT = "IMPORT"


class TaxRefundStatus(StrEnum):
    CLAIMED = "CLAIMED"
    PAID = "PAID"
    REJECTED = "REJECTED"


class LoanStatus(StrEnum):
    CURRENT = "CURRENT"
    OVERDUE = "OVERDUE"
    DEFAULT = "DEFAULT"


class GraphModel(BaseModel):
    """Base of every graph model: camelCase in the graph, immutable in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )

    def to_props(self) -> dict[str, Any]:
        """Properties as Neo4j parameters: camelCase keys, Decimal as float, enums as str."""
        props: dict[str, Any] = {}
        for key, value in self.model_dump(by_alias=True).items():
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, StrEnum):
                value = value.value
            props[key] = value
        return props


class Lineage(GraphModel):
    """Which connector and which batch a fact came from."""

    source: str = Field(min_length=1)
    batch: str = Field(min_length=1)


class Period(GraphModel):
    """Validity of a relationship: open-ended while `until` is None."""

    since: dt.date | None = None
    until: dt.date | None = None


# --- nodes -------------------------------------------------------------------------------


class Zone(GraphModel):
    code: str = Field(pattern=r"^[A-Z_]{2,32}$")
    name: str


class IndustryBelt(GraphModel):
    code: str = Field(pattern=r"^[A-Z0-9_]{2,48}$")
    name: str
    zone: str


class Enterprise(Lineage):
    uscc: Uscc
    name: str = Field(min_length=1, max_length=200)
    zone: str
    industry_belt: str | None = None
    registered_on: dt.date
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE


class Person(Lineage):
    """A natural person: `person_key` is an HMAC of the ID number, never the number itself."""

    person_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str = Field(min_length=1, max_length=100)
    id_masked: str


class Address(Lineage):
    key: str = Field(min_length=1)  # normalised text, see graph_schema.normalise
    text: str


class Phone(Lineage):
    number: str = Field(pattern=r"^\+?[0-9]{5,20}$")


class Filing(Lineage):
    id: str
    kind: str
    filed_on: dt.date


class Penalty(Lineage):
    id: str
    department: Department
    case_no: str
    severity: Severity
    amount_cny: Money
    decided_on: dt.date
    public_until: dt.date | None = None  # None for MINOR: not published
    repaired_on: dt.date | None = None


class ListEntry(Lineage):
    id: str
    list: ListKind
    department: Department
    listed_on: dt.date
    expires_on: dt.date | None = None
    removed_on: dt.date | None = None
    reason: str
    basis: str


class Classification(Lineage):
    id: str
    department: Department
    scheme: ClassificationScheme
    value: str
    effective_from: dt.date
    effective_to: dt.date | None = None


class Declaration(Lineage):
    id: str
    mode: TradeMode
    direction: Direction
    declared_on: dt.date
    value_cny: Money
    destination: str = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
    hs_code: str = Field(pattern=r"^[0-9]{6,10}$")


class Return(Lineage):
    """Goods of an export declaration that came back (cross-border e-commerce returns)."""

    id: str
    declaration_id: str
    returned_on: dt.date
    value_cny: Money
    reason: str


class Order(Lineage):
    id: str
    ordered_on: dt.date
    goods_cny: Money
    freight_cny: Money
    tax_cny: Money
    discount_cny: Money
    consignee_name: str
    consignee_phone: str
    consignee_address: str


class Payment(Lineage):
    id: str
    order_id: str
    paid_on: dt.date
    amount_cny: Money
    payer_name: str


class Waybill(Lineage):
    id: str
    order_id: str
    shipped_on: dt.date
    carrier: str
    consignee_name: str
    consignee_phone: str
    consignee_address: str


class OverseasWarehouse(Lineage):
    id: str
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    city: str
    stock_value_cny: Money
    stock_as_of: dt.date


class TaxRefund(Lineage):
    id: str
    claimed_on: dt.date
    amount_cny: Money
    status: TaxRefundStatus
    paid_on: dt.date | None = None


class Loan(Lineage):
    id: str
    lender: str
    amount_cny: Money
    granted_on: dt.date
    due_on: dt.date
    status: LoanStatus


class TradePayment(Lineage):
    """A payment from one enterprise to another: (payer)-[:PAID]->(tp)-[:PAID_TO]->(payee)."""

    id: str
    paid_on: dt.date
    amount_cny: Money


# --- relationships with properties ---------------------------------------------------------


class Officer(Period, Lineage):
    role: str


class Shareholding(Period, Lineage):
    ratio: float = Field(gt=0, le=1)


BUSINESS_KEYS: dict[Label, str] = {
    Label.ENTERPRISE: "uscc",
    Label.PERSON: "personKey",
    Label.ADDRESS: "key",
    Label.PHONE: "number",
    Label.ZONE: "code",
    Label.INDUSTRY_BELT: "code",
    Label.DEPARTMENT: "code",
    Label.FILING: "id",
    Label.PENALTY: "id",
    Label.LIST_ENTRY: "id",
    Label.CLASSIFICATION: "id",
    Label.DECLARATION: "id",
    Label.RETURN: "id",
    Label.ORDER: "id",
    Label.PAYMENT: "id",
    Label.WAYBILL: "id",
    Label.OVERSEAS_WAREHOUSE: "id",
    Label.TAX_REFUND: "id",
    Label.LOAN: "id",
    Label.TRADE_PAYMENT: "id",
    Label.SCHEMA_MIGRATION: "version",
}
"""The unique business key of each label; migration 0001 constrains every one of them."""
