"""The demo agencies: one connector per department, with its signing key kept on disk.

`prepare_connector` does what an agency's administrator would do once: keep a private Ed25519
key in `<data_dir>/connectors/<connector>.jwk` (created 0600 if missing, reused otherwise),
register the connector with the record types it sends and its public key (each only if not
registered yet), and read the connector's last accepted sequence number, from which the seed's
batches continue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from neo4j import AsyncDriver

from connectors import store
from connectors.client import BatchSigner
from connectors.signing import Key, generate_key, public_jwk, read_private_key, write_private_key
from graph_schema.model import Department

__all__ = [
    "KEY_ALG",
    "DemoConnector",
    "SeedError",
    "connector_key",
    "key_path",
    "prepare_connector",
]

KEY_ALG: Final = "EdDSA"


class SeedError(RuntimeError):
    """The seed cannot go on: a batch was rejected, or a connector or key is not usable."""


@dataclass
class DemoConnector:
    """A registered demo connector, its signer and the last sequence number it used."""

    connector: str
    department: Department
    signer: BatchSigner
    sequence: int

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence


def key_path(data_dir: Path, connector: str) -> Path:
    """Where the private key of a demo connector is kept."""
    return data_dir / "connectors" / f"{connector}.jwk"


def connector_key(data_dir: Path, connector: str) -> Key:
    """The connector's private key from `data_dir`, created (0600, kid `<connector>-seed-1`)
    if there is none yet."""
    path = key_path(data_dir, connector)
    if path.exists():
        return read_private_key(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = generate_key(KEY_ALG, f"{connector}-seed-1")
    try:
        write_private_key(path, key)
    except FileExistsError:  # written meanwhile by another seed: use that one
        return read_private_key(path)
    return key


def _material(jwk: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(jwk.get(name) for name in ("kty", "crv", "x", "y"))


async def prepare_connector(
    driver: AsyncDriver,
    database: str,
    data_dir: Path,
    connector: str,
    department: Department,
    record_types: Sequence[str],
    now: dt.datetime,
) -> DemoConnector:
    """Register `connector` and its key if needed (idempotent) and read its last sequence.

    A connector already registered keeps the record types it had, plus any of `record_types`
    it lacked. Raises `SeedError` if the connector belongs to another department, or if the
    key's kid is registered with other key material, for another connector, revoked or closed.
    """
    key = connector_key(data_dir, connector)
    found = await store.get_connector(driver, database, connector)
    if found is None:
        await store.register_connector(
            driver, database, connector, department.value, list(record_types), now
        )
        last = 0
    else:
        if found.get("department") != department.value:
            raise SeedError(
                f"connector {connector} is registered for {found.get('department')}, "
                f"not {department.value}"
            )
        have = set(found.get("recordTypes") or ())
        if not set(record_types) <= have:
            types = sorted(have | set(record_types))
            await store.register_connector(
                driver, database, connector, department.value, types, now
            )
        last = int(found.get("lastSequence") or 0)
    kid = str(key.kid)
    registered = await store.find_key(driver, database, kid)
    if registered is None:
        await store.add_key(driver, database, connector, public_jwk(key), now, close_others=False)
    else:
        problem = None
        if registered.connector != connector:
            problem = f"belongs to connector {registered.connector}"
        elif _material(dict(registered.key.as_dict(private=False))) != _material(public_jwk(key)):
            problem = f"is registered with another public key than {key_path(data_dir, connector)}"
        elif registered.revoked_at is not None:
            problem = f"was revoked on {registered.revoked_at.isoformat()}"
        elif registered.valid_to is not None and registered.valid_to <= now:
            problem = f"was closed on {registered.valid_to.isoformat()}"
        if problem is not None:
            raise SeedError(
                f"key {kid} of demo connector {connector} {problem}; seed with the data "
                "directory whose keys registered it, or into an empty graph"
            )
    return DemoConnector(connector, department, BatchSigner(connector, department, key), last)
