"""Records to the rows of the Cypher statements that write them.

Each `*_rows` function turns validated records of one type into the row dicts that the named
statement of `graph_schema.writes.UPSERTS` (or `connectors.cypher.UPDATES`) documents: `props`
camelCase with the lineage `source` and `batch`, endpoint keys beside it, and `rel` for
relationships with a period. Dates stay `datetime.date`, money becomes `float` (Neo4j has no
decimal), enums their string value. A person's ID number becomes `personKey` (HMAC with
`RowContext.person_secret`) and `idMasked`; the clear number is in no row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
    Party,
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
from graph_schema.identity import mask_id_number, normalise_address, person_key
from graph_schema.model import Department

__all__ = [
    "Row",
    "RowContext",
    "address_rows",
    "classification_rows",
    "declaration_rows",
    "enterprise_rows",
    "filing_rows",
    "legal_representative_rows",
    "list_entry_rows",
    "list_removal_rows",
    "loan_rows",
    "objection_resolution_rows",
    "officer_rows",
    "order_rows",
    "overseas_warehouse_rows",
    "payment_rows",
    "penalty_repair_rows",
    "penalty_rows",
    "person_rows",
    "phone_rows",
    "return_rows",
    "shareholding_rows",
    "tax_refund_rows",
    "trade_payment_rows",
    "waybill_rows",
]

Row = dict[str, Any]


@dataclass(frozen=True)
class RowContext:
    """What rows need besides the records: lineage, the sending department and the person key.

    `source` is the connector id and `batch` the batch id (both stamped on every fact);
    `department` is the batch's department (penalties, list entries and classifications
    belong to it); `person_secret` is the HMAC key of `person_key` (kept out of the repr).
    """

    source: str
    batch: str
    department: Department
    person_secret: bytes = field(repr=False)

    def lineage(self) -> dict[str, str]:
        return {"source": self.source, "batch": self.batch}


def _money(value: Decimal) -> float:
    return float(value)


def _period(since: dt.date, until: dt.date | None, ctx: RowContext) -> Row:
    return {"since": since, "until": until, "source": ctx.source, "batch": ctx.batch}


def _party(party: Party, ctx: RowContext) -> tuple[str, str]:
    """(kind, key) of a shareholder or listed subject: ENTERPRISE/uscc or PERSON/personKey."""
    if party.id_number is not None:
        return "PERSON", person_key(party.id_number, ctx.person_secret)
    assert party.uscc is not None  # Party guarantees exactly one
    return "ENTERPRISE", party.uscc


# --- registry ------------------------------------------------------------------------------------


def enterprise_rows(records: Sequence[EnterpriseRecord], ctx: RowContext) -> list[Row]:
    """`enterprises`: `{props: {uscc, name, zone, industryBelt, registeredOn, status, ...}}`."""
    return [
        {
            "props": {
                "uscc": r.uscc,
                "name": r.name,
                "zone": r.zone,
                "industryBelt": r.industry_belt,
                "registeredOn": r.registered_on,
                "status": r.status.value,
                "source": ctx.source,
                "batch": ctx.batch,
            }
        }
        for r in records
    ]


def person_rows(records: Sequence[PersonRecord], ctx: RowContext) -> list[Row]:
    """`persons`: `{props: {personKey, name, idMasked, source, batch}}`."""
    return [
        {
            "props": {
                "personKey": person_key(r.id_number, ctx.person_secret),
                "name": r.name,
                "idMasked": mask_id_number(r.id_number),
                "source": ctx.source,
                "batch": ctx.batch,
            }
        }
        for r in records
    ]


def legal_representative_rows(
    records: Sequence[LegalRepresentativeRecord], ctx: RowContext
) -> list[Row]:
    """`legal_representatives`: `{personKey, uscc, props: {since, until, source, batch}}`."""
    return [
        {
            "personKey": person_key(r.id_number, ctx.person_secret),
            "uscc": r.uscc,
            "props": _period(r.since, r.until, ctx),
        }
        for r in records
    ]


def officer_rows(records: Sequence[OfficerRecord], ctx: RowContext) -> list[Row]:
    """`officers`: `{personKey, uscc, props: {role, since, until, source, batch}}`."""
    return [
        {
            "personKey": person_key(r.id_number, ctx.person_secret),
            "uscc": r.uscc,
            "props": {"role": r.role, **_period(r.since, r.until, ctx)},
        }
        for r in records
    ]


def shareholding_rows(records: Sequence[ShareholdingRecord], ctx: RowContext) -> list[Row]:
    """`shareholdings`: `{holderKind, holder, uscc, props: {ratio, since, until, source,
    batch}}`; `holder` is the person's `personKey` or the holding enterprise's USCC."""
    rows: list[Row] = []
    for r in records:
        kind, holder = _party(r.holder, ctx)
        rows.append(
            {
                "holderKind": kind,
                "holder": holder,
                "uscc": r.uscc,
                "props": {"ratio": float(r.ratio), **_period(r.since, r.until, ctx)},
            }
        )
    return rows


def address_rows(records: Sequence[AddressRecord], ctx: RowContext) -> list[Row]:
    """`addresses`: `{uscc, props: {key, text, source, batch}, rel: {since, until, source,
    batch}}`; `key` is `normalise_address(text)`."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "key": normalise_address(r.address),
                "text": r.address,
                "source": ctx.source,
                "batch": ctx.batch,
            },
            "rel": _period(r.since, r.until, ctx),
        }
        for r in records
    ]


