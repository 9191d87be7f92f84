"""Connector record types: validation, plain-word errors, rows as graph_schema.writes wants them.

No database: the row shapes are checked against the `row.*` references of the Cypher statement
each record type names, and against the properties written down here for each statement.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from connectors.cypher import STATEMENTS, UPDATES
from connectors.records import (
    LIST_DEPARTMENT,
    RECORD_TYPES,
    RecordError,
    RecordType,
    RowContext,
    get_record_type,
    validate_records,
)
from connectors.records.fields import _phone
from connectors.records.models import ShareholdingRecord
from connectors.records.rows import RowShape, RowWriter
from graph_schema import model as gm
from graph_schema.identity import id_check_digit, mask_id_number, normalise_phone, person_key
from graph_schema.schemes import SCHEME_DEPARTMENT
from graph_schema.uscc import UsccError, make_uscc, validate_uscc
from graph_schema.writes import UPSERTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "connectors-record-types.md"
SECRET = b"test-person-secret"

USCC_A = make_uscc("9", "1", "410100", "MA44K7XB")
USCC_B = make_uscc("9", "1", "410100", "MA9GTJ2L")
ID_1 = "41010219850317442" + id_check_digit("41010219850317442")
ID_2 = "41070219790902101" + id_check_digit("41070219790902101")
BAD_USCC = USCC_A[:-1] + ("0" if USCC_A[-1] != "0" else "1")
BAD_ID = ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")


def ctx_for(department: gm.Department) -> RowContext:
    return RowContext(
        source=f"conn-{department.value.lower()}",
        batch="0b6f4a3e-batch",
        department=department,
        person_secret=SECRET,
    )


def load_examples() -> list[tuple[str, dict[str, Any]]]:
    """The `<!-- example: TYPE -->` + ```json blocks of the record-types doc."""
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\S+) -->\n```json\n(.*?)\n```", text, flags=re.S)
    return [(name, json.loads(body)) for name, body in found]


EXAMPLES: dict[str, dict[str, Any]] = dict(load_examples())


def sender(record_type: RecordType, record: dict[str, Any]) -> gm.Department:
    """A department that may send `record` (its scheme's or list's keeper where one is)."""
    if record_type.name == "classification@1":
        return SCHEME_DEPARTMENT[gm.ClassificationScheme(record["scheme"])]
    if record_type.name == "list.entry@1":
        keeper = LIST_DEPARTMENT.get(gm.ListKind(record["list"]))
        if keeper is not None:
            return keeper
    return sorted(record_type.departments)[0]


def valid(name: str, **changes: Any) -> dict[str, Any]:
    return {**EXAMPLES[name], **changes}


def rejected(
    name: str, records: list[dict[str, Any]], department: gm.Department | None = None
) -> list[RecordError]:
    record_type = RECORD_TYPES[name]
    _, errors = validate_records(
        record_type, records, department or sender(record_type, EXAMPLES[name])
    )
    assert errors, f"{name}: expected a rejection"
    return errors


def only(errors: list[RecordError]) -> RecordError:
    assert len(errors) == 1, errors
    return errors[0]


# --- the registry --------------------------------------------------------------------------


def test_every_record_type_is_named_by_its_key_and_model() -> None:
    assert len(RECORD_TYPES) == 27
    for name, record_type in RECORD_TYPES.items():
        assert record_type.name == name
        assert re.fullmatch(r"[a-z]+(\.[a-z_]+)?@[0-9]+", name), name
        assert name == record_type.model.TYPE
        assert record_type.departments
    assert get_record_type("bank.loan@1") is RECORD_TYPES["bank.loan@1"]
    with pytest.raises(KeyError, match="unknown record type"):
        get_record_type("bank.loan@2")


def test_every_upsert_names_an_existing_statement() -> None:
    for record_type in RECORD_TYPES.values():
        assert record_type.upsert in UPSERTS or record_type.upsert in UPDATES, record_type.name
        assert record_type.upsert in STATEMENTS
    assert set(UPDATES).isdisjoint(UPSERTS)


def test_who_may_send_what() -> None:
    d = gm.Department
    assert RECORD_TYPES["customs.declaration@1"].departments == {d.CUSTOMS}
    assert all(
        t.departments == {d.SAMR} for name, t in RECORD_TYPES.items() if name.startswith("samr.")
    )
    for name in (
        "filing@1",
        "penalty@1",
        "list.entry@1",
        "list.removal@1",
        "penalty.repair@1",
        "objection.resolution@1",
        "repair.decision@1",
    ):
        assert RECORD_TYPES[name].departments == set(d)
    assert RECORD_TYPES["classification@1"].departments == {d.CUSTOMS, d.TAX, d.SAFE}
    assert RECORD_TYPES["tax.refund@1"].departments == {d.TAX}
    assert not RECORD_TYPES["customs.declaration@1"].allows(d.TAX)
    with pytest.raises(ValueError, match=r"TAX may not send customs\.declaration@1"):
        validate_records(
            RECORD_TYPES["customs.declaration@1"],
            [EXAMPLES["customs.declaration@1"]],
            d.TAX,
        )


# --- the documented examples -----------------------------------------------------------------


def test_the_doc_has_one_example_per_record_type() -> None:
    names = [name for name, _ in load_examples()]
    assert sorted(names) == sorted(RECORD_TYPES)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", sorted(RECORD_TYPES))
def test_every_doc_example_validates(name: str) -> None:
    record_type = RECORD_TYPES[name]
    models, errors = validate_records(
        record_type, [EXAMPLES[name]], sender(record_type, EXAMPLES[name])
    )
    assert errors == []
    assert len(models) == 1
    assert isinstance(models[0], record_type.model)


# --- rows --------------------------------------------------------------------------------------

LINEAGE = {"source", "batch"}
PERIOD = {"since", "until", *LINEAGE}

# The properties each statement's `props` holds for its record type's documented example.
PROPS: dict[str, set[str]] = {
    "enterprises": {
        "uscc",
        "name",
        "nameEn",
        "zone",
        "industryBelt",
        "registeredOn",
        "status",
        "statusSince",
        *LINEAGE,
    },
    "persons": {"personKey", "name", "idMasked", *LINEAGE},
    "legal_representatives": PERIOD,
    "officers": {"role", *PERIOD},
    "shareholdings": {"ratio", *PERIOD},
    "addresses": {"key", "text", *LINEAGE},
    "phones": {"number", *LINEAGE},
    "filings": {"id", "kind", "filedOn", "filedWith", "documentNo", "title", *LINEAGE},
    "penalties": {
        "id",
        "department",
        "caseNo",
        "severity",
        "amountCny",
        "decidedOn",
        "publicUntil",
        *LINEAGE,
    },
    "list_entries": {
        "id",
        "list",
        "department",
        "listedOn",
        "expiresOn",
        "reason",
        "basis",
        *LINEAGE,
    },
    "classifications": {
        "id",
        "department",
        "scheme",
        "value",
        "effectiveFrom",
        "effectiveTo",
        *LINEAGE,
    },
    "declarations": {
        "id",
        "mode",
        "direction",
        "declaredOn",
        "valueCny",
        "destination",
        "hsCode",
        *LINEAGE,
    },
    "returns": {"id", "declarationId", "returnedOn", "valueCny", "reason", *LINEAGE},
    "orders": {
        "id",
        "orderedOn",
        "direction",
        "ebpCode",
        "ebcCode",
        "goodsCny",
        "freightCny",
        "taxCny",
        "discountCny",
        "buyerName",
        "consigneeName",
        "consigneePhone",
        "consigneeAddress",
        *LINEAGE,
    },
    "payments": {
        "id",
        "orderId",
        "paidOn",
        "amountCny",
        "payerName",
        "payCode",
        "payFirmUscc",
        "ebpCode",
        "ebcCode",
        *LINEAGE,
    },
    "waybills": {
        "id",
        "orderId",
        "shippedOn",
        "carrier",
        "logisticsCode",
        "carrierUscc",
        "consigneeName",
        "consigneePhone",
        "consigneeAddress",
        *LINEAGE,
    },
    "inventories": {
        "id",
        "orderId",
        "direction",
        "tradeMode",
        "declaredOn",
        "ebpCode",
        "ebcCode",
        "logisticsCode",
        "logisticsNo",
        "goodsCny",
        "freightCny",
        "buyerName",
        "buyerPhone",
        "consigneeAddress",
        *LINEAGE,
    },
    "overseas_warehouses": {
        "id",
        "name",
        "country",
        "city",
        "stockValueCny",
        "stockAsOf",
        *LINEAGE,
    },
    "tax_refunds": {"id", "claimedOn", "amountCny", "status", "paidOn", *LINEAGE},
    "loans": {"id", "lender", "amountCny", "grantedOn", "dueOn", "status", *LINEAGE},
    "trade_payments": {"id", "paidOn", "amountCny", *LINEAGE},
    "export_receipts": {
        "id",
        "receivedOn",
        "amount",
        "currency",
        "amountCny",
        "payerCountry",
        "bank",
        "bankUscc",
        "declarationId",
        "orderId",
        *LINEAGE,
    },
    "supervised_premises": {
        "id",
        "operatorUscc",
        "kind",
        "name",
        "customsCode",
        "approvedOn",
        "status",
        "validUntil",
        *LINEAGE,
    },
    "penalty_repairs": {"repairedOn", *LINEAGE},
    "list_removals": {"removedOn", "reason", *LINEAGE},
    "objection_resolutions": {"outcome", "resolvedOn", "reason", *LINEAGE},
    "repair_decisions": {"outcome", "decidedOn", "reason", *LINEAGE},
}


def rows_of(
    name: str,
    records: list[dict[str, Any]] | None = None,
    department: gm.Department | None = None,
) -> list[dict[str, Any]]:
    record_type = RECORD_TYPES[name]
    records = records if records is not None else [EXAMPLES[name]]
    department = department or sender(record_type, records[0])
    models, errors = validate_records(record_type, records, department)
    assert errors == []
    return record_type.to_rows(models, ctx_for(department))


@pytest.mark.parametrize("name", sorted(RECORD_TYPES))
def test_rows_have_the_shape_of_the_statement(name: str) -> None:
    record_type = RECORD_TYPES[name]
    statement = STATEMENTS[record_type.upsert]
    department = sender(record_type, EXAMPLES[name])
    (row,) = rows_of(name)
    # Every row.X and row.props.X the Cypher reads is in the row, and the row has nothing else.
    top = set(re.findall(r"\brow\.(\w+)", statement))
    assert set(row) == top, (set(row), top)
    for key in re.findall(r"\brow\.props\.(\w+)", statement):
        assert key in row["props"], key
    # Lineage everywhere, as the batch context says.
    context = ctx_for(department)
    for part in ("props", "rel"):
        if part in row:
            assert row[part]["source"] == context.source
            assert row[part]["batch"] == context.batch
    # The props (and rel) hold what is written down above, and nothing else.
    assert set(row["props"]) == PROPS[record_type.upsert]
    if "rel" in row:
        assert set(row["rel"]) == PERIOD
    # Only Neo4j-friendly values: no Decimal, no enum members, no models.
    for value in _values(row):
        assert type(value) in (str, int, float, bool, dt.date, type(None)), (name, value)


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


PERSON_TYPES = (
    "samr.person@1",
    "samr.legal_representative@1",
    "samr.officer@1",
    "list.entry@1",
)


def test_rows_never_hold_a_clear_id_number() -> None:
    shareholding = valid("samr.shareholding@1", holder={"idNumber": ID_2})
    all_rows = [rows_of(name) for name in PERSON_TYPES]
    all_rows.append(rows_of("samr.shareholding@1", [shareholding]))
    dumped = repr(all_rows)
    for id_number in (ID_1, ID_2):
        assert id_number not in dumped
        assert id_number[:17] not in dumped
    (person,) = rows_of("samr.person@1")
    assert re.fullmatch(r"[0-9a-f]{64}", person["props"]["personKey"])
    assert person["props"]["personKey"] == person_key(ID_1, SECRET)
    assert person["props"]["idMasked"] == mask_id_number(ID_1)
    (rep,) = rows_of("samr.legal_representative@1")
    assert rep["personKey"] == person_key(ID_1, SECRET)
    (share,) = rows_of("samr.shareholding@1", [shareholding])
    assert share["holderKind"] == "PERSON"
    assert share["holder"] == person_key(ID_2, SECRET)
    assert re.fullmatch(r"[0-9a-f]{64}", share["holder"])
    (entry,) = rows_of("list.entry@1")
    assert entry["subjectKind"] == "PERSON"
    assert entry["subject"] == person_key(ID_2, SECRET)


def test_records_and_context_keep_secrets_out_of_their_repr() -> None:
    models, _ = validate_records(
        RECORD_TYPES["samr.person@1"], [EXAMPLES["samr.person@1"]], gm.Department.SAMR
    )
    shares, _ = validate_records(
        RECORD_TYPES["samr.shareholding@1"],
        [valid("samr.shareholding@1", holder={"idNumber": ID_2})],
        gm.Department.SAMR,
    )
    assert ID_1 not in repr(models) and ID_1 not in str(models)
    assert ID_2 not in repr(shares)
    assert SECRET.decode() not in repr(ctx_for(gm.Department.SAMR))


def test_enterprise_holder_and_subject_rows_use_the_uscc() -> None:
    (share,) = rows_of("samr.shareholding@1")
    assert share == {
        "holderKind": "ENTERPRISE",
        "holder": USCC_B,
        "uscc": USCC_A,
        "props": {
            "ratio": 0.51,
            "since": dt.date(2021, 3, 1),
            "until": None,
            "source": "conn-samr",
            "batch": "0b6f4a3e-batch",
        },
    }
    entry = valid("list.entry@1", subject={"uscc": USCC_A.lower()})
    (row,) = rows_of("list.entry@1", [entry])
    assert (row["subjectKind"], row["subject"]) == ("ENTERPRISE", USCC_A)


def test_rows_carry_the_batch_department_and_normalised_keys() -> None:
    (penalty,) = rows_of("penalty@1", department=gm.Department.CUSTOMS)
    assert penalty["props"]["department"] == "CUSTOMS"
    assert penalty["props"]["amountCny"] == 25000.0
    assert "repairedOn" not in penalty["props"]  # a resend must not erase a repair
    repaired = valid("penalty@1", repairedOn="2024-08-01")
    (row,) = rows_of("penalty@1", [repaired])
    assert row["props"]["repairedOn"] == dt.date(2024, 8, 1)
    (classification,) = rows_of("classification@1")
    assert classification["props"]["department"] == "TAX"
    (entry,) = rows_of("list.entry@1")
    assert entry["props"]["department"] == "COURT"
    assert "removedOn" not in entry["props"]  # removal is its own record
    (phone,) = rows_of("samr.phone@1")
    assert phone["props"]["number"] == "037165881234"
    (address,) = rows_of("samr.address@1")
    assert address["props"]["key"] == "no. 88 jingsan road, jinshui district, zhengzhou, henan"
    assert address["props"]["text"] == EXAMPLES["samr.address@1"]["address"]
    (order,) = rows_of("trade.order@1")
    assert order["props"]["consigneePhone"] == "+14155550134"
    (filing,) = rows_of("filing@1")
    assert filing["sharedWith"] == ["CUSTOMS", "TAX", "SAFE", "COMMERCE"]
    (removal,) = rows_of("list.removal@1", department=gm.Department.COURT)
    assert removal["department"] == "COURT"
    assert removal["props"]["removedOn"] == dt.date(2025, 9, 30)
    (resolution,) = rows_of("objection.resolution@1", department=gm.Department.COURT)
    assert resolution == {
        "id": "LST-COURT-2025-0007",
        "department": "COURT",
        "props": {
            "outcome": "REMOVED",
            "resolvedOn": dt.date(2025, 10, 15),
            "reason": "the judgment debtor was another enterprise of the same name",
            "source": "conn-court",
            "batch": "0b6f4a3e-batch",
        },
    }


def test_a_row_shape_must_fit_its_model() -> None:
    """A shape is compiled when its record type is registered: a field the model lacks, or a
    nested model left for `props`, fails then, never on a batch."""
    assert RowWriter(ShareholdingRecord, RowShape(row=("uscc",), derived=("holder",)))
    with pytest.raises(ValueError, match=r"ShareholdingRecord has no field\(s\) usc"):
        RowWriter(ShareholdingRecord, RowShape(row=("usc",), derived=("holder",)))
    with pytest.raises(TypeError, match="field holder is a model"):
        RowWriter(ShareholdingRecord, RowShape(row=("uscc",)))
    with pytest.raises(ValueError, match="placed twice"):
        RowWriter(ShareholdingRecord, RowShape(row=("uscc",), rel=("uscc",), derived=("holder",)))


# --- rejections --------------------------------------------------------------------------------


def test_bad_uscc_names_the_rule() -> None:
    with pytest.raises(UsccError) as caught:
        validate_uscc(BAD_USCC)
    records = [valid("customs.declaration@1"), valid("customs.declaration@1", uscc=BAD_USCC)]
    error = only(rejected("customs.declaration@1", records))
    assert (error.index, error.field) == (1, "uscc")
    assert str(caught.value) in error.reason
    assert str(error) == f"records[1].uscc: {error.reason}"


def test_negative_amount() -> None:
    error = only(rejected("customs.declaration@1", [valid("customs.declaration@1", valueCny=-5)]))
    assert (error.index, error.field, error.reason) == (0, "valueCny", "must not be negative")


def test_three_decimals() -> None:
    error = only(rejected("trade.order@1", [valid("trade.order@1", goodsCny="389.001")]))
    assert (error.index, error.field) == (0, "goodsCny")
    assert error.reason == "must have at most 2 decimal places"


def test_unknown_field() -> None:
    error = only(rejected("bank.loan@1", [valid("bank.loan@1", interestRate="0.035")]))
    assert (error.index, error.field) == (0, "interestRate")
    assert "not a field" in error.reason


def test_minor_penalty_with_public_until() -> None:
    record = valid("penalty@1", severity="MINOR")
    error = only(rejected("penalty@1", [record]))
    assert (error.index, error.field) == (0, "publicUntil")
    assert "MINOR" in error.reason and "absent" in error.reason
    fine = {k: v for k, v in record.items() if k != "publicUntil"}
    assert validate_records(RECORD_TYPES["penalty@1"], [fine], gm.Department.TAX)[1] == []


@pytest.mark.parametrize(
    ("severity", "decided_on", "public_until", "ok"),
    [
        # NDRC Order 36 (decided from 2026-04-01): general 3 months to 1 year, serious 1 to 3
        ("GENERAL", "2026-05-15", "2026-08-15", True),  # 3 months after 2026-05-15
        ("GENERAL", "2026-05-15", "2026-08-14", False),
        ("GENERAL", "2026-05-15", "2027-05-15", True),  # 1 year
        ("GENERAL", "2026-05-15", "2027-05-16", False),
        ("SERIOUS", "2026-05-15", "2027-05-14", False),
        ("SERIOUS", "2026-05-15", "2027-05-15", True),
        ("SERIOUS", "2026-05-15", "2029-05-15", True),  # 3 years
        ("SERIOUS", "2026-05-15", "2029-05-16", False),
        ("GENERAL", "2026-05-15", None, False),
        ("SERIOUS", "2026-05-15", "2026-05-01", False),  # before decidedOn
        # NDRC Order 58 of 2023 (decided until 2026-03-31): 3 months to 3 years for both
        ("GENERAL", "2024-03-15", "2027-03-15", True),
        ("GENERAL", "2024-03-15", "2027-03-16", False),
        ("SERIOUS", "2024-03-15", "2024-06-15", True),
        ("SERIOUS", "2024-03-15", "2024-06-14", False),
    ],
)
def test_penalty_publicity_bounds(
    severity: str, decided_on: str, public_until: str | None, ok: bool
) -> None:
    record = valid("penalty@1", severity=severity, decidedOn=decided_on, publicUntil=public_until)
    _, errors = validate_records(RECORD_TYPES["penalty@1"], [record], gm.Department.CUSTOMS)
    if ok:
        assert errors == []
    else:
        error = only(errors)
        assert (error.index, error.field) == (0, "publicUntil")


def test_a_resolution_must_resolve() -> None:
    error = only(
        rejected("objection.resolution@1", [valid("objection.resolution@1", outcome="PENDING")])
    )
    assert error.field == "outcome" and "not a resolution" in error.reason


def test_penalty_repaired_before_decided() -> None:
    error = only(rejected("penalty@1", [valid("penalty@1", repairedOn="2024-03-14")]))
    assert (error.field, error.reason) == (
        "repairedOn",
        "2024-03-14 is before decidedOn 2024-03-15",
    )


def test_customs_may_not_send_tax_grades() -> None:
    records = [
        valid("classification@1", scheme="CUSTOMS_CREDIT", value="ROUTINE"),
        valid("classification@1"),  # TAX_CREDIT B
    ]
    error = only(rejected("classification@1", records, gm.Department.CUSTOMS))
    assert (error.index, error.field) == (1, "scheme")
    assert "TAX_CREDIT" in error.reason and "CUSTOMS" in error.reason
    _, errors = validate_records(RECORD_TYPES["classification@1"], records[1:], gm.Department.TAX)
    assert errors == []


def test_classification_value_outside_its_scheme() -> None:
    record = valid("classification@1", value="ROUTINE")  # a customs tier, not a tax grade
    error = only(rejected("classification@1", [record], gm.Department.TAX))
    assert (error.index, error.field) == (0, "value")
    assert "TAX_CREDIT" in error.reason and "A, B, M, C, D" in error.reason


def test_list_kept_by_another_department() -> None:
    record = valid("list.entry@1", list="TAX_MAJOR_VIOLATION")
    error = only(rejected("list.entry@1", [record], gm.Department.CUSTOMS))
    assert (error.index, error.field) == (0, "list")
    assert "TAX" in error.reason
    red = valid("list.entry@1", list="RED_LIST")
    assert validate_records(RECORD_TYPES["list.entry@1"], [red], gm.Department.COMMERCE)[1] == []


def test_paid_refund_without_paid_on() -> None:
    record = {k: v for k, v in EXAMPLES["tax.refund@1"].items() if k != "paidOn"}
    error = only(rejected("tax.refund@1", [record]))
    assert (error.index, error.field, error.reason) == (
        0,
        "paidOn",
        "is required when status is PAID",
    )
    claimed = valid("tax.refund@1", status="CLAIMED")
    error = only(rejected("tax.refund@1", [claimed]))
    assert (error.field, error.reason) == ("paidOn", "must be absent when status is CLAIMED")


def test_loan_due_before_granted() -> None:
    error = only(rejected("bank.loan@1", [valid("bank.loan@1", dueOn="2025-01-19")]))
    assert (error.index, error.field) == (0, "dueOn")
    assert "before grantedOn 2025-01-20" in error.reason


def test_payer_is_payee() -> None:
    record = valid("bank.trade_payment@1", payeeUscc=USCC_A.lower())
    error = only(rejected("bank.trade_payment@1", [record]))
    assert (error.index, error.field, error.reason) == (
        0,
        "payeeUscc",
        "must differ from payerUscc",
    )


RECEIPT = "fx.export_receipt@1"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (
            {"payerCountry": "CN"},
            "payerCountry",
            "a cross-border receipt comes from abroad, not CN",
        ),
        (
            {"currency": "CNY", "amount": "1000.00", "amountCny": "1000.01"},
            "amountCny",
            "must equal amount 1000.00 when currency is CNY",
        ),
        (
            {"orderId": "ORD-1"},
            "orderId",
            "a receipt settles one declaration or one order, not both",
        ),
        ({"currency": "usd1"}, "currency", "must match the pattern ^[A-Z]{3}$"),
        ({"amount": "0"}, "amount", "must be greater than 0"),
        ({"amountCny": "0.00"}, "amountCny", "must be greater than 0"),
    ],
)
def test_an_impossible_export_receipt_is_refused(
    changes: dict[str, Any], field: str, reason: str
) -> None:
    error = only(rejected(RECEIPT, [valid(RECEIPT, **changes)]))
    assert (error.field, error.reason) == (field, reason)


@pytest.mark.parametrize(
    "changes",
    [
        {"payerCountry": "RU", "currency": "CNY", "amount": "1000.00", "amountCny": "1000.00"},
        {"declarationId": None, "orderId": "ORD-1"},  # a retail export collected per order
        {"declarationId": None},  # an advance receipt, before the goods are declared
        {"currency": "eur"},  # upper-cased, as a USCC is
    ],
)
def test_the_possible_twins_of_an_export_receipt_are_accepted(changes: dict[str, Any]) -> None:
    _, errors = validate_records(
        RECORD_TYPES[RECEIPT], [valid(RECEIPT, **changes)], gm.Department.SAFE
    )
    assert errors == []


def test_a_receipt_comes_from_safe_or_the_bank() -> None:
    assert RECORD_TYPES[RECEIPT].departments == {gm.Department.SAFE, gm.Department.BANK}


@pytest.mark.parametrize(
    ("ratio", "reason"),
    [
        (0, "must be greater than 0"),
        (1.01, "must be at most 1"),
        ("-0.2", "must be greater than 0"),
    ],
)
def test_ratio_out_of_range(ratio: object, reason: str) -> None:
    error = only(rejected("samr.shareholding@1", [valid("samr.shareholding@1", ratio=ratio)]))
    assert (error.index, error.field, error.reason) == (0, "ratio", reason)
    assert (
        validate_records(
            RECORD_TYPES["samr.shareholding@1"],
            [valid("samr.shareholding@1", ratio=1)],
            gm.Department.SAMR,
        )[1]
        == []
    )


def test_enterprise_cannot_hold_itself() -> None:
    record = valid("samr.shareholding@1", holder={"uscc": USCC_A})
    error = only(rejected("samr.shareholding@1", [record]))
    assert (error.field, error.reason) == (
        "holder.uscc",
        "an enterprise cannot be its own shareholder",
    )


def test_holder_must_be_exactly_one_party() -> None:
    both = valid("samr.shareholding@1", holder={"uscc": USCC_B, "idNumber": ID_1})
    neither = valid("samr.shareholding@1", holder={})
    errors = rejected("samr.shareholding@1", [both, neither])
    assert [(e.index, e.field) for e in errors] == [(0, "holder"), (1, "holder")]
    assert "exactly one" in errors[0].reason


def test_bad_id_number_check_digit() -> None:
    records = [valid("samr.person@1"), valid("samr.person@1", idNumber=BAD_ID)]
    error = only(rejected("samr.person@1", records))
    assert (error.index, error.field) == (1, "idNumber")
    assert "check digit" in error.reason
    assert BAD_ID not in repr(error) and BAD_ID[:17] not in repr(error)
    nested = valid("samr.shareholding@1", holder={"idNumber": BAD_ID})
    error = only(rejected("samr.shareholding@1", [nested]))
    assert (error.field, BAD_ID in error.reason) == ("holder.idNumber", False)


def test_every_invalid_record_and_every_problem_is_listed() -> None:
    records: list[object] = [
        valid("customs.declaration@1"),
        valid("customs.declaration@1", valueCny="1.234", hsCode="85", mode="9999"),
        valid("customs.declaration@1"),
        {k: v for k, v in EXAMPLES["customs.declaration@1"].items() if k != "declaredOn"},
        "not a record",
        valid("customs.declaration@1", declaredOn="2025-02-30", destination="usa"),
    ]
    models, errors = validate_records(
        RECORD_TYPES["customs.declaration@1"], records, gm.Department.CUSTOMS
    )
    assert len(models) == 2  # the valid ones
    assert sorted((e.index, e.field) for e in errors) == [
        (1, "hsCode"),
        (1, "mode"),
        (1, "valueCny"),
        (3, "declaredOn"),
        (4, ""),
        (5, "declaredOn"),
        (5, "destination"),
    ]
    reasons = {(e.index, e.field): e.reason for e in errors}
    assert reasons[(1, "hsCode")] == "must be an HS code of 6 to 10 digits"
    assert reasons[(1, "mode")] == "must be one of '9610', '9710', '9810' or '1210'"
    assert reasons[(3, "declaredOn")] == "is required"
    assert reasons[(4, "")] == "must be an object"
    assert reasons[(5, "declaredOn")] == "must be a date as YYYY-MM-DD"
    assert "ISO 3166-1" in reasons[(5, "destination")]
    assert [e.index for e in errors] == sorted(e.index for e in errors)


def test_period_and_date_order_rules() -> None:
    error = only(rejected("samr.officer@1", [valid("samr.officer@1", until="2019-06-17")]))
    assert (error.field, error.reason) == ("until", "2019-06-17 is before since 2019-06-18")
    error = only(rejected("list.entry@1", [valid("list.entry@1", expiresOn="2025-01-01")]))
    assert error.field == "expiresOn"
    error = only(
        rejected(
            "commerce.overseas_warehouse@1", [valid("commerce.overseas_warehouse@1", country="CN")]
        )
    )
    assert (error.field, error.reason) == ("country", "an overseas warehouse cannot be in CN")


def test_order_discount_and_phone() -> None:
    record = valid("trade.order@1", direction="IMPORT", discountCny="500.00")
    error = only(rejected("trade.order@1", [record]))
    assert (error.field, error.reason) == (
        "discountCny",
        "500.00 exceeds goods + freight + tax 434.50",
    )
    error = only(rejected("trade.order@1", [valid("trade.order@1", consigneePhone="call me")]))
    assert error.field == "consigneePhone"


@given(st.text(alphabet="+0123456789 -()ab\uff10\uff11\uff0b\u3000", max_size=24))
def test_phone_fast_path_is_normalise_phone(text: str) -> None:
    try:
        expected = normalise_phone(text)
    except ValueError:
        with pytest.raises(ValueError):
            _phone(text)
    else:
        assert _phone(text) == expected


def test_filing_departments() -> None:
    error = only(rejected("filing@1", [valid("filing@1", sharedWith=["TAX", "TAX"])]))
    assert (error.field, error.reason) == ("sharedWith", "lists a department more than once")
    error = only(rejected("filing@1", [valid("filing@1", sharedWith=["TAX", "POLICE"])]))
    assert error.field == "sharedWith.1"


def test_models_are_frozen_and_take_snake_case_names() -> None:
    model = RECORD_TYPES["bank.loan@1"].model
    loan = model(
        id="L-1",
        uscc=USCC_A,
        lender="Bank",
        amount_cny="10.00",
        granted_on=dt.date(2025, 1, 1),
        due_on=dt.date(2025, 2, 1),
        status="CURRENT",
    )
    with pytest.raises(ValidationError):
        loan.amount_cny = 5
