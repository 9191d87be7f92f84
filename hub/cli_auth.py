"""`hub clients ...` and `hub keys rotate`: OAuth clients and the hub's token signing keys."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from auth.audit.chain import VerifyResult, verify_chain
from auth.catalog import load_catalog
from auth.clients import ClientError, HubClient, add_client, list_clients, remove_client
from auth.demo import create_demo_clients
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
    """One demo client per kind, written with their secrets to var/demo-clients.json (0600)."""

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
            await create_demo_clients(
                driver,
                settings.neo4j_database,
                settings.demo_clients_file,
                load_catalog().default_grants(),
                institutions,
                token_endpoint=f"{settings.base_url}/oauth/token",
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


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain; exit 1 and say where, if a record was changed, removed or
    reordered."""
    settings = get_settings()

    async def go() -> VerifyResult:
        async with open_driver(settings) as driver:
            with progress("verifying", elapsed=False) as bar:
                task = bar.add_task("records", total=None)
                return await verify_chain(
                    driver,
                    settings.neo4j_database,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )

    result = asyncio.run(go())
    say(str(result))
    if not result.ok:
        raise typer.Exit(1)