def phone_rows(records: Sequence[PhoneRecord], ctx: RowContext) -> list[Row]:
    """`phones`: `{uscc, props: {number, source, batch}, rel: {since, until, source, batch}}`;
    the number was normalised by `normalise_phone` when the record validated."""
    return [
        {
            "uscc": r.uscc,
            "props": {"number": r.phone, "source": ctx.source, "batch": ctx.batch},
            "rel": _period(r.since, r.until, ctx),
        }
        for r in records
    ]


# --- filings, penalties, lists, classifications -------------------------------------------------


def filing_rows(records: Sequence[FilingRecord], ctx: RowContext) -> list[Row]:
    """`filings`: `{uscc, sharedWith: [department code], props: {id, kind, filedOn, ...}}`."""
    return [
        {
            "uscc": r.uscc,
            "sharedWith": [d.value for d in r.shared_with],
            "props": {
                "id": r.id,
                "kind": r.kind,
                "filedOn": r.filed_on,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def penalty_rows(records: Sequence[PenaltyRecord], ctx: RowContext) -> list[Row]:
    """`penalties`: `{uscc, props: Penalty}`, `department` being the batch's.

    `repairedOn` is in `props` only when the record has it: a penalty sent again without it
    must not erase a repair recorded since (`SET n += props` removes a property set to null).
    """
    rows: list[Row] = []
    for r in records:
        props: Row = {
            "id": r.id,
            "department": ctx.department.value,
            "caseNo": r.case_no,
            "severity": r.severity.value,
            "amountCny": _money(r.amount_cny),
            "decidedOn": r.decided_on,
            "publicUntil": r.public_until,
            "source": ctx.source,
            "batch": ctx.batch,
        }
        if r.repaired_on is not None:
            props["repairedOn"] = r.repaired_on
        rows.append({"uscc": r.uscc, "props": props})
    return rows


def penalty_repair_rows(records: Sequence[PenaltyRepairRecord], ctx: RowContext) -> list[Row]:
    """`penalty_repairs`: `{id, department, props: {repairedOn, source, batch}}`."""
    return [
        {
            "id": r.id,
            "department": ctx.department.value,
            "props": {"repairedOn": r.repaired_on, "source": ctx.source, "batch": ctx.batch},
        }
        for r in records
    ]


def list_entry_rows(records: Sequence[ListEntryRecord], ctx: RowContext) -> list[Row]:
    """`list_entries`: `{subjectKind, subject, props: ListEntry}`, `department` the batch's.

    `removedOn` is never in `props`: removal is its own record (`list.removal@1`), and an entry
    sent again must not undo a removal.
    """
    rows: list[Row] = []
    for r in records:
        kind, subject = _party(r.subject, ctx)
        rows.append(
            {
                "subjectKind": kind,
                "subject": subject,
                "props": {
                    "id": r.id,
                    "list": r.list_kind.value,
                    "department": ctx.department.value,
                    "listedOn": r.listed_on,
                    "expiresOn": r.expires_on,
                    "reason": r.reason,
                    "basis": r.basis,
                    "source": ctx.source,
                    "batch": ctx.batch,
                },
            }
        )
    return rows


def list_removal_rows(records: Sequence[ListRemovalRecord], ctx: RowContext) -> list[Row]:
    """`list_removals`: `{id, department, props: {removedOn, reason, source, batch}}`."""
    return [
        {
            "id": r.id,
            "department": ctx.department.value,
            "props": {
                "removedOn": r.removed_on,
                "reason": r.reason,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def classification_rows(records: Sequence[ClassificationRecord], ctx: RowContext) -> list[Row]:
    """`classifications`: `{uscc, props: Classification}`, `department` the batch's."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "department": ctx.department.value,
                "scheme": r.scheme.value,
                "value": r.value,
                "effectiveFrom": r.effective_from,
                "effectiveTo": r.effective_to,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


# --- trade ----------------------------------------------------------------------------------------


def declaration_rows(records: Sequence[DeclarationRecord], ctx: RowContext) -> list[Row]:
    """`declarations`: `{uscc, props: Declaration}`."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "mode": r.mode.value,
                "direction": r.direction.value,
                "declaredOn": r.declared_on,
                "valueCny": _money(r.value_cny),
                "destination": r.destination,
                "hsCode": r.hs_code,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def return_rows(records: Sequence[ReturnRecord], ctx: RowContext) -> list[Row]:
    """`returns`: `{uscc, props: Return}`."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "declarationId": r.declaration_id,
                "returnedOn": r.returned_on,
                "valueCny": _money(r.value_cny),
                "reason": r.reason,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def order_rows(records: Sequence[OrderRecord], ctx: RowContext) -> list[Row]:
    """`orders`: `{uscc, props: Order}`; `uscc` is the seller."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "orderedOn": r.ordered_on,
                "goodsCny": _money(r.goods_cny),
                "freightCny": _money(r.freight_cny),
                "taxCny": _money(r.tax_cny),
                "discountCny": _money(r.discount_cny),
                "consigneeName": r.consignee_name,
                "consigneePhone": r.consignee_phone,
                "consigneeAddress": r.consignee_address,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def payment_rows(records: Sequence[PaymentRecord], ctx: RowContext) -> list[Row]:
    """`payments`: `{props: Payment}`; the order is `props.orderId`."""
    return [
        {
            "props": {
                "id": r.id,
                "orderId": r.order_id,
                "paidOn": r.paid_on,
                "amountCny": _money(r.amount_cny),
                "payerName": r.payer_name,
                "source": ctx.source,
                "batch": ctx.batch,
            }
        }
        for r in records
    ]


def waybill_rows(records: Sequence[WaybillRecord], ctx: RowContext) -> list[Row]:
    """`waybills`: `{props: Waybill}`; the order is `props.orderId`."""
    return [
        {
            "props": {
                "id": r.id,
                "orderId": r.order_id,
                "shippedOn": r.shipped_on,
                "carrier": r.carrier,
                "consigneeName": r.consignee_name,
                "consigneePhone": r.consignee_phone,
                "consigneeAddress": r.consignee_address,
                "source": ctx.source,
                "batch": ctx.batch,
            }
        }
        for r in records
    ]


def overseas_warehouse_rows(
    records: Sequence[OverseasWarehouseRecord], ctx: RowContext
) -> list[Row]:
    """`overseas_warehouses`: `{uscc, props: OverseasWarehouse, rel: {since, until, source,
    batch}}`; `uscc` is the operator."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "name": r.name,
                "country": r.country,
                "city": r.city,
                "stockValueCny": _money(r.stock_value_cny),
                "stockAsOf": r.stock_as_of,
                "source": ctx.source,
                "batch": ctx.batch,
            },
            "rel": _period(r.since, r.until, ctx),
        }
        for r in records
    ]


def tax_refund_rows(records: Sequence[TaxRefundRecord], ctx: RowContext) -> list[Row]:
    """`tax_refunds`: `{uscc, props: TaxRefund}`."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "claimedOn": r.claimed_on,
                "amountCny": _money(r.amount_cny),
                "status": r.status.value,
                "paidOn": r.paid_on,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def loan_rows(records: Sequence[LoanRecord], ctx: RowContext) -> list[Row]:
    """`loans`: `{uscc, props: Loan}`."""
    return [
        {
            "uscc": r.uscc,
            "props": {
                "id": r.id,
                "lender": r.lender,
                "amountCny": _money(r.amount_cny),
                "grantedOn": r.granted_on,
                "dueOn": r.due_on,
                "status": r.status.value,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def trade_payment_rows(records: Sequence[TradePaymentRecord], ctx: RowContext) -> list[Row]:
    """`trade_payments`: `{payer: uscc, payee: uscc, props: TradePayment}`."""
    return [
        {
            "payer": r.payer_uscc,
            "payee": r.payee_uscc,
            "props": {
                "id": r.id,
                "paidOn": r.paid_on,
                "amountCny": _money(r.amount_cny),
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]


def objection_resolution_rows(
    records: Sequence[ObjectionResolutionRecord], ctx: RowContext
) -> list[Row]:
    """`objection_resolutions`: `{id, department, props: {outcome, resolvedOn, reason, source,
    batch}}`, `id` being the record objected to (so the pipeline re-rates its subject)."""
    return [
        {
            "id": r.record_id,
            "department": ctx.department.value,
            "props": {
                "outcome": r.outcome.value,
                "resolvedOn": r.resolved_on,
                "reason": r.reason,
                "source": ctx.source,
                "batch": ctx.batch,
            },
        }
        for r in records
    ]
