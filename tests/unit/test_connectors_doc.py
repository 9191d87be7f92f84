"""The example in docs/connectors.md verifies with its key and carries valid records."""

from __future__ import annotations

import json
import re
from pathlib import Path

from connectors.envelope import BatchPayload
from connectors.records import RECORD_TYPES, validate_records
from connectors.signing import import_jwk, verify

DOC = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"


def json_blocks() -> list[dict]:
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", DOC.read_text(), re.S)]


def test_the_documented_batch_verifies_and_its_records_validate() -> None:
    jwk, payload, batch = json_blocks()[:3]
    signed = verify(batch, import_jwk(jwk), jwk["alg"])
    parsed = BatchPayload.model_validate_json(signed)
    assert json.loads(signed) == payload
    record_type = RECORD_TYPES[parsed.record_type]
    models, errors = validate_records(record_type, parsed.records, parsed.department)
    assert errors == []
    assert len(models) == len(payload["records"])
