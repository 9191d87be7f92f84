"""`hub connector ...` and `hub sync`: what agencies and operators do with connectors."""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import getpass
import json
import uuid
from pathlib import Path
from typing import Annotated

import httpx
import typer
from joserfc.errors import JoseError
from neo4j.time import DateTime as Neo4jDateTime
from pydantic import BeforeValidator, Field, ValidationError
from rich.table import Table
from rich.text import Text

from connectors import store
from connectors.client import BatchSigner, encode_payload, push
from connectors.envelope import MAX_SEQUENCE
from connectors.pipeline import Outcome, Status
from connectors.records import RECORD_TYPES
from connectors.signing import (
    b64url_decode,
    generate_key,
    public_jwk,
    read_private_key,
    write_private_key,
)
from graph_schema.migrate import apply_migrations
from graph_schema.model import Department
from graph_schema.read_model import ReadModel
from hub.bootstrap import build_drainer, build_pipeline
from hub.cli_files import json_object, read_json_object, read_text
from hub.cli_output import complain, progress, say, show
from hub.credit.recompute import build_recomputer
from hub.database import open_driver
from hub.risk import RiskScanner, load_risk_rules
from hub.secrets import person_key_secret
from hub.settings import get_settings

connector_app = typer.Typer(
    help="Connectors: keys, registration, signing, pushing.", no_args_is_help=True
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@connector_app.command("keygen")
def keygen(
    kid: Annotated[str, typer.Option(help="Key id, e.g. customs-kaifeng-2026-11.")],
    out: Annotated[Path, typer.Option(help="Where to write the private key (0600).")],
    alg: Annotated[str, typer.Option(help="EdDSA (or its other name Ed25519) or ES256.")] = "EdDSA",
) -> None:
    """Create a signing key: the private JWK goes to OUT, the public JWK is printed."""
    if alg not in ("EdDSA", "Ed25519", "ES256"):
        complain(f"alg must be EdDSA, Ed25519 or ES256, not {alg!r}")
        raise typer.Exit(2)
    key = generate_key(alg, kid)  # type: ignore[arg-type]
    try:
        write_private_key(out, key)
    except FileExistsError:
        complain(f"{out} exists; not overwriting a key")
        raise typer.Exit(1) from None
    except OSError as error:  # a missing or unwritable directory
        complain(f"{out}: {error.strerror}")
        raise typer.Exit(2) from None
    print(json.dumps(public_jwk(key), indent=2))


def _read_public(path: Path) -> dict[str, object]:
    """The public JWK in a JWK file (a private JWK file works too: its `d` is left out)."""
    document = read_json_object(path, "a JWK (a JSON object)")
    return {name: value for name, value in document.items() if name != "d"}


@connector_app.command("register")
def register(
    id: Annotated[str, typer.Option("--id", help="Connector id.")],
    department: Annotated[Department, typer.Option(help="The sending department.")],
    record_types: Annotated[
        list[str], typer.Option("--record-types", help="Record types it may send (repeat).")
    ],
    public_key: Annotated[Path, typer.Option(help="Its public JWK (kid and alg set).")],
) -> None:
    """Register a connector with the record types it may send and its first key."""
    names = [n for item in record_types for n in item.split(",") if n]
    unknown = [n for n in names if n not in RECORD_TYPES]
    refused = [n for n in names if n in RECORD_TYPES and not RECORD_TYPES[n].allows(department)]
    if unknown or refused:
        if unknown:
            complain(f"unknown record types: {', '.join(unknown)}")
        if refused:
            complain(f"{department.value} may not send: {', '.join(refused)}")
        raise typer.Exit(2)
    jwk = _read_public(public_key)
    try:  # the key is checked before anything is written: a refusal leaves the graph as it was
        store.checked_public_jwk(jwk)
    except (ValueError, JoseError) as error:
        complain(str(error))
        raise typer.Exit(2) from None

    async def go() -> str:
        settings = get_settings()
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            db = settings.neo4j_database
            kid = str(jwk["kid"])
            if (owner := await store.key_taken(driver, db, kid)) is not None:
                raise ValueError(
                    f"key {kid!r} is already registered (to {owner}); give the new key a new kid"
                )
            await store.register_connector(driver, db, id, department.value, names, _now())
            return await store.add_key(driver, db, id, jwk, _now(), close_others=False)

    try:
        kid = asyncio.run(go())
    except (ValueError, JoseError) as error:  # no kid or alg, an unsupported or broken key
        complain(str(error))
        raise typer.Exit(2) from None
    say(f"connector {id} ({department.value}) may send {', '.join(names)}; key {kid}")


@connector_app.command("rotate")
def rotate(
    id: Annotated[str, typer.Option("--id", help="Connector id.")],
    public_key: Annotated[Path, typer.Option(help="The new public JWK.")],
) -> None:
    """Add a new key; the connector's previous keys stop being valid now (what they signed
    before stays verifiable)."""
    jwk = _read_public(public_key)

    async def go() -> str:
        settings = get_settings()
        async with open_driver(settings) as driver:
            return await store.add_key(
                driver, settings.neo4j_database, id, jwk, _now(), close_others=True
            )

    try:
        kid = asyncio.run(go())
    except LookupError as error:  # no such connector
        complain(str(error))
        raise typer.Exit(1) from None
    except (ValueError, JoseError) as error:  # no kid or alg, an unsupported or broken key
        complain(str(error))
        raise typer.Exit(2) from None
    say(f"connector {id} now signs with {kid}")


@connector_app.command("revoke")
def revoke(kid: Annotated[str, typer.Argument(help="The key to revoke.")]) -> None:
    """Revoke a key at once: no batch signed with it is accepted any more."""

    async def go() -> str:
        settings = get_settings()
        async with open_driver(settings) as driver:
            return await store.revoke_key(driver, settings.neo4j_database, kid, _now())

    try:
        connector = asyncio.run(go())
    except LookupError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    say(f"key {kid} of connector {connector} is revoked")


def _read_records(path: Path) -> list[dict[str, object]]:
    """The records of a JSON Lines file, one object a line (blank lines skipped)."""
    return [
        json_object(line, f"line {number} of {path}")
        for number, line in enumerate(read_text(path).splitlines(), start=1)
        if line.strip()
    ]


def _read_batch(path: Path) -> dict[str, str]:
    """A signed batch file: a flattened JSON JWS, an object of strings."""
    document = json_object(read_text(path), str(path))
    members = {name: value for name, value in document.items() if isinstance(value, str)}
    if len(members) != len(document):
        complain(f"{path} is not a flattened JWS (string members)")
        raise typer.Exit(2)
    return members


@connector_app.command("sign")
def sign_batch(
    records: Annotated[Path, typer.Argument(help="Records, one JSON object per line.")],
    key: Annotated[Path, typer.Option(help="The private JWK file.")],
    connector: Annotated[str, typer.Option(help="Connector id.")],
    department: Annotated[Department, typer.Option(help="The sending department.")],
    type: Annotated[str, typer.Option("--type", help="Record type, e.g. customs.declaration@1.")],
    sequence: Annotated[
        int, typer.Option(min=1, max=MAX_SEQUENCE, help="This batch's sequence number.")
    ],
    batch_id: Annotated[str | None, typer.Option(help="Batch id (default: a new UUID).")] = None,
) -> None:
    """Print the signed batch (flattened JSON JWS) of RECORDS."""
    items = _read_records(records)
    try:
        private = read_private_key(key)
    except (OSError, ValueError, JoseError) as error:  # unreadable, not JSON, not a key
        complain(f"{key}: {error}")
        raise typer.Exit(2) from None
    try:
        batch = uuid.UUID(batch_id) if batch_id else None
    except ValueError:
        complain(f"--batch-id {batch_id!r} is not a UUID")
        raise typer.Exit(2) from None
    document = BatchSigner(connector, department, private).sign(type, items, sequence, batch)
    print(encode_payload(document).decode())


@connector_app.command("push")
def push_file(
    batch: Annotated[Path, typer.Argument(help="A signed batch file.")],
    url: Annotated[str, typer.Option(help="The hub's /connectors/batches URL.")],
    token: Annotated[str | None, typer.Option(envvar="HUB_TOKEN", help="OAuth token.")] = None,
) -> None:
    """Send a signed batch to a hub and print its answer; exit 1 if it was refused."""
    document = _read_batch(batch)
    try:
        status, body = push(document, url, token)
    except httpx.HTTPError as error:  # the hub cannot be reached, or did not answer in time
        complain(f"{url}: {error}")
        raise typer.Exit(1) from None
    except ValueError:  # an answer that is not JSON: not the hub's batch endpoint
        complain(f"{url} did not answer with JSON: is it the hub's /connectors/batches?")
        raise typer.Exit(1) from None
    print(json.dumps(body, indent=2, ensure_ascii=False))
    if status >= 400:
        raise typer.Exit(1)


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""  # refused below: the operator must then say who they are with --by


@connector_app.command("reset-sequence")
def reset_sequence(
    connector: Annotated[str, typer.Argument(help="Connector id.")],
    to: Annotated[
        int, typer.Option(min=0, max=MAX_SEQUENCE, help="The new last accepted sequence.")
    ],
    reason: Annotated[str, typer.Option(help="Why, kept with the reset.")],
    by: Annotated[
        str | None, typer.Option(help="Who resets it (default: the local user name).")
    ] = None,
) -> None:
    """Set a connector's last accepted sequence (the next batch must be above it), e.g. after
    a leaked key pushed it up; who, when, from, to and why are recorded in the graph."""
    try:
        request = store.SequenceReset(
            connector=connector, to=to, reason=reason, by=by or _operator(), at=_now()
        )
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            complain(f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}")
        raise typer.Exit(2) from None

    async def go() -> int:
        settings = get_settings()
        async with open_driver(settings) as driver:
            return await store.reset_sequence(driver, settings.neo4j_database, request)

    try:
        previous = asyncio.run(go())
    except LookupError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    say(
        f"connector {connector}: last sequence reset from {previous} to {request.to} "
        f"by {request.by}"
    )


def _iso(value: object) -> str:
    """A stored date-time as `connector status` prints it (Neo4j's own ISO form)."""
    if isinstance(value, Neo4jDateTime):
        return str(value.iso_format())
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise ValueError(f"expected a date-time, got {value!r}")


def _first_reason(reasons_json: str) -> str:
    """The first reason's message of a rejection's stored reasons (a JSON list)."""
    reasons: object = json.loads(reasons_json)
    if isinstance(reasons, list) and reasons and isinstance(reasons[0], dict):
        return str(reasons[0].get("message", ""))
    return ""


class _Reset(ReadModel):
    """An operator's sequence reset, as `connector status` shows it."""

    from_sequence: int
    to_sequence: int
    by: str
    at: Annotated[str, BeforeValidator(_iso)]
    reason: str


class _Rejection(ReadModel):
    """A recently rejected batch: its code and its first reason."""

    code: str
    batch_id: str | None = None
    first_reason: Annotated[str, BeforeValidator(_first_reason)] = Field(alias="reasons")


class _Connector(ReadModel):
    id: str
    department: str
    last_sequence: int | None = None


class _ConnectorStatus(ReadModel):
    """One record of `store.connector_status`, its values checked and typed."""

    connector: _Connector
    accepted: int
    rejected: int
    gaps: list[tuple[int, int]]
    resets: list[_Reset]
    recent: list[_Rejection]


@connector_app.command("status")
def status(connector: Annotated[str | None, typer.Argument(help="One connector.")] = None) -> None:
    """Last sequence, gaps, batches accepted and rejected, recent rejections."""

    async def go() -> list[_ConnectorStatus]:
        settings = get_settings()
        async with open_driver(settings) as driver:
            records = await store.connector_status(driver, settings.neo4j_database, connector)
        return [_ConnectorStatus.model_validate(record) for record in records]

    found = asyncio.run(go())
    if not found:
        complain("no such connector" if connector else "no connectors are registered")
        raise typer.Exit(1)
    table = Table("connector", "department", "last seq", "accepted", "rejected", "gaps")
    for status in found:
        table.add_row(
            *map(
                Text,  # as they are: an id is no markup
                (
                    status.connector.id,
                    status.connector.department,
                    str(status.connector.last_sequence),
                    str(status.accepted),
                    str(status.rejected),
                    ", ".join(f"{a}-{b}" for a, b in status.gaps) or "-",
                ),
            )
        )
    show(table)
    for status in found:
        name = status.connector.id
        for reset in status.resets:
            say(
                f"{name}: sequence reset from {reset.from_sequence} to {reset.to_sequence} "
                f"by {reset.by} at {reset.at}: {reset.reason}"
            )
        for rejection in status.recent:
            say(f"{name}: {rejection.code} (batch {rejection.batch_id}): {rejection.first_reason}")


def _sequence_of(path: Path) -> tuple[int, str]:
    """A file's batch sequence, read without verifying (only to order the files)."""
    try:
        segment = json.loads(path.read_text())["payload"]
        payload = json.loads(b64url_decode(segment))
        return int(payload["sequence"]), path.name
    except (ValueError, KeyError, TypeError, binascii.Error):
        return 0, path.name  # unreadable files go first and are refused with the reason


def sync(path: Annotated[Path, typer.Argument(help="A batch file, or a folder of them.")]) -> None:
    """Ingest one batch file or every *.json/*.jws file of a folder, in sequence order."""
    files = sorted(
        (
            p
            for p in (path.iterdir() if path.is_dir() else [path])
            if p.is_file() and p.suffix in (".json", ".jws")
        ),
        key=_sequence_of,
    )
    if not files:
        complain(f"no batch files in {path}")
        raise typer.Exit(1)
    settings = get_settings()

    async def go() -> list[tuple[Path, Outcome]]:
        results: list[tuple[Path, Outcome]] = []
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            recomputer = build_recomputer(driver, settings)
            scanner = RiskScanner(driver, settings.neo4j_database, load_risk_rules())
            effects = build_drainer(driver, settings, recomputer, scanner)
            pipeline = build_pipeline(
                driver, settings, person_key_secret(settings), complete_effects=effects.settle
            )
            with progress("syncing", elapsed=False) as bar:
                task = bar.add_task("batches", total=len(files))
                for file in files:
                    results.append((file, await pipeline.ingest(file.read_bytes())))
                    bar.advance(task)
            # leave nothing owed that this command can do (a failed effect is retried here)
            await effects.drain()
        return results

    refused = 0
    for file, outcome in asyncio.run(go()):
        if outcome.status is Status.REJECTED:
            refused += 1
            first = outcome.problems[0]
            say(
                f"{file.name}: rejected {first.code}: {first.message} "
                f"({len(outcome.problems)} problems)"
            )
        else:
            say(f"{file.name}: {outcome.status.value.lower()} ({outcome.records} records)")
    if refused:
        raise typer.Exit(1)
