"""`hub connector ...` and `hub sync`: what agencies and operators do with connectors."""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import getpass
import json
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

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
from hub.credit.recompute import build_recomputer
from hub.database import open_driver
from hub.ingest import build_pipeline, chain_hooks
from hub.risk import RiskScanner, load_risk_rules
from hub.secrets import person_key_secret
from hub.settings import get_settings

connector_app = typer.Typer(
    help="Connectors: keys, registration, signing, pushing.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


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
        err.print(f"alg must be EdDSA, Ed25519 or ES256, not {alg!r}")
        raise typer.Exit(2)
    key = generate_key(alg, kid)  # type: ignore[arg-type]
    try:
        write_private_key(out, key)
    except FileExistsError:
        err.print(f"{out} exists; not overwriting a key")
        raise typer.Exit(1) from None
    print(json.dumps(public_jwk(key), indent=2))


def _read_public(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return {k: v for k, v in data.items() if k != "d"}  # a private JWK file works too


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
            err.print(f"unknown record types: {', '.join(unknown)}")
        if refused:
            err.print(f"{department.value} may not send: {', '.join(refused)}")
        raise typer.Exit(2)
    jwk = _read_public(public_key)

    async def go() -> str:
        settings = get_settings()
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            db = settings.neo4j_database
            await store.register_connector(driver, db, id, department.value, names, _now())
            return await store.add_key(driver, db, id, jwk, _now(), close_others=False)

    kid = asyncio.run(go())
    console.print(f"connector {id} ({department.value}) may send {', '.join(names)}; key {kid}")


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

    console.print(f"connector {id} now signs with {asyncio.run(go())}")


@connector_app.command("revoke")
def revoke(kid: Annotated[str, typer.Argument(help="The key to revoke.")]) -> None:
    """Revoke a key at once: no batch signed with it is accepted any more."""

    async def go() -> str:
        settings = get_settings()
        async with open_driver(settings) as driver:
            return await store.revoke_key(driver, settings.neo4j_database, kid, _now())

    try:
        console.print(f"key {kid} of connector {asyncio.run(go())} is revoked")
    except LookupError as error:
        err.print(str(error))
        raise typer.Exit(1) from None


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
    lines = [line for line in records.read_text().splitlines() if line.strip()]
    items = [json.loads(line) for line in lines]
    signer = BatchSigner(connector, department, read_private_key(key))
    document = signer.sign(type, items, sequence, uuid.UUID(batch_id) if batch_id else None)
    print(encode_payload(document).decode())


@connector_app.command("push")
def push_file(
    batch: Annotated[Path, typer.Argument(help="A signed batch file.")],
    url: Annotated[str, typer.Option(help="The hub's /connectors/batches URL.")],
    token: Annotated[str | None, typer.Option(envvar="HUB_TOKEN", help="OAuth token.")] = None,
) -> None:
    """Send a signed batch to a hub and print its answer; exit 1 if it was refused."""
    status, body = push(json.loads(batch.read_text()), url, token)
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
            err.print(f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}", highlight=False)
        raise typer.Exit(2) from None

    async def go() -> int:
        settings = get_settings()
        async with open_driver(settings) as driver:
            return await store.reset_sequence(driver, settings.neo4j_database, request)

    try:
        previous = asyncio.run(go())
    except LookupError as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from None
    console.print(
        f"connector {connector}: last sequence reset from {previous} to {request.to} "
        f"by {request.by}",
        highlight=False,
        soft_wrap=True,
    )


@connector_app.command("status")
def status(connector: Annotated[str | None, typer.Argument(help="One connector.")] = None) -> None:
    """Last sequence, gaps, batches accepted and rejected, recent rejections."""

    async def go() -> list[dict[str, Any]]:
        settings = get_settings()
        async with open_driver(settings) as driver:
            return await store.connector_status(driver, settings.neo4j_database, connector)

    rows = asyncio.run(go())
    if not rows:
        err.print("no such connector" if connector else "no connectors are registered")
        raise typer.Exit(1)
    table = Table("connector", "department", "last seq", "accepted", "rejected", "gaps")
    for row in rows:
        c = row["connector"]
        gaps = ", ".join(f"{a}-{b}" for a, b in row["gaps"]) or "-"
        table.add_row(
            c["id"],
            c["department"],
            str(c["lastSequence"]),
            str(row["accepted"]),
            str(row["rejected"]),
            gaps,
        )
    console.print(table)
    for row in rows:
        for reset in row["resets"]:
            console.print(
                f"{row['connector']['id']}: sequence reset from {reset['fromSequence']} to "
                f"{reset['toSequence']} by {reset['by']} at {reset['at'].iso_format()}: "
                f"{reset['reason']}",
                highlight=False,
                soft_wrap=True,
            )
        for rejection in row["recent"]:
            reasons = json.loads(rejection["reasons"])
            first = reasons[0]["message"] if reasons else ""
            console.print(
                f"{row['connector']['id']}: {rejection['code']} "
                f"(batch {rejection.get('batchId')}): {first}",
                highlight=False,
            )


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
        err.print(f"no batch files in {path}")
        raise typer.Exit(1)
    settings = get_settings()

    async def go() -> list[tuple[Path, Outcome]]:
        results: list[tuple[Path, Outcome]] = []
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            recomputer = build_recomputer(driver, settings)
            scanner = RiskScanner(driver, settings.neo4j_database, load_risk_rules())
            pipeline = build_pipeline(
                driver,
                settings,
                person_key_secret(settings),
                chain_hooks(recomputer.after_batch, scanner.after_batch),
            )
            with Progress(
                TextColumn("syncing"), BarColumn(), MofNCompleteColumn(), console=console
            ) as progress:
                task = progress.add_task("batches", total=len(files))
                for file in files:
                    results.append((file, await pipeline.ingest(file.read_bytes())))
                    progress.advance(task)
        return results

    refused = 0
    for file, outcome in asyncio.run(go()):
        if outcome.status is Status.REJECTED:
            refused += 1
            first = outcome.problems[0]
            console.print(
                f"{file.name}: rejected {first.code}: {first.message} "
                f"({len(outcome.problems)} problems)",
                highlight=False,
            )
        else:
            console.print(
                f"{file.name}: {outcome.status.value.lower()} ({outcome.records} records)",
                highlight=False,
            )
    if refused:
        raise typer.Exit(1)
