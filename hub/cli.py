"""The `hub` command line: the local database, migrations, the demo zone, and the service."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import TYPE_CHECKING, Annotated

import typer
from neo4j import AsyncDriver

from graph_schema.dates import utc_today
from graph_schema.migrate import MigrationError, apply_migrations
from graph_schema.uscc import UsccError, validate_uscc
from hub.cli_auth import audit_app, clients_app, keys_app, users_app, write_demo_clients
from hub.cli_connectors import connector_app, sync
from hub.cli_output import complain, progress, say
from hub.credit.recompute import build_recomputer
from hub.database import bolt_uri, local_db, open_driver
from hub.localdb import LocalNeo4jError
from hub.logs import configure_logging
from hub.reference_data import load_reference
from hub.secrets import person_key_secret
from hub.settings import Settings, get_settings

if TYPE_CHECKING:
    from hub.risk import ScanReport

app = typer.Typer(help="Pilot-zone credit hub.", no_args_is_help=True)
db_app = typer.Typer(help="The local Neo4j (used when NEO4J_URI is not set).", no_args_is_help=True)
uscc_app = typer.Typer(help="Unified Social Credit Codes.", no_args_is_help=True)
risk_app = typer.Typer(help="Risk alerts computed on the graph.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(connector_app, name="connector")
app.add_typer(clients_app, name="clients")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.command("sync")(sync)
app.add_typer(uscc_app, name="uscc")
app.add_typer(risk_app, name="risk")


def _require_local(settings: Settings) -> None:
    if not settings.uses_local_db:
        complain(f"NEO4J_URI is set ({settings.neo4j_uri}); no local Neo4j is managed.")
        raise typer.Exit(1)


@db_app.command("start")
def db_start() -> None:
    """Start the local Neo4j in the background and wait until Bolt answers."""
    settings = get_settings()
    _require_local(settings)
    db = local_db(settings)
    try:
        uri = db.start(timeout_s=settings.local_db_start_timeout_s)
    except LocalNeo4jError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    say(f"Neo4j is up at {uri} (data in {db.home})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j cleanly."""
    settings = get_settings()
    _require_local(settings)
    stopped = local_db(settings).stop()
    say("Neo4j stopped." if stopped else "Neo4j was not running.")


@db_app.command("status")
def db_status() -> None:
    """Say whether the local Neo4j runs; exit 1 when it does not."""
    settings = get_settings()
    _require_local(settings)
    db = local_db(settings)
    pid = db.running_pid()
    if pid is None:
        say(f"Neo4j is not running (data in {db.home}).")
        raise typer.Exit(1)
    say(f"Neo4j is running: pid {pid}, {db.uri}, data in {db.home}")


@app.command()
def schema() -> None:
    """Print the GraphQL schema as SDL (what clients/python/schema.graphql holds)."""
    from auth.catalog import load_catalog
    from hub.api.schema import client_sdl

    typer.echo(client_sdl(get_settings(), load_catalog()), nl=False)


@app.command()
def migrate() -> None:
    """Apply the graph migrations that are not applied yet."""
    settings = get_settings()

    async def go() -> list[int]:
        async with open_driver(settings) as driver:
            return await apply_migrations(driver, settings.neo4j_database)

    try:
        applied = asyncio.run(go())
    except MigrationError as error:
        complain(str(error))
        raise typer.Exit(1) from None
    say(f"Applied migrations {applied}." if applied else "Migrations are up to date.")


@app.command()
def seed(
    enterprises: Annotated[int, typer.Option(min=1, help="How many enterprises.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same zone.")] = 42,
    only_if_empty: Annotated[bool, typer.Option(help="Do nothing if the graph has data.")] = False,
) -> None:
    """Build the synthetic demo zone (Kaifeng, Xinxiang, Zhengzhou) in the graph."""
    settings = get_settings()
    _seed(settings, enterprises, seed, only_if_empty)


