"""Helpers of the connector tests: records, an agency that signs, a graph fingerprint, the
`hub` command run as an operator runs it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver

from connectors.client import BatchSigner, encode_payload
from connectors.signing import Key, sign
from graph_schema.model import Department
from graph_schema.uscc import make_uscc

DATABASE = "neo4j"
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
KEYS_FROM = NOW - dt.timedelta(days=30)


def hub_cli(neo4j_uri: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`hub ARGS...` in a process of its own, on the test Neo4j, with an environment stated here
    alone (no developer's NEO4J_*, HUB_* or HUB_TOKEN) and working in `data_dir`, so that no
    developer's `.env` is read either."""
    env = {"PATH": os.environ["PATH"], "NEO4J_URI": neo4j_uri, "HUB_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def uscc(i: int) -> str:
    return make_uscc("9", "1", "410200", f"MB{i:06d}")


def enterprise_record(i: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "uscc": uscc(i),
        "name": f"Kaifeng Test Trading Co. {i}",
        "zone": "KAIFENG",
        "registeredOn": "2021-05-01",
        "status": "ACTIVE",
    }
    return record | overrides


def declaration_record(i: int, owner: int = 0, **overrides: Any) -> dict[str, Any]:
    record = {
        "id": f"DEC-T-{i}",
        "uscc": uscc(owner),
        "mode": "9710",
        "direction": "EXPORT",
        "declaredOn": "2026-10-01",
        "valueCny": "1250.50",
        "destination": "DE",
        "hsCode": "940540",
    }
    return record | overrides


@dataclass
class Agency:
    """A registered connector with its current key, signing as the agency would."""

    connector: str
    department: Department
    key: Key
    sequence: int = 0
    spare_keys: list[Key] = field(default_factory=list)

    def batch(
        self,
        record_type: str,
        records: list[dict[str, Any]],
        *,
        sequence: int | None = None,
        batch_id: uuid.UUID | None = None,
        created_at: dt.datetime | None = None,
        key: Key | None = None,
    ) -> bytes:
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        signer = BatchSigner(self.connector, self.department, key or self.key)
        document = signer.sign(
            record_type, records, sequence, batch_id or uuid.uuid4(), created_at or NOW
        )
        return encode_payload(document)

    def raw(self, payload: dict[str, Any], key: Key | None = None) -> bytes:
        """Sign any payload, even one the hub must refuse."""
        return encode_payload(sign(encode_payload(payload), key or self.key))


async def fingerprint(driver: AsyncDriver) -> tuple[int, int, list[Any]]:
    """Every business node with its properties (the ledger's own nodes excluded)."""
    records, _, _ = await driver.execute_query(
        """
        MATCH (n) WHERE NOT (n:Connector OR n:SigningKey OR n:Batch OR n:BatchRejection
                            OR n:SequenceReset OR n:SchemaMigration)
        OPTIONAL MATCH (n)-[r]->()
        WITH n, count(r) AS out
        RETURN labels(n) AS labels, properties(n) AS props, out
        """,
        database_=DATABASE,
    )
    rels, _, _ = await driver.execute_query(
        "MATCH (a)-[r]->() WHERE NOT (a:Connector OR a:Batch) RETURN count(r) AS n",
        database_=DATABASE,
    )
    rows = sorted((r["labels"], sorted(map(str, r["props"].items())), r["out"]) for r in records)
    return len(rows), int(rels[0]["n"]), rows
