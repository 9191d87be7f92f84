"""The record types agencies send through signed connector batches (SPEC section 4).

One frozen pydantic model per record type (`connectors.records.models`), named
`<domain>.<name>@<version>` in `RECORD_TYPES`; `validate_records` checks a batch's records and
says what is wrong with each invalid one; `RecordType.to_rows` turns valid records into the
rows of the Cypher statement that writes them (`graph_schema.writes.UPSERTS`, or
`connectors.cypher.UPDATES` for removals and repairs). See docs/connectors-record-types.md.
"""

from connectors.records.fields import Amount, IdNumber, Ratio, Record, UsccCode
from connectors.records.models import (
    PUBLICITY_MONTHS,
    AddressRecord,
    ClassificationRecord,
    DeclarationRecord,
    EnterpriseRecord,
    FilingRecord,
    LegalRepresentativeRecord,
    ListEntryRecord,
    ListRemovalRecord,
    LoanRecord,
    OfficerRecord,
    OrderRecord,
    OverseasWarehouseRecord,
    Party,
    PaymentRecord,
    PenaltyRecord,
    PenaltyRepairRecord,
    PersonRecord,
    PhoneRecord,
    ShareholdingRecord,
    TaxRefundRecord,
    TradePaymentRecord,
    WaybillRecord,
)
from connectors.records.registry import (
    ALL_DEPARTMENTS,
    LIST_DEPARTMENT,
    RECORD_TYPES,
    DepartmentCheck,
    RecordType,
    get_record_type,
)
from connectors.records.rows import Row, RowContext
from connectors.records.validation import RecordError, validate_records

__all__ = [
    "ALL_DEPARTMENTS",
    "LIST_DEPARTMENT",
    "PUBLICITY_MONTHS",
    "RECORD_TYPES",
    "AddressRecord",
    "Amount",
    "ClassificationRecord",
    "DeclarationRecord",
    "DepartmentCheck",
    "EnterpriseRecord",
    "FilingRecord",
    "IdNumber",
    "LegalRepresentativeRecord",
    "ListEntryRecord",
    "ListRemovalRecord",
    "LoanRecord",
    "OfficerRecord",
    "OrderRecord",
    "OverseasWarehouseRecord",
    "Party",
    "PaymentRecord",
    "PenaltyRecord",
    "PenaltyRepairRecord",
    "PersonRecord",
    "PhoneRecord",
    "Ratio",
    "Record",
    "RecordError",
    "RecordType",
    "Row",
    "RowContext",
    "ShareholdingRecord",
    "TaxRefundRecord",
    "TradePaymentRecord",
    "UsccCode",
    "WaybillRecord",
    "get_record_type",
    "validate_records",
]
