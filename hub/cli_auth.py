"""`hub clients ...`, `hub users ...`, `hub keys rotate` and `hub audit ...`: OAuth clients,
people's accounts, the hub's token signing keys, and the audit trail (verify, checkpoint,
archive, access-log)."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from auth.accounts import (
    Account,
    AccountError,
    add_account,
    list_accounts,
    set_account_disabled,
    totp_uri,
    unlock_account,
)
from auth.audit.archive import (
    AccessArchive,
    Archived,
    ArchiveError,
    archive_before,
    read_segments,
)
from auth.audit.chain import ProblemKind, VerifyResult, verify_chain
from auth.audit.checkpoints import (
    Checkpoint,
    CheckpointError,
    chain_head,
    checkpoint_key,
    public_jwks,
    read_checkpoints,
    sign_checkpoint,
    write_checkpoint,
)
from auth.audit.reads import MAX_PAGE, access_log_for
from auth.catalog import load_catalog
from auth.clients import ClientError, HubClient, add_client, list_clients, remove_client
from auth.demo import create_demo_clients, create_demo_people
from auth.keys import rotate_signing_key
from auth.principal import ClientKind
from graph_schema.migrate import apply_migrations
from hub import cypher
from hub.cli_files import read_json_object
from hub.cli_output import complain, progress, say, show
from hub.database import open_driver
from hub.settings import Settings, get_settings

clients_app = typer.Typer(help="OAuth clients of the hub.", no_args_is_help=True)
keys_app = typer.Typer(help="The hub's token signing keys.", no_args_is_help=True)
users_app = typer.Typer(
    help="People's accounts: they sign in to the console with a password (and TOTP).",
    no_args_is_help=True,
)


@clients_app.command("add")
def add(
    kind: Annotated[ClientKind, typer.Option(help="The client's kind.")],
    institution: Annotated[
        str | None, typer.Option(help="Its institution; an enterprise client's USCC.")
    ] = None,
    scopes: Annotated[
        str | None, typer.Option(help="Space-separated scopes (default: the kind's grant).")
    ] = None,
    client_id: Annotated[str | None, typer.Option(help="Id (default: generated).")] = None,
    jwks: Annotated[
        Path | None, typer.Option(help="Public JWKS file: private_key_jwt instead of a secret.")
    ] = None,
) -> None:
    """Register a client; its secret is printed once and stored only as a slow hash."""
    catalog = load_catalog()
    granted = scopes.split() if scopes else sorted(catalog.default_scopes(kind))
    keys = read_json_object(jwks, "a JWK Set (a JSON object)") if jwks else None
    settings = get_settings()

    async def go() -> tuple[HubClient, str | None]:
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            return await add_client(
                driver,
                settings.neo4j_database,
                kind=kind,
                scopes=granted,
                institution=institution,
                auth_method="private_key_jwt" if jwks else "client_secret_basic",
                jwks=keys,
                client_id=client_id,
                known_scopes=catalog.scope_names(),
            )

    try:
        client, secret = asyncio.run(go())
    except ClientError as error:
        complain(str(error))
        raise typer.Exit(2) from None
    # plain lines, never wrapped or highlighted: scripts read them
    say(f"client_id: {client.client_id}")
    if secret:
        say(f"client_secret: {secret}   (shown once; only its hash is stored)")


@clients_app.command("list")
def list_command() -> None:
    """Every registered client, without secrets."""
    settings = get_settings()

    async def go() -> list[HubClient]:
        async with open_driver(settings) as driver:
            return await list_clients(driver, settings.neo4j_database)

    table = Table("client_id", "kind", "institution", "auth", "scopes")
    for client in asyncio.run(go()):
        table.add_row(
            *map(
                Text,  # as they are: an id or an institution is no markup
                (
                    client.client_id,
                    client.kind.value,
                    client.institution or "-",
                    client.auth_method,
                    " ".join(sorted(client.scopes)),
                ),
            )
        )
    show(table)


@clients_app.command("remove")
def remove(client_id: Annotated[str, typer.Argument(help="The client to remove.")]) -> None:
    """Remove a client; its tokens stop being issued (issued ones expire on their own)."""
    settings = get_settings()

    async def go() -> bool:
        async with open_driver(settings) as driver:
            return await remove_client(driver, settings.neo4j_database, client_id)

    if not asyncio.run(go()):
        complain(f"no client {client_id!r}")
        raise typer.Exit(1)
    say(f"removed {client_id}")


def write_demo_clients(settings: Settings) -> Path:
    """One demo client per kind, written with their secrets to var/demo-clients.json (0600),
    and one demo person per console user kind, with passwords in var/demo-people.json."""

    async def go() -> None:
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            records, _, _ = await driver.execute_query(
                cypher.FIRST_ENTERPRISE, database_=settings.neo4j_database
            )
            if not records:
                raise ClientError(
                    "no enterprise in the graph for the demo enterprise client: "
                    "run `hub seed` first"
                )
            institutions = {ClientKind.ENTERPRISE: records[0]["uscc"]}
            grants = load_catalog().default_grants()
            await create_demo_clients(
                driver,
                settings.neo4j_database,
                settings.demo_clients_file,
                grants,
                institutions,
                token_endpoint=f"{settings.base_url}/oauth/token",
            )
            # and one person per console user kind, listed on a demo hub's sign-in page
            await create_demo_people(
                driver,
                settings.neo4j_database,
                settings.demo_people_file,
                grants,
                records[0]["uscc"],
                now=int(time.time()),
            )

    asyncio.run(go())
    return settings.demo_clients_file


@clients_app.command("demo")
def demo() -> None:
    """Create one demo client per kind (needs the demo zone for the enterprise client)."""
    try:
        path = write_demo_clients(get_settings())
    except ClientError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    say(f"demo clients and their secrets: {path}")


@keys_app.command("rotate")
def rotate() -> None:
    """Add a new current signing key; tokens signed by the previous key stay valid until they
    expire. Running hubs that share the key file pick it up within a second."""
    settings = get_settings()
    kid = rotate_signing_key(settings.keys_dir, settings.auth.keep_previous_keys)
    say(f"new signing key {kid} in {settings.keys_dir}")


audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)

EXIT_BROKEN = 1
"""`hub audit verify`: the chain is broken (changed, rewritten, removed, rolled back)."""
EXIT_BAD_CHECKPOINT = 3
"""`hub audit verify`: a checkpoint's signature does not verify, or a file cannot be read."""