def _seed(settings: Settings, enterprises: int, seed_value: int, only_if_empty: bool) -> None:
    from hub.seed import SeedError, graph_is_empty, scan_zone, seed_zone
    from hub.seed.providers import PROVIDERS_FROM, demo_providers

    secret = person_key_secret(settings)

    async def go() -> None:
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            await load_reference(driver, settings.neo4j_database)
            if only_if_empty and not await graph_is_empty(driver, settings.neo4j_database):
                say("The graph already has data; not seeding.")
                return
            with progress("seeding") as bar:
                task = bar.add_task("enterprises", total=enterprises)
                stats = await seed_zone(
                    driver,
                    settings.neo4j_database,
                    data_dir=settings.data_dir,
                    person_secret=secret,
                    enterprises=enterprises,
                    seed=seed_value,
                    progress=lambda done: bar.update(task, completed=done),
                )
            providers = len(demo_providers()) if enterprises >= PROVIDERS_FROM else 0
            serving = f" and {providers} providers serving them" if providers else ""
            say(
                f"Seeded {enterprises} enterprises{serving} through the signed pipeline: "
                f"{stats.records:,} records in {stats.batches} batches "
                f"({stats.applied} applied, {stats.skipped} already there) "
                f"in {stats.elapsed_s:.1f} s ({stats.records_per_s:,.0f} records/s)."
            )
            # the seed's batches are applied without the per-batch hook: one full pass is faster
            today = utc_today()
            await _rate_all(driver, settings, today)
            # then the risk scan, which reads the coverage the rating derived
            with progress("scanning") as bar:
                task = bar.add_task("enterprises", total=None)
                report = await scan_zone(
                    driver,
                    settings.neo4j_database,
                    today,
                    lambda done, total: bar.update(task, completed=done, total=total),
                )
            say(_scanned(report, today))

    try:
        asyncio.run(go())
    except SeedError as error:
        complain(str(error))
        raise typer.Exit(1) from None


