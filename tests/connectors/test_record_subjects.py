"""What each record type says its records touch: the subjects and the reach of the registry.

No database. Each record type's documented example (the `<!-- example: TYPE -->` blocks of
docs/connectors-record-types.md) must name exactly the enterprises, persons and facts written
down here, and every registered type must have its declaration and its written expectation.
The pipeline's outcome carries the union over a batch's records and its type's reach; the
credit engine re-rates from them (tests/connectors/test_incremental_rating.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from connectors.records.registry import LIST_DEPARTMENT, RECORD_TYPES, RecordType
from connectors.records.rows import RowContext
from connectors.records.subjects import Reach, Subjects
from connectors.records.validation import validate_records
from graph_schema.identity import person_key
from graph_schema.model import ClassificationScheme, Department, ListKind
from graph_schema.schemes import SCHEME_DEPARTMENT

DOC = Path(__file__).resolve().parents[2] / "docs" / "connectors-record-types.md"
SECRET = b"test-person-secret"

ENTERPRISE = "91410100MA44K7XB66"  # the examples' enterprise
HOLDER = "91410100MA9GTJ2L2D"  # the shareholding example's holding enterprise
PAYEE = "91410100MA3RLN8PXN"  # the trade payment example's payee (the payer is ENTERPRISE)
WANG_LI = "410102198503174426"  # the person, legal representative examples' person
OFFICER = "410702197909021014"  # the officer and list entry examples' person


def key(id_number: str) -> str:
    return person_key(id_number, SECRET)


def enterprises(*usccs: str) -> Subjects:
    return Subjects(usccs=frozenset(usccs))


def facts(*ids: str) -> Subjects:
    return Subjects(fact_ids=frozenset(ids))


EXPECTED: dict[str, tuple[Subjects, Reach]] = {
    "samr.enterprise@1": (enterprises(ENTERPRISE), Reach.OWN),
    "samr.person@1": (Subjects(person_keys=frozenset({key(WANG_LI)})), Reach.OWN),
    "samr.legal_representative@1": (
        Subjects(frozenset({ENTERPRISE}), frozenset({key(WANG_LI)})),
        Reach.NETWORK,
    ),
    "samr.officer@1": (
        Subjects(frozenset({ENTERPRISE}), frozenset({key(OFFICER)})),
        Reach.NETWORK,
    ),
    "samr.shareholding@1": (enterprises(ENTERPRISE, HOLDER), Reach.NETWORK),
    "samr.address@1": (enterprises(ENTERPRISE), Reach.NETWORK),
    "samr.phone@1": (enterprises(ENTERPRISE), Reach.OWN),
    "filing@1": (enterprises(ENTERPRISE), Reach.OWN),
    "penalty@1": (enterprises(ENTERPRISE), Reach.OWN),
    "penalty.repair@1": (facts("PEN-ZZ-CUSTOMS-2024-00042"), Reach.OWN),
    "list.entry@1": (Subjects(person_keys=frozenset({key(OFFICER)})), Reach.NETWORK),
    "list.removal@1": (facts("LST-COURT-2025-0007"), Reach.NETWORK),
    "objection.resolution@1": (facts("LST-COURT-2025-0007"), Reach.NETWORK),
    # the application, whose enterprise the hub finds
    "repair.decision@1": (facts("6f1c2b9e-4d3a-4f57-9a1e-2c8b7d5e0a13"), Reach.OWN),
    "classification@1": (enterprises(ENTERPRISE), Reach.OWN),
    "customs.declaration@1": (enterprises(ENTERPRISE), Reach.OWN),
    "customs.return@1": (enterprises(ENTERPRISE), Reach.OWN),
    "trade.order@1": (enterprises(ENTERPRISE), Reach.OWN),
    "trade.payment@1": (facts("ORD-2025-0000981"), Reach.OWN),  # the order's seller
    "logistics.waybill@1": (facts("ORD-2025-0000981"), Reach.OWN),
    "customs.inventory@1": (facts("ORD-2025-0000981"), Reach.OWN),
    "commerce.overseas_warehouse@1": (enterprises(ENTERPRISE), Reach.OWN),
    "tax.refund@1": (enterprises(ENTERPRISE), Reach.OWN),
    "bank.loan@1": (enterprises(ENTERPRISE), Reach.OWN),
    "bank.trade_payment@1": (enterprises(ENTERPRISE, PAYEE), Reach.OWN),
    "fx.export_receipt@1": (enterprises(ENTERPRISE), Reach.OWN),
    "customs.premises@1": (enterprises(PAYEE), Reach.OWN),  # its operator
}
"""Each record type's example: what it names, and how far its change reaches."""