@audit_app.command("verify")
def audit_verify(
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Directory of signed checkpoints (default HUB_AUDIT_CHECKPOINT_DIR)."),
    ] = None,
    archive: Annotated[
        Path | None,
        typer.Option(help="Directory of archived segments (default HUB_AUDIT_ARCHIVE_DIR)."),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option(help="The checkpoint key's public JWK Set (default: the hub's own key)."),
    ] = None,
) -> None:
    """Recompute the audit chain (the archive's segments first, then the graph) and check it
    against the signed checkpoints: exit 1 naming a record changed, rewritten, removed or
    reordered, a removed tail, a rolled-back head, or archived records no archive covers;
    exit 3 for a checkpoint whose signature does not verify."""
    settings = get_settings()
    directory = checkpoints or settings.audit_checkpoints
    segments_dir = archive or settings.audit_archive
    try:
        found = read_checkpoints(directory)
        segments = read_segments(segments_dir)
        # the archive's segments carry checkpoints too: they need the key as much
        jwks = (
            read_json_object(key, "a JWK Set (a JSON object)")
            if key
            else public_jwks(settings.keys_dir)
            if found or segments
            else None
        )
    except (CheckpointError, ArchiveError) as error:
        complain(str(error))
        raise typer.Exit(EXIT_BAD_CHECKPOINT) from None

    async def go() -> VerifyResult:
        async with open_driver(settings) as driver:
            with progress("verifying", elapsed=False) as bar:
                task = bar.add_task("records", total=None)
                return await verify_chain(
                    driver,
                    settings.neo4j_database,
                    checkpoints=found,
                    jwks=jwks,
                    archive=segments,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )

    try:
        result = asyncio.run(go())
    except ArchiveError as error:
        complain(str(error))
        raise typer.Exit(EXIT_BAD_CHECKPOINT) from None
    say(str(result))
    if result.problem is not None:
        kind = result.problem.kind
        raise typer.Exit(EXIT_BAD_CHECKPOINT if kind is ProblemKind.SIGNATURE else EXIT_BROKEN)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint of the chain's head now (the hub also signs them as the chain grows)."""
    settings = get_settings()

    async def go() -> Checkpoint | None:
        async with open_driver(settings) as driver:
            head = await chain_head(driver, settings.neo4j_database)
        if head is None:
            return None
        checkpoint = sign_checkpoint(
            checkpoint_key(settings.keys_dir), head[0], head[1], dt.datetime.now(dt.UTC)
        )
        write_checkpoint(settings.audit_checkpoints, checkpoint)
        return checkpoint

    checkpoint = asyncio.run(go())
    if checkpoint is None:
        say("the audit chain is empty: nothing to sign")
        return
    say(f"checkpoint at seq {checkpoint.seq} in {settings.audit_checkpoints}")


@audit_app.command("archive")
def audit_archive(
    before: Annotated[
        dt.datetime, typer.Option(help="Archive the records older than this (UTC unless zoned).")
    ],
    to: Annotated[
        Path | None,
        typer.Option(help="Directory of the segments (default HUB_AUDIT_ARCHIVE_DIR)."),
    ] = None,
) -> None:
    """Move the chain's records older than BEFORE (and their access entries) out of the graph
    into a segment file with its signed checkpoint; `hub audit verify` then walks the archive
    and the graph as one chain."""
    settings = get_settings()
    cutoff = before if before.tzinfo else before.replace(tzinfo=dt.UTC)
    directory = to or settings.audit_archive

    async def go() -> Archived:
        async with open_driver(settings) as driver:
            return await archive_before(
                driver,
                settings.neo4j_database,
                cutoff,
                directory,
                settings.audit_checkpoints,
                settings.keys_dir,
            )

    try:
        done = asyncio.run(go())
    except ArchiveError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    for stale in done.set_aside:
        say(
            f"set aside {stale.path.name} (left by a run cut short; the graph holds other "
            "records there)"
        )
    for segment in done.adopted:
        say(f"finished archiving records {segment.first} to {segment.last} into {segment.path}")
    if done.segment is None:
        say(f"nothing older than {cutoff.isoformat()} left to archive")
        return
    say(
        f"archived records {done.segment.first} to {done.segment.last} into {done.segment.path}"
        f"; {done.deleted} deleted from the graph"
    )


