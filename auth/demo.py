"""Demo clients for `make run`: one `client_secret_basic` client per kind, secrets to a file.

The ids are fixed (`demo-<kind>`), so running it again replaces the clients with fresh
secrets instead of piling up new ones.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver

from auth.clients import ClientError, add_client
from auth.principal import ClientKind


def write_private_json(path: Path, document: object) -> None:
    """Write JSON readable by its owner only (0600), replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, path)


async def create_demo_clients(
    driver: AsyncDriver,
    database: str,
    out_path: Path,
    default_scopes: Mapping[ClientKind, frozenset[str]],
    institutions: Mapping[ClientKind, str] | None = None,
    token_endpoint: str | None = None,
) -> list[dict[str, Any]]:
    """Create (or replace) `demo-<kind>` for every kind in `default_scopes`; write them out.

    `institutions` gives each kind's institution; the enterprise kind needs a USCC there (an
    enterprise of the demo zone), the others default to `demo-<kind>`. Returns the entries
    written: client_id, client_secret, kind, institution, scopes (and token_endpoint).
    """
    institutions = institutions or {}
    entries: list[dict[str, Any]] = []
    for kind in ClientKind:
        if kind not in default_scopes:
            continue
        institution = institutions.get(kind)
        if institution is None:
            if kind is ClientKind.ENTERPRISE:
                raise ClientError("the demo enterprise client needs an enterprise USCC")
            institution = f"demo-{kind.value}"
        client, secret = await add_client(
            driver,
            database,
            kind=kind,
            scopes=default_scopes[kind],
            institution=institution,
            client_id=f"demo-{kind.value}",
            replace=True,
        )
        entry: dict[str, Any] = {
            "client_id": client.client_id,
            "client_secret": secret,
            "kind": kind.value,
            "institution": client.institution,
            "scopes": sorted(client.scopes),
        }
        if token_endpoint:
            entry["token_endpoint"] = token_endpoint
        entries.append(entry)
    write_private_json(out_path, {"clients": entries})
    return entries
