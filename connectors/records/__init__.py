"""The record types agencies send through signed connector batches (SPEC section 4).

One frozen pydantic model per record type (`connectors.records.models`), named
`<domain>.<name>@<version>` in `RECORD_TYPES` (`connectors.records.registry`), which declares
beside each model what its records name and how far their change reaches (`subjects`) and
where the rows of its statement differ from the model (`rows`); `validate_records` checks a
batch's records and says what is wrong with each invalid one; `RecordType.to_rows` builds the
rows of the Cypher statement that writes them (`graph_schema.writes.UPSERTS`, or
`connectors.cypher.UPDATES` for removals, repairs, objection resolutions and repair
decisions) from the
records themselves. See docs/connectors-record-types.md.
"""

from connectors.records.fields import Amount, IdNumber, Ratio, Record, UsccCode
from connectors.records.models import (
    AddressRecord,
    ClassificationRecord,
    DeclarationRecord,
    EnterpriseRecord,
    FilingRecord,
    InventoryRecord,
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
    RepairDecisionRecord,
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
from connectors.records.rows import Row, RowContext, RowShape
from connectors.records.subjects import Reach, Subjects
from connectors.records.validation import RecordError, validate_records

__all__ = [
    "ALL_DEPARTMENTS",
    "LIST_DEPARTMENT",
    "RECORD_TYPES",
    "AddressRecord",
    "Amount",
    "ClassificationRecord",
    "DeclarationRecord",
    "DepartmentCheck",
    "EnterpriseRecord",
    "FilingRecord",
    "IdNumber",
    "InventoryRecord",
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
    "Reach",
    "Record",
    "RecordError",
    "RecordType",
    "RepairDecisionRecord",
    "Row",
    "RowContext",
    "RowShape",
    "ShareholdingRecord",
    "Subjects",
    "TaxRefundRecord",
    "TradePaymentRecord",
    "UsccCode",
    "WaybillRecord",
    "get_record_type",
    "validate_records",
]