def examples() -> dict[str, dict[str, Any]]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\S+) -->\n```json\n(.*?)\n```", text, flags=re.S)
    return {name: json.loads(body) for name, body in found}


EXAMPLES = examples()


def sender(record_type: RecordType, record: dict[str, Any]) -> Department:
    """A department that may send `record` (its scheme's or list's keeper where one is)."""
    if record_type.name == "classification@1":
        return SCHEME_DEPARTMENT[ClassificationScheme(record["scheme"])]
    if record_type.name == "list.entry@1":
        keeper = LIST_DEPARTMENT.get(ListKind(record["list"]))
        if keeper is not None:
            return keeper
    return sorted(record_type.departments)[0]


def named_by(name: str, records: list[dict[str, Any]]) -> Subjects:
    record_type = RECORD_TYPES[name]
    models, errors = validate_records(record_type, records, sender(record_type, records[0]))
    assert errors == []
    return record_type.subjects_of(models, key)


def test_every_registered_type_declares_its_subjects_and_reach() -> None:
    missing = [name for name in RECORD_TYPES if name not in EXPECTED]
    assert not missing, f"no subjects written down for record type(s) {', '.join(missing)}"
    assert sorted(EXPECTED) == sorted(RECORD_TYPES)
    for record_type in RECORD_TYPES.values():
        assert callable(record_type.subjects), record_type.name
        assert isinstance(record_type.reach, Reach), record_type.name
    assert sorted(EXAMPLES) == sorted(RECORD_TYPES)  # one documented example per type


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_documented_example_names_its_subjects(name: str) -> None:
    subjects, reach = EXPECTED[name]
    assert named_by(name, [EXAMPLES[name]]) == subjects
    assert RECORD_TYPES[name].reach is reach


def test_persons_are_named_by_the_key_their_rows_carry() -> None:
    record_type = RECORD_TYPES["samr.legal_representative@1"]
    models, _ = validate_records(record_type, [EXAMPLES[record_type.name]], Department.SAMR)
    context = RowContext("conn-samr", "batch-1", Department.SAMR, SECRET)
    (row,) = record_type.to_rows(models, context)
    assert record_type.subjects_of(models, context.person_key).person_keys == {row["personKey"]}
    assert row["personKey"] == key(WANG_LI)


def test_a_person_holder_or_an_enterprise_subject_is_named_as_such() -> None:
    shareholding = {**EXAMPLES["samr.shareholding@1"], "holder": {"idNumber": OFFICER}}
    assert named_by("samr.shareholding@1", [shareholding]) == Subjects(
        frozenset({ENTERPRISE}), frozenset({key(OFFICER)})
    )
    entry = {**EXAMPLES["list.entry@1"], "subject": {"uscc": HOLDER}, "list": "RED_LIST"}
    assert named_by("list.entry@1", [entry]) == enterprises(HOLDER)


def test_a_batch_names_what_any_of_its_records_names() -> None:
    second = {**EXAMPLES["trade.payment@1"], "id": "PAY-2", "orderId": "ORD-2"}
    assert named_by("trade.payment@1", [EXAMPLES["trade.payment@1"], second]) == facts(
        "ORD-2025-0000981", "ORD-2"
    )
    assert not Subjects()
    assert Subjects(fact_ids=frozenset({"ORD-2"}))