async def _rate_all(driver: AsyncDriver, settings: Settings, as_of: dt.date) -> None:
    recomputer = build_recomputer(driver, settings)
    with progress("rating") as bar:
        task = bar.add_task("subjects", total=None)
        report = await recomputer.recompute_all(
            as_of, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    say(
        f"Rated {report.enterprises:,} enterprises and derived the coverage of their and "
        f"{report.persons:,} listed persons' entries as of {as_of.isoformat()} in "
        f"{report.seconds:.1f} s: {report.ratings_written:,} new ratings, "
        f"{report.coverage_written:,} coverage rows written, {report.withdrawn:,} withdrawn."
    )


async def _rate_due(driver: AsyncDriver, settings: Settings, as_of: dt.date) -> None:
    from hub.clock import system_clock
    from hub.credit.schedule import build_schedule

    schedule = build_schedule(build_recomputer(driver, settings), settings, system_clock)
    report = await schedule.run_due(as_of)
    if report.outcome == "LEASE_HELD":
        say("Another process is re-rating what the date changed (it holds the lease); not now.")
    elif report.outcome == "LEASE_LOST":
        say("The lease was lost during the run (another process took it); nothing recorded.")
    elif report.outcome == "FIRST_RUN":
        say(f"First date-driven run: {as_of.isoformat()} recorded as covered, nothing re-rated.")
    elif report.outcome == "UP_TO_DATE":
        since = report.since.isoformat() if report.since else "?"
        say(f"Date-driven re-rating is up to date: covered to {since}.")
    else:
        since = report.since.isoformat() if report.since else "?"
        say(
            f"Re-rated what the days after {since} up to {as_of.isoformat()} changed: "
            f"{report.enterprises:,} enterprises, {report.persons:,} listed persons, "
            f"{report.changes:,} changes."
        )


def _as_of(as_of: str | None) -> dt.date:
    """The day of `--as-of` (today when not given); exit 2 if it is not a date."""
    if as_of is None:
        return utc_today()
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError as error:
        complain(f"--as-of {as_of!r} is not a date (YYYY-MM-DD): {error}")
        raise typer.Exit(2) from None


@app.command()
def rate(
    all_: Annotated[
        bool, typer.Option("--all", help="Every enterprise and every listed person.")
    ] = False,
    due: Annotated[
        bool,
        typer.Option(
            "--due",
            help="What the days since the last covered one changed (what the hub's schedule "
            "runs daily), under its lease.",
        ),
    ] = False,
    usccs: Annotated[
        list[str] | None, typer.Argument(help="Enterprises to re-rate (and what they affect).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Rate as of this date (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Recompute stored ratings and joint-punishment/incentive coverage."""
    if due and (all_ or usccs):
        complain("Give --due alone (with --as-of at most).")
        raise typer.Exit(2)
    if not due and all_ == bool(usccs):
        complain("Give either --all or one or more USCCs.")
        raise typer.Exit(2)
    day = _as_of(as_of)
    try:
        codes = [validate_uscc(code) for code in usccs or []]
    except UsccError as error:
        complain(str(error))
        raise typer.Exit(2) from None
    settings = get_settings()

    async def go() -> None:
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            if due:
                await _rate_due(driver, settings, day)
                return
            if all_:
                await _rate_all(driver, settings, day)
                return
            report = await build_recomputer(driver, settings).recompute_affected(codes, [], day)
            say(
                f"Re-rated {report.enterprises:,} enterprises (those given and those within "
                f"reach) as of {day.isoformat()}: {report.ratings_written:,} new ratings, "
                f"{report.coverage_written:,} coverage rows written, {report.withdrawn:,} "
                "withdrawn."
            )

    asyncio.run(go())


@risk_app.command("scan")
def risk_scan(
    as_of: Annotated[
        str | None, typer.Option(help="Scan as of this date (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Run every risk detection over every enterprise and store the alerts."""
    from hub.risk import RiskScanner, load_risk_rules

    day = _as_of(as_of)
    settings = get_settings()

    async def go() -> None:
        async with open_driver(settings) as driver:
            await apply_migrations(driver, settings.neo4j_database)
            scanner = RiskScanner(driver, settings.neo4j_database, load_risk_rules())
            with progress("scanning") as bar:
                task = bar.add_task("enterprises", total=None)
                report = await scanner.scan_all(
                    day, lambda done, total: bar.update(task, completed=done, total=total)
                )
        say(_scanned(report, day))

    asyncio.run(go())


def _scanned(report: ScanReport, day: dt.date) -> str:
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.by_kind.items())) or "none"
    return (
        f"Scanned {report.enterprises:,} enterprises as of {day.isoformat()} in "
        f"{report.seconds:.1f} s: {report.found:,} alerts ({kinds}), {report.cleared:,} cleared."
    )


@app.command()
def serve() -> None:
    """Serve the hub (Neo4j must be reachable: NEO4J_URI, or `hub db start`)."""

    _serve(get_settings())


def _serve(settings: Settings) -> None:
    import uvicorn

    from hub.app import create_app

    log_config = configure_logging(settings)
    # several workers: each process builds the app from the same environment (a factory)
    app = "hub.app:served_app" if settings.workers > 1 else create_app(settings, settle_heap=True)
    uvicorn.run(
        app,
        factory=settings.workers > 1,
        workers=settings.workers,
        # a worker builds its services (keys, rules, driver, journal) before it answers
        # uvicorn's health ping: 5 s, uvicorn's default, killed slow starters on a busy machine
        timeout_worker_healthcheck=60,
        host=settings.host,
        port=settings.port,
        log_config=log_config,  # uvicorn's own lines as JSON too, through the same handler
        log_level=settings.log_level.lower(),
        ws_max_size=settings.max_body_bytes,  # a websocket message is bounded like a body
    )


@app.command()
def run() -> None:
    """Start Neo4j if needed, migrate, seed the demo zone if empty, and serve. Ctrl-C stops."""
    settings = get_settings()
    configure_logging(settings)
    started_here = False
    if settings.uses_local_db:
        db = local_db(settings)
        if db.running_pid() is None:
            say(f"Starting the local Neo4j (data in {db.home}) ...")
            try:
                db.start(timeout_s=settings.local_db_start_timeout_s, parent_pid=os.getpid())
            except LocalNeo4jError as error:
                complain(str(error))
                raise typer.Exit(1) from None
            started_here = True
    try:
        _seed(settings, settings.demo_enterprises, settings.demo_seed, only_if_empty=True)
        clients = write_demo_clients(settings)
        base = f"http://{settings.host}:{settings.port}"
        say(
            f"\nThe hub serves the demo zone on {base}\n"
            f"  GraphQL endpoint and IDE: {base}/graphql\n"
            f"  console: {base}/console\n"
            f"  demo people who sign in to it, and their passwords: {settings.demo_people_file}\n"
            f"  health: {base}/healthz   readiness: {base}/readyz\n"
            f"  OAuth token endpoint: {base}/oauth/token\n"
            f"  demo clients (one per kind) and their secrets: {clients}\n"
            f"  Neo4j: {bolt_uri(settings)}\n"
            "Ctrl-C stops the hub" + (" and the Neo4j it started." if started_here else ".")
        )
        os.environ["HUB_DEMO"] = "true"  # several workers each read their settings from it
        _serve(settings.model_copy(update={"demo": True}))
    finally:
        if started_here:
            say("Stopping Neo4j ...")
            local_db(settings).stop()


@uscc_app.command("check")
def uscc_check(codes: Annotated[list[str], typer.Argument(help="Codes to check.")]) -> None:
    """Print valid or the reason for each code; exit 1 if any is invalid."""
    invalid = 0
    for code in codes:
        try:
            say(f"{validate_uscc(code)}: valid")
        except UsccError as error:
            invalid += 1
            say(f"{code}: invalid ({error.rule}): {error}")
    if invalid:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