@audit_app.command("access-log")
def audit_access_log(
    uscc: Annotated[str, typer.Option(help="The enterprise whose access log to print.")],
    archive: Annotated[
        Path | None,
        typer.Option(help="Directory of archived segments (default HUB_AUDIT_ARCHIVE_DIR)."),
    ] = None,
    first: Annotated[
        int | None, typer.Option(help="At most this many records (default: every one).", min=1)
    ] = None,
) -> None:
    """Who read an enterprise's data, newest first, one JSON line per read: the graph's
    records, then the archived ones, as `myAccessLog` pages through them."""
    settings = get_settings()
    archived = AccessArchive(archive or settings.audit_archive)

    async def go() -> None:
        async with open_driver(settings) as driver:
            left, after = first, None  # records still to print (None: all), and the cursor
            while left is None or left > 0:
                page = await access_log_for(
                    driver,
                    settings.neo4j_database,
                    uscc,
                    first=MAX_PAGE if left is None else min(left, MAX_PAGE),
                    after_seq=after,
                    archive=archived,
                )
                for record in page:
                    say(record.model_dump_json(by_alias=True, exclude={"prev_hash"}))
                if not page:
                    return
                after = page[-1].seq
                left = None if left is None else left - len(page)

    try:
        asyncio.run(go())
    except ArchiveError as error:
        complain(str(error))
        raise typer.Exit(1) from None


# --- hub users ---------------------------------------------------------------------------------


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def users_add(
    kind: Annotated[str, typer.Option(help="The person's kind (customs, bank, regulator, ...).")],
    username: Annotated[str, typer.Option(help="What they sign in with.")],
    name: Annotated[str, typer.Option(help="Their name, as the console and audit show it.")],
    institution: Annotated[
        str | None,
        typer.Option(help="Their agency, bank or insurer; an enterprise person's USCC."),
    ] = None,
    scopes: Annotated[
        str | None, typer.Option(help="Space-separated scopes (default: the kind's grant).")
    ] = None,
    totp: Annotated[
        bool, typer.Option("--totp", help="Require a TOTP code too; prints its otpauth:// URI.")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin's first line.")
    ] = False,
) -> None:
    """Add a person's account; the password is asked (or read from stdin) and stored hashed."""
    catalog = load_catalog()
    try:
        person_kind = ClientKind(kind)
    except ValueError:
        person_kind = None
    granted = (
        scopes.split()
        if scopes
        else sorted(catalog.default_scopes(person_kind))
        if person_kind is not None
        else []
    )
    password = _read_password(password_stdin)
    settings = get_settings()

    async def go() -> Account:
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            return await add_account(
                driver,
                settings.neo4j_database,
                username=username,
                name=name,
                kind=kind,
                institution=institution,
                password=password,
                scopes=granted,
                totp=totp,
                now=int(time.time()),
                known_scopes=catalog.scope_names(),
            )

    try:
        account = asyncio.run(go())
    except AccountError as error:
        complain(str(error))
        raise typer.Exit(2) from None
    say(f"username: {account.username}")
    uri = totp_uri(account)
    if uri:
        say(f"totp: {uri}   (shown once; add it to an authenticator app)")


@users_app.command("list")
def users_list() -> None:
    """Every account, without passwords or TOTP secrets."""
    settings = get_settings()

    async def go() -> list[Account]:
        async with open_driver(settings) as driver:
            return await list_accounts(driver, settings.neo4j_database)

    now = int(time.time())
    table = Table("username", "name", "kind", "institution", "totp", "state")
    for account in asyncio.run(go()):
        state = "disabled" if account.disabled else "locked" if account.locked(now) else "active"
        table.add_row(
            *map(
                Text,
                (
                    account.username,
                    account.name,
                    account.kind.value,
                    account.institution or "-",
                    "yes" if account.totp_secret else "no",
                    state,
                ),
            )
        )
    show(table)


def _change_account(username: str, change: str) -> None:
    settings = get_settings()

    async def go() -> Account:
        async with open_driver(settings) as driver:
            database = settings.neo4j_database
            if change == "unlock":
                return await unlock_account(driver, database, username)
            return await set_account_disabled(driver, database, username, change == "disable")

    try:
        asyncio.run(go())
    except AccountError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    say(f"{change.removesuffix('e')}ed {username}")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Stop an account signing in; its sessions end at their next refresh."""
    _change_account(username, "disable")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Let a disabled account sign in again."""
    _change_account(username, "enable")


@users_app.command("unlock")
def users_unlock(username: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Lift a lockout after failed sign-ins."""
    _change_account(username, "unlock")
