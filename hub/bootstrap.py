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
import logging
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from functools import partial

from neo4j import AsyncDriver

from auth.audit.archive import AccessArchive
from auth.audit.checkpoints import Checkpointer
from auth.audit.journal import Journal
from auth.audit.writer import AuditLog
from auth.catalog import Catalog, load_catalog
from auth.service import AuthService
from connectors.pipeline import EffectsHook, Limits, Pipeline
from graph_schema.migrate import apply_migrations
from hub.availability import Circuit, answers_query
from hub.clock import Clock, system_clock
from hub.credit.changes import ChangeFeed
from hub.credit.joint_rules import JointRules, load_joint_rules
from hub.credit.model import RatingModel, load_model
from hub.credit.recompute import CreditRecomputer
from hub.credit.schedule import DateRerating, build_schedule
from hub.credit.statutory import StatutoryCatalog, load_statutory
from hub.database import open_driver
from hub.effects import Drainer, effect_handlers
from hub.metrics import HubMetrics
from hub.persons.model import PersonModel, load_person_model
from hub.providers.model import ProviderModel, load_provider_model
from hub.rate_limit import ProcessBuckets, RateLimiter, SharedBuckets
from hub.reconciliation.rules import ReconciliationRules, load_reconciliation_rules
from hub.reference_data import load_reference
from hub.repository import EnterpriseReader, Neo4jEnterpriseReader
from hub.risk.rules import RiskRules, load_risk_rules
from hub.risk.scan import RiskScanner
from hub.secrets import person_key_secret
from hub.settings import Settings
from hub.stats.targets import PlanTargets, load_targets

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleFiles:
    """The versioned data files the hub runs by, each checked when loaded."""

    catalog: Catalog
    rating_model: RatingModel
    joint_rules: JointRules
    statutory: StatutoryCatalog
    plan_targets: PlanTargets
    risk_rules: RiskRules
    reconciliation_rules: ReconciliationRules
    person_model: PersonModel
    provider_model: ProviderModel


