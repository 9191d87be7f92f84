"""Where the hub is put together: the rule files, the auth service and every service the
entrypoints use, built once at start into one typed `Services`.

    rules = load_rule_files()  # refuses a broken catalog or rule file before anything is served
    auth = auth_service(settings, rules.catalog)  # refuses missing signing keys in production
    services = await bootstrap(settings, driver, clock, rules=rules, auth=auth)
    ...
    await services.aclose()

`hub.app.create_app` does exactly this in its lifespan and hands the services to the GraphQL
context, the ingest and health routes and the request checks through a `RunningServices`
(routes are built before the event loop runs, so they hold that, not the services). Nothing
here imports `hub.api` or `hub.app`: they depend on this module, never the reverse.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from neo4j import AsyncDriver

from auth.audit.writer import AuditLog
from auth.catalog import Catalog, load_catalog
from auth.service import AuthService
from connectors.pipeline import AppliedHook, Limits, Outcome, Pipeline
from graph_schema.migrate import apply_migrations
from hub.clock import Clock, system_clock
from hub.credit.changes import ChangeFeed
from hub.credit.joint_rules import JointRules, load_joint_rules
from hub.credit.model import RatingModel, load_model
from hub.credit.recompute import CreditRecomputer
from hub.database import open_driver
from hub.rate_limit import RateLimiter
from hub.reference_data import load_reference
from hub.repository import EnterpriseReader, Neo4jEnterpriseReader
from hub.risk.rules import RiskRules, load_risk_rules
from hub.risk.scan import RiskScanner
from hub.secrets import person_key_secret
from hub.settings import Settings
from hub.stats.targets import PlanTargets, load_targets


@dataclass(frozen=True)
class RuleFiles:
    """The versioned data files the hub runs by, each checked when loaded."""

    catalog: Catalog
    rating_model: RatingModel
    joint_rules: JointRules
    plan_targets: PlanTargets
    risk_rules: RiskRules


def load_rule_files() -> RuleFiles:
    """Every rule file; a broken one raises here, before anything is served."""
    return RuleFiles(
        catalog=load_catalog(),
        rating_model=load_model(),
        joint_rules=load_joint_rules(),
        plan_targets=load_targets(),
        risk_rules=load_risk_rules(),
    )


def auth_service(settings: Settings, catalog: Catalog) -> AuthService:
    """The authorization server and token verifier; its signing keys are opened here, so a
    production hub without them refuses to start."""
    # in production the signing keys come from the deployment, never made by one instance
    auth_settings = (
        settings.auth.model_copy(update={"create_keys_if_missing": False})
        if settings.production
        else settings.auth
    )
    return AuthService.from_settings(
        auth_settings,
        default_issuer=settings.base_url,
        default_keys_dir=settings.keys_dir,
        scopes_supported=catalog.scope_names(),
        token_rate_limit=RateLimiter(
            settings.token_rate_limit_per_minute, settings.token_rate_limit_burst
        ),
    )


def chain_hooks(*hooks: AppliedHook) -> AppliedHook:
    """One `on_applied` hook running `hooks` in order (re-rating before the risk scan, which
    reads the coverage re-rating stores)."""

    async def run(outcome: Outcome) -> None:
        for hook in hooks:
            await hook(outcome)

    return run


def build_pipeline(
    driver: AsyncDriver,
    settings: Settings,
    person_secret: bytes,
    on_applied: AppliedHook | None,
    clock: Clock = system_clock,
) -> Pipeline:
    """The ingest pipeline with the batch limits of `settings` (the service's and `hub
    connector sync`'s)."""
    limits = Limits(
        max_records=settings.batch_max_records,
        max_bytes=settings.batch_max_bytes,
        max_future_skew=dt.timedelta(seconds=settings.batch_max_future_skew_s),
        max_age=dt.timedelta(seconds=settings.batch_max_age_s),
        max_sequence_jump=settings.batch_max_sequence_jump,
    )
    return Pipeline(
        driver,
        settings.neo4j_database,
        person_secret,
        limits=limits,
        on_applied=on_applied,
        clock=clock,
    )


@dataclass(frozen=True)
class Services:
    """Everything the hub's entrypoints use, built once at start by `bootstrap`."""

    settings: Settings
    clock: Clock
    """The instant the hub works as of: requests, batches and ratings all read it."""
    rules: RuleFiles
    driver: AsyncDriver
    auth: AuthService
    reader: EnterpriseReader
    """Enterprises and their relations, through a caller's visibility filter."""
    audit: AuditLog
    """The audit trail's background writer."""
    recomputer: CreditRecomputer
    """Keeps stored ratings and list coverage current after each batch."""
    scanner: RiskScanner
    """Finds risk alerts after each batch."""
    change_feed: ChangeFeed
    """Fans rating and list-status changes out to the subscriptions."""
    pipeline: Pipeline
    """Connectors' batches in; each applied one is re-rated, fed to the change feed, scanned."""
    rate_limiter: RateLimiter | None
    """Requests per client a minute (None: not limited)."""
    closing: AsyncExitStack = field(repr=False)
    """What `aclose` stops, in the reverse order it was started."""

    @property
    def database(self) -> str:
        """The Neo4j database every read and write goes to."""
        return self.settings.neo4j_database

    async def aclose(self) -> None:
        """Stop the change feed, write the audit records still queued (none is lost), stop the
        auth service, and close the driver if `bootstrap` opened it."""
        await self.closing.aclose()


async def bootstrap(
    settings: Settings,
    driver: AsyncDriver | None = None,
    clock: Clock = system_clock,
    *,
    rules: RuleFiles | None = None,
    auth: AuthService | None = None,
) -> Services:
    """Build and start the hub's services. With `driver` given the caller owns it (tests);
    otherwise one is opened here and `Services.aclose` closes it. `rules` and `auth`, when
    given, are the ones already loaded (`create_app` loads them before serving anything).
    Applies the migrations and reference data first when `settings.migrate_on_start`."""
    rules = rules or load_rule_files()
    auth = auth or auth_service(settings, rules.catalog)
    database = settings.neo4j_database
    async with AsyncExitStack() as stack:  # a failure part-way stops what had started
        if driver is None:
            driver = open_driver(settings)
            stack.push_async_callback(driver.close)
        if settings.migrate_on_start:
            await apply_migrations(driver, database)
            await load_reference(driver, database)
        await auth.start(driver, database)
        stack.push_async_callback(auth.aclose)
        audit = AuditLog(driver, database)
        audit.start()
        stack.push_async_callback(audit.aclose)
        change_feed = ChangeFeed(driver, database)
        stack.push_async_callback(change_feed.aclose)
        # ratings and scans age by the hub's clock, not the system's
        recomputer = CreditRecomputer(
            driver,
            database,
            rules.rating_model,
            rules.joint_rules,
            clock=lambda: clock().date(),
        )
        scanner = RiskScanner(driver, database, rules.risk_rules, clock=lambda: clock().date())
        pipeline = build_pipeline(
            driver,
            settings,
            person_key_secret(settings),
            on_applied=chain_hooks(
                recomputer.after_batch, change_feed.after_batch, scanner.after_batch
            ),
            clock=clock,
        )
        limit = settings.effective_rate_limit
        services = Services(
            settings=settings,
            clock=clock,
            rules=rules,
            driver=driver,
            auth=auth,
            reader=Neo4jEnterpriseReader(driver, database),
            audit=audit,
            recomputer=recomputer,
            scanner=scanner,
            change_feed=change_feed,
            pipeline=pipeline,
            rate_limiter=(
                RateLimiter(limit, settings.rate_limit_burst) if limit is not None else None
            ),
            closing=stack.pop_all(),
        )
    return services


class RunningServices:
    """The services once the hub's lifespan has built them: what its routes hold, since
    starlette builds the routes before the event loop runs. The one place they are read from."""

    def __init__(self) -> None:
        self._services: Services | None = None

    def __call__(self) -> Services:
        if self._services is None:
            raise RuntimeError("the hub has not started: its services are built at start")
        return self._services

    def start(self, services: Services) -> None:
        self._services = services
