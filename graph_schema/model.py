"""The graph model of SPEC section 3: node labels, relationship types, the enums facts use, and
each label's business key.

What a fact's node or relationship holds is defined once, by the record model agencies send
(`connectors.records.models`), from which the rows of its write statement are built
(`connectors.records.rows`, `graph_schema.writes`): camelCase properties (`registeredOn`).
Money is `Decimal` yuan at the boundary and stored as a float in the graph, since Neo4j has no
decimal type; comparisons of amounts in Cypher therefore allow half a fen of rounding.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Final

from pydantic import AfterValidator, Field

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
    INVENTORY_LIST = "InventoryList"
    OVERSEAS_WAREHOUSE = "OverseasWarehouse"
    TAX_REFUND = "TaxRefund"
    LOAN = "Loan"
    TRADE_PAYMENT = "TradePayment"
    EXPORT_RECEIPT = "ExportReceipt"
    SUPERVISED_PREMISES = "SupervisedPremises"
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
    DECLARES = "DECLARES"  # InventoryList -> Order (the customs inventory list of the order)
    CLAIMED = "CLAIMED"  # Enterprise -> TaxRefund
    BORROWED = "BORROWED"  # Enterprise -> Loan
    PAID = "PAID"  # Enterprise -> TradePayment (payer)
    PAID_TO = "PAID_TO"  # TradePayment -> Enterprise (payee)
    RECEIVED = "RECEIVED"  # Enterprise -> ExportReceipt (export proceeds from abroad)
    HANDLED = "HANDLED"  # Enterprise -> Payment (payment firm) | ExportReceipt (bank)
    CARRIED = "CARRIED"  # Enterprise -> Waybill (the carrier)
    OPERATES_PREMISES = "OPERATES_PREMISES"  # Enterprise -> SupervisedPremises


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


ENDED_STATUSES: Final = frozenset({EnterpriseStatus.REVOKED, EnterpriseStatus.DEREGISTERED})
"""Registrations that ended: sent with the day they took effect (`statusSince`); from then the
enterprise may only liquidate or no longer exists, so it does not trade and is not graded."""


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


class PremisesKind(StrEnum):
    """Places under customs supervision that an enterprise operates (`customs.premises@1`)."""

    BONDED_WAREHOUSE = "BONDED_WAREHOUSE"  # 保税仓库
    BONDED_LOGISTICS_CENTER = "BONDED_LOGISTICS_CENTER"  # 保税物流中心
    CBEC_SUPERVISION_SITE = "CBEC_SUPERVISION_SITE"  # 跨境电子商务监管作业场所
    EXPRESS_SUPERVISION_SITE = "EXPRESS_SUPERVISION_SITE"  # 邮政/快件监管作业场所


class PremisesStatus(StrEnum):
    """Where customs' approval of a supervised premises stands."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    CANCELLED = "CANCELLED"


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
    Label.INVENTORY_LIST: "id",
    Label.OVERSEAS_WAREHOUSE: "id",
    Label.TAX_REFUND: "id",
    Label.LOAN: "id",
    Label.TRADE_PAYMENT: "id",
    Label.EXPORT_RECEIPT: "id",
    Label.SUPERVISED_PREMISES: "id",
    Label.SCHEMA_MIGRATION: "version",
}
"""The unique business key of each label; migration 0001 constrains those it knew, later
migrations the labels they add (0017 `ExportReceipt`, 0018 `InventoryList`, 0019
`SupervisedPremises`)."""