def load_rule_files() -> RuleFiles:
    """Every rule file; a broken one raises here, before anything is served."""
    return RuleFiles(
        catalog=load_catalog(),
        rating_model=load_model(),
        joint_rules=load_joint_rules(),
        statutory=load_statutory(),
        plan_targets=load_targets(),
        risk_rules=load_risk_rules(),
        reconciliation_rules=load_reconciliation_rules(),
        person_model=load_person_model(),
        provider_model=load_provider_model(),
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
    service = AuthService.from_settings(
        auth_settings,
        default_issuer=settings.base_url,
        default_keys_dir=settings.keys_dir,
        scopes_supported=catalog.scope_names(),
        token_rate_limit=RateLimiter(
            settings.token_rate_limit_per_minute,
            settings.token_rate_limit_burst,
            buckets=rate_buckets(settings, "token"),
        ),
        sign_in_rate_limit=RateLimiter(
            settings.sign_in_rate_limit_per_minute,
            settings.sign_in_rate_limit_burst,
            buckets=rate_buckets(settings, "sign-in"),
        ),
    )
    # demo mode only: the sign-in page lists the demo people, passwords and all
    service.sign_in.demo_people_file = settings.demo_people_file if settings.demo else None
    return service


def rate_buckets(settings: Settings, name: str) -> ProcessBuckets | SharedBuckets:
    """The buckets of the rate limit `name`: the process's own with one worker, else the table
    every worker of the instance shares."""
    directory = settings.rate_limit_dir
    return ProcessBuckets() if directory is None else SharedBuckets(directory / f"{name}.buckets")


def build_drainer(
    driver: AsyncDriver,
    settings: Settings,
    recomputer: CreditRecomputer,
    scanner: RiskScanner,
    rerated: Callable[[], None] | None = None,
    clock: Clock = system_clock,
) -> Drainer:
    """The drainer of the effects batches owe (the service's and `hub connector sync`'s), with
    the claim timeout and poll interval of `settings`; `rerated` is told after each re-rating."""
    return Drainer(
        driver,
        settings.neo4j_database,
        effect_handlers(recomputer, scanner, rerated),
        clock=clock,
        claim_timeout=dt.timedelta(seconds=settings.effects_claim_timeout_s),
        poll_s=settings.effects_poll_s,
    )


def build_pipeline(
    driver: AsyncDriver,
    settings: Settings,
    person_secret: bytes,
    complete_effects: EffectsHook | None,
    clock: Clock = system_clock,
) -> Pipeline:
    """The ingest pipeline with the batch limits of `settings` (the service's and `hub
    connector sync`'s); `complete_effects` makes each push's answer wait for its batch's
    effects (`Drainer.settle`)."""
    limits = Limits(
        max_records=settings.batch_max_records,
        max_bytes=settings.batch_max_bytes,
        max_future_skew=dt.timedelta(seconds=settings.batch_max_future_skew_s),
        max_age=dt.timedelta(seconds=settings.batch_max_age_s),
        max_sequence_jump=settings.batch_max_sequence_jump,
        effects_wait=dt.timedelta(seconds=settings.effects_answer_wait_s),
    )
    return Pipeline(
        driver,
        settings.neo4j_database,
        person_secret,
        limits=limits,
        complete_effects=complete_effects,
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
    """The audit trail's writer: a read's record is durable (journaled) before it is answered."""
    audit_archive: AccessArchive
    """The audit trail's archived segments, which an enterprise's access log reads on into."""
    recomputer: CreditRecomputer
    """Keeps stored ratings and list coverage current after each batch."""
    scanner: RiskScanner
    """Finds risk alerts after each batch."""
    change_feed: ChangeFeed
    """Fans rating and list-status changes out to the subscriptions."""
    pipeline: Pipeline
    """Connectors' batches in; each applied one owes a re-rating and a scan (`effects`)."""
    effects: Drainer
    """Drains what batches owe (re-rating, then the risk scan): a push's own batch before its
    answer, and, in the background, whatever any process left owed."""
    rate_limiter: RateLimiter | None
    """Requests per client a minute (None: not limited)."""
    circuit: Circuit
    """Whether requests may go to Neo4j now; open, they are answered 503 (`hub.availability`)."""
    schedule: DateRerating
    """Re-rates what the date alone changes (running when `settings.rerate_schedule`)."""
    metrics: HubMetrics
    """The hub's Prometheus metrics (`hub.metrics`)."""
    closing: AsyncExitStack = field(repr=False)
    """What `aclose` stops, in the reverse order it was started."""

    @property
    def database(self) -> str:
        """The Neo4j database every read and write goes to."""
        return self.settings.neo4j_database

    async def aclose(self) -> None:
        """Stop draining owed effects (one being run is given back), stop the change feed,
        write the audit records still waiting, sign the last checkpoint, stop the auth
        service, and close the driver if `bootstrap` opened it."""
        await self.closing.aclose()


async def bootstrap(
    settings: Settings,
    driver: AsyncDriver | None = None,
    clock: Clock = system_clock,
    *,
    rules: RuleFiles | None = None,
    auth: AuthService | None = None,
    metrics: HubMetrics | None = None,
) -> Services:
    """Build and start the hub's services. With `driver` given the caller owns it (tests);
    otherwise one is opened here and `Services.aclose` closes it. `rules` and `auth`, when
    given, are the ones already loaded (`create_app` loads them before serving anything).
    Applies the migrations and reference data first when `settings.migrate_on_start`."""
    rules = rules or load_rule_files()
    auth = auth or auth_service(settings, rules.catalog)
    metrics = metrics or HubMetrics()
    database = settings.neo4j_database
    async with AsyncExitStack() as stack:  # a failure part-way stops what had started
        if driver is None:
            driver = open_driver(settings)
            stack.push_async_callback(driver.close)
        if settings.migrate_on_start:
            await apply_migrations(driver, database)
            await load_reference(driver, database)
        await auth.start(driver, database, clock=clock)
        stack.push_async_callback(auth.aclose)
        checkpointer = Checkpointer(
            driver,
            database,
            settings.audit_checkpoints,
            settings.keys_dir,
            every_records=settings.audit_checkpoint_every_records,
            interval_s=settings.audit_checkpoint_interval_s,
        )
        checkpointer.start()
        stack.push_async_callback(checkpointer.aclose)  # after the writer: signs its last head
        journal = Journal.open(settings.audit_journals) if settings.audit_journal else None
        audit = AuditLog(
            driver,
            database,
            durable_timeout=settings.audit_durable_timeout_s,
            on_written=checkpointer.written,
            journal=journal,
            linger=settings.audit_chain_linger_s,
        )
        audit.start()
        stack.push_async_callback(audit.aclose)  # closes the journal too
        # what a crash left in the journal is in the chain before the first read is served
        if not await audit.wait_written(settings.audit_replay_wait_s):
            log.warning(
                "audit: the journal's records are not all in the chain yet (%d waiting); "
                "they are written once Neo4j takes them",
                audit.pending,
            )
        change_feed = ChangeFeed(driver, database)
        stack.push_async_callback(change_feed.aclose)
        # ratings and scans age by the hub's clock, not the system's
        recomputer = CreditRecomputer(
            driver,
            database,
            rules.rating_model,
            rules.joint_rules,
            clock=lambda: clock().date(),
            on_report=metrics.observe_rerating,
        )
        scanner = RiskScanner(driver, database, rules.risk_rules, clock=lambda: clock().date())
        effects = build_drainer(
            driver, settings, recomputer, scanner, rerated=change_feed.wake, clock=clock
        )
        if settings.effects_drain_in_background:
            effects.start()
            stack.push_async_callback(effects.aclose)  # before the driver closes
        pipeline = build_pipeline(
            driver,
            settings,
            person_key_secret(settings),
            complete_effects=effects.settle,
            clock=clock,
        )
        schedule = build_schedule(recomputer, settings, clock, wake=change_feed.wake)
        if settings.rerate_schedule:
            schedule.start()  # its first run catches up a day missed while no hub ran
            stack.push_async_callback(schedule.aclose)
        limit = settings.effective_rate_limit
        services = Services(
            settings=settings,
            clock=clock,
            rules=rules,
            driver=driver,
            auth=auth,
            reader=Neo4jEnterpriseReader(driver, database),
            audit=audit,
            audit_archive=AccessArchive(settings.audit_archive),
            recomputer=recomputer,
            scanner=scanner,
            change_feed=change_feed,
            pipeline=pipeline,
            effects=effects,
            rate_limiter=(
                RateLimiter(
                    limit, settings.rate_limit_burst, buckets=rate_buckets(settings, "graphql")
                )
                if limit is not None
                else None
            ),
            circuit=Circuit(
                partial(answers_query, driver, database),
                open_s=settings.circuit_open_s,
                probe_timeout_s=settings.circuit_probe_timeout_s,
            ),
            metrics=metrics,
            schedule=schedule,
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
