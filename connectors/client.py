"""For agencies that script it: sign records into a batch and push it to a hub.

signer = BatchSigner("customs-kaifeng", Department.CUSTOMS, read_private_key(path))
batch = signer.sign("customs.declaration@1", records, sequence=42)
outcome = push(batch, "https://hub.example/connectors/batches", token=access_token)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from connectors.envelope import FORMAT_VERSION
from connectors.signing import Key, sign
from graph_schema.model import Department


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)  # Decimal and UUID keep their exact text


def encode_payload(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, default=_json_default, separators=(",", ":"), ensure_ascii=False
    ).encode()


@dataclass(frozen=True)
class BatchSigner:
    connector: str
    department: Department
    key: Key

    def payload(
        self,
        record_type: str,
        records: Sequence[dict[str, Any]],
        sequence: int,
        batch_id: uuid.UUID | None = None,
        created_at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        return {
            "formatVersion": FORMAT_VERSION,
            "connector": self.connector,
            "department": self.department.value,
            "batchId": str(batch_id or uuid.uuid4()),
            "sequence": sequence,
            "createdAt": (created_at or dt.datetime.now(dt.UTC)).isoformat(),
            "recordType": record_type,
            "records": list(records),
        }

    def sign(
        self,
        record_type: str,
        records: Sequence[dict[str, Any]],
        sequence: int,
        batch_id: uuid.UUID | None = None,
        created_at: dt.datetime | None = None,
    ) -> dict[str, str]:
        """The flattened JWS of a new batch of `records`."""
        payload = self.payload(record_type, records, sequence, batch_id, created_at)
        return sign(encode_payload(payload), self.key)


def push(
    batch: dict[str, str], url: str, token: str | None = None, timeout_s: float = 120.0
) -> tuple[int, dict[str, Any]]:
    """POST a signed batch; returns the HTTP status and the hub's outcome."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(url, json=batch, headers=headers, timeout=timeout_s)
    body: dict[str, Any] = response.json()
    return response.status_code, body
