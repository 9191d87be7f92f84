"""Demo clients for `make run`: one `client_secret_basic` client per kind, secrets to a file.

The ids are fixed (`demo-<kind>`), so running it again replaces the clients with fresh
secrets instead of piling up new ones. The file's shape is `DemoClientsFile`
(`{"clients": [{"client_id", "client_secret", "kind", "institution", "scopes",
"token_endpoint"}, ...]}`): `create_demo_clients` writes it and the console reads it with
`DemoClientsFile.read`, so the two cannot disagree.

Demo people (`create_demo_people`): one hub account per console user kind, `demo-<kind>`, with
a generated password, written to `<data_dir>/demo-people.json` in the shape
`auth.signin.DemoPeopleFile` reads (`{"people": [{"username", "password", "name", "kind",
"institution"}, ...]}`); a demo hub's sign-in page lists them.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver
from pydantic import BaseModel, ConfigDict

from auth.accounts import PERSON_KINDS, add_account
from auth.clients import ClientError, add_client
from auth.principal import ClientKind
from auth.signin import DemoPeopleFile, DemoPerson


class DemoClient(BaseModel):
    """One demo client as the demo clients file holds it."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: str
    kind: ClientKind
    institution: str | None
    scopes: list[str]
    token_endpoint: str | None = None


class DemoClientsFile(BaseModel):
    """The demo clients file (`HUB_DATA_DIR/demo-clients.json`)."""

    clients: list[DemoClient]

    def document(self) -> dict[str, Any]:
        """The JSON document written (no `token_endpoint` when none was given)."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def read(cls, path: Path) -> DemoClientsFile:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))


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
    if ClientKind.ENTERPRISE in default_scopes and ClientKind.ENTERPRISE not in institutions:
        # refused before any client is replaced, so the clients of an earlier file keep working
        raise ClientError("the demo enterprise client needs an enterprise USCC")
    entries: list[DemoClient] = []
    for kind in ClientKind:
        if kind not in default_scopes:
            continue
        institution = institutions.get(kind)
        if institution is None:
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
        if secret is None:
            raise ClientError(f"demo client {client.client_id} was given no secret")
        entries.append(
            DemoClient(
                client_id=client.client_id,
                client_secret=secret,
                kind=kind,
                institution=client.institution,
                scopes=sorted(client.scopes),
                token_endpoint=token_endpoint or None,
            )
        )
    document = DemoClientsFile(clients=entries).document()
    write_private_json(out_path, document)
    written: list[dict[str, Any]] = document["clients"]
    return written


DEMO_NAMES: dict[ClientKind, str] = {
    ClientKind.REGULATOR: "王监管",
    ClientKind.CUSTOMS: "李海关",
    ClientKind.TAX: "张税务",
    ClientKind.SAFE: "刘外汇",
    ClientKind.COMMERCE: "陈商务",
    ClientKind.SAMR: "杨市监",
    ClientKind.BANK: "赵银行",
    ClientKind.INSURER: "黄保险",
    ClientKind.ENTERPRISE: "周企业",
}
"""Each demo person's name (Chinese, as the console's users are)."""


async def create_demo_people(
    driver: AsyncDriver,
    database: str,
    out_path: Path,
    default_scopes: Mapping[ClientKind, frozenset[str]],
    enterprise_uscc: str,
    now: int,
) -> list[DemoPerson]:
    """Create (or replace) `demo-<kind>` accounts, one per console user kind, with fresh
    passwords; write them to `out_path` (0600). The enterprise person's institution is
    `enterprise_uscc`, the others' `demo-<kind>` (the demo clients' institutions)."""
    people: list[DemoPerson] = []
    for kind in PERSON_KINDS:
        institution = enterprise_uscc if kind is ClientKind.ENTERPRISE else f"demo-{kind.value}"
        password = secrets.token_urlsafe(12)
        account = await add_account(
            driver,
            database,
            username=f"demo-{kind.value}",
            name=DEMO_NAMES[kind],
            kind=kind,
            institution=institution,
            password=password,
            scopes=default_scopes.get(kind, frozenset()),
            now=now,
            replace=True,
        )
        people.append(
            DemoPerson(
                username=account.username,
                password=password,
                name=account.name,
                kind=kind,
                institution=account.institution,
            )
        )
    write_private_json(out_path, DemoPeopleFile(people=people).model_dump(mode="json"))
    return people
