"""Every setting of the hub, read from the environment (and `.env`), validated at start.

Neo4j settings keep their conventional names (`NEO4J_URI`, `NEO4J_USER`, `NEO4J_PASSWORD`,
`NEO4J_DATABASE`); everything else is prefixed `HUB_`. Without `NEO4J_URI` the hub starts its
own local Neo4j under `HUB_DATA_DIR`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from auth.settings import AuthSettings

REPO_ROOT = Path(__file__).resolve().parent.parent


PRODUCTION_RATE_LIMIT = 600
"""The per-client limit production mode applies when none is set (10 requests a second)."""

REQUEST_BATCH_READS: Final = 8
"""The most batched connection reads (`hub.api.loaders.Loaders.batched`: a page or the totals
of a connection for a page of enterprises) one request runs at once, well under the pool
(`neo4j_max_pool_size`, 50): many aliased connections wait their turn, not take the pool."""


class Bound(BaseModel):
    """What a size argument is when the request leaves it out, and the most it may ask."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default: int = Field(ge=1)
    maximum: int = Field(ge=1)

    @model_validator(mode="after")
    def _default_within_maximum(self) -> Bound:
        if self.default > self.maximum:
            raise ValueError(f"default {self.default} is above maximum {self.maximum}")
        return self


class FieldLimits(BaseModel):
    """The limits table: every paginated field's page and every graph walk's bounds, set as
    `HUB_LIMITS__<NAME>__DEFAULT` / `__MAXIMUM` (e.g. `HUB_LIMITS__ENTERPRISES__MAXIMUM=200`).
    `SIZED_FIELDS` says which GraphQL field and argument each list size belongs to: the
    resolvers and the cost rule (`hub.api.cost`) read the same entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enterprises: Bound = Bound(default=20, maximum=100)
    joint_lists: Bound = Bound(default=50, maximum=500)
    risk_alerts: Bound = Bound(default=50, maximum=500)
    objection_queue: Bound = Bound(default=50, maximum=200)
    changes: Bound = Bound(default=100, maximum=500)
    audit_log: Bound = Bound(default=50, maximum=200)
    rating_history: Bound = Bound(default=20, maximum=200)
    graph_nodes: Bound = Bound(default=500, maximum=2000)
    paths: Bound = Bound(default=25, maximum=25)
    graph_depth: Bound = Bound(default=2, maximum=3)
    path_hops: Bound = Bound(default=4, maximum=6)
    reconciliation_months: Bound = Bound(default=12, maximum=36)  # hub.api.reconciliation
    person_roles: Bound = Bound(default=100, maximum=100)  # a person's ties read (hub.persons)
    # the shared records of one enterprise (hub.api.records), a page at a time
    declarations: Bound = Bound(default=20, maximum=100)
    returns: Bound = Bound(default=20, maximum=100)
    export_receipts: Bound = Bound(default=20, maximum=100)
    tax_refunds: Bound = Bound(default=20, maximum=100)
    overseas_warehouses: Bound = Bound(default=20, maximum=100)
    loans: Bound = Bound(default=20, maximum=100)
    orders: Bound = Bound(default=20, maximum=100)  # with their documents (hub.api.documents)
    # the credit services' transport and trade queries across enterprises (hub.api.lookups)
    shipments: Bound = Bound(default=50, maximum=200)
    trade_declarations: Bound = Bound(default=50, maximum=200)

    @model_validator(mode="before")
    @classmethod
    def _keep_what_is_not_set(cls, data: object) -> object:
        # HUB_LIMITS__ENTERPRISES__MAXIMUM alone must keep the entry's default
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, given in data.items():
            field = cls.model_fields.get(name)
            if isinstance(given, dict) and field is not None and isinstance(field.default, Bound):
                shipped = field.default.model_dump()
                if "maximum" in given and "default" not in given:
                    # a lowered maximum alone brings the default down with it
                    shipped["default"] = min(shipped["default"], int(given["maximum"]))
                merged[name] = {**shipped, **given}
        return merged

    def of(self, name: str) -> Bound:
        """The entry called `name` (a key of `SIZED_FIELDS`' values)."""
        bound = getattr(self, name)
        assert isinstance(bound, Bound), name
        return bound


SIZED_FIELDS: Final[dict[tuple[str, str], tuple[str | None, str]]] = {
    ("Query", "enterprises"): ("first", "enterprises"),
    ("Query", "jointPunishmentList"): ("first", "joint_lists"),
    ("Query", "jointIncentiveList"): ("first", "joint_lists"),
    ("Query", "riskAlerts"): ("first", "risk_alerts"),
    ("Query", "objections"): ("first", "objection_queue"),
    ("Query", "repairApplications"): ("first", "objection_queue"),  # the same kind of queue
    ("Query", "changesSince"): ("first", "changes"),
    ("Query", "auditLog"): ("first", "audit_log"),
    ("Query", "myAccessLog"): ("first", "audit_log"),
    ("CreditProfile", "history"): ("first", "rating_history"),
    ("Query", "relationshipGraph"): ("limit", "graph_nodes"),
    ("Query", "paths"): (None, "paths"),
    ("Query", "tradeReconciliation"): ("months", "reconciliation_months"),
    ("Enterprise", "declarations"): ("first", "declarations"),
    ("Enterprise", "returns"): ("first", "returns"),
    ("Enterprise", "exportReceipts"): ("first", "export_receipts"),
    ("Enterprise", "taxRefunds"): ("first", "tax_refunds"),
    ("Enterprise", "overseasWarehouses"): ("first", "overseas_warehouses"),
    ("Enterprise", "loans"): ("first", "loans"),
    ("Enterprise", "orders"): ("first", "orders"),
    ("Query", "shipments"): ("first", "shipments"),
    ("Query", "tradeDeclarations"): ("first", "trade_declarations"),
}
"""(type, field) of every list field the limits table sizes → (the argument that sets its
size, or None when the client cannot; its entry in `FieldLimits`)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HUB_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    # --- Neo4j -----------------------------------------------------------------------------
    neo4j_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_URI", "HUB_NEO4J_URI"),
        description="Bolt or neo4j:// URI of an existing server; unset starts a local Neo4j.",
    )
    neo4j_user: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD")
    )
    neo4j_database: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))
    neo4j_max_pool_size: int = Field(default=50, ge=1, le=1000)
    neo4j_connection_timeout_s: float = Field(
        default=2.0,
        gt=0,
        description="How long opening a connection to Neo4j may take (short: a server that is "
        "gone must not hold a request; see hub/availability.py).",
    )
    neo4j_acquisition_timeout_s: float = Field(
        default=3.0,
        gt=0,
        description="How long a request waits for a pooled connection, opening one included "
        "(above the connection timeout); beyond, 503 with Retry-After.",
    )
    neo4j_max_retry_time_s: float = Field(
        default=0.5,
        ge=0,
        description="How long a failed transaction is retried (a leader switch): 0.5 is one "
        "retry about a second later, so a request answers 503 within about two seconds when "
        "Neo4j is gone.",
    )

    # --- the local Neo4j (used only without NEO4J_URI) ---------------------------------------
    data_dir: Path = Field(default=REPO_ROOT / "var", description="Local state: Neo4j, secrets.")
    local_db_port: int = Field(default=7687, ge=1, le=65535)
    local_db_heap_mb: int = Field(default=1024, ge=256)
    local_db_pagecache_mb: int = Field(default=512, ge=64)
    local_db_start_timeout_s: float = Field(default=180.0, gt=0)

    # --- the HTTP service ----------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    production: bool = Field(
        default=False,
        description="Turns the GraphQL IDE and introspection off, masks unexpected errors and "
        "turns the per-client rate limit on.",
    )
    migrate_on_start: bool = True

    # --- GraphQL limits ------------------------------------------------------------------------
    max_query_depth: int = Field(default=10, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=50)
    max_query_cost: int = Field(
        default=50_000,
        ge=10,
        description="Fields an operation may ask for, lists multiplied by their first/limit.",
    )
    rate_limit_per_minute: int | None = Field(
        default=None,
        ge=1,
        description="GraphQL requests a minute per client and instance; unset: 600 in "
        "production, no limit otherwise.",
    )
    rate_limit_burst: int = Field(
        default=60, ge=1, description="Requests a client may send at once."
    )
    workers: int = Field(
        default=1,
        ge=1,
        description="Worker processes serving this instance (uvicorn workers), one per core the "
        "hub may use; they share the rate limits (a table in data_dir/rate-limits), the audit "
        "chain and the change feed (both in Neo4j).",
    )
    gc_young_threshold: int = Field(
        default=50_000,
        ge=700,
        description="Allocations between two collections of the youngest generation (Python's "
        "default is 700); the heap built at start is frozen out of every collection.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="The largest /graphql request body (and websocket message); 413 beyond.",
    )
    max_purpose_chars: int = Field(
        default=200,
        ge=1,
        description="The longest X-Purpose a request may state (it goes into the audit trail).",
    )
    max_representations: int = Field(
        default=500,
        ge=1,
        description="Representations one request may pass to _entities (federation).",
    )
    token_rate_limit_per_minute: int = Field(
        default=60,
        ge=1,
        description="Requests to /oauth/token a minute per client id (per remote address for "
        "ids the hub does not know), per instance; beyond, 429 with Retry-After.",
    )
    token_rate_limit_burst: int = Field(
        default=20, ge=1, description="Token requests a client id or address may send at once."
    )
    sign_in_rate_limit_per_minute: int = Field(
        default=30,
        ge=1,
        description="Sign-in attempts (POST /oauth/authorize) a minute per remote address, per "
        "instance; beyond, 429 with Retry-After (each attempt costs an argon2 check).",
    )
    sign_in_rate_limit_burst: int = Field(
        default=10, ge=1, description="Sign-in attempts one address may send at once."
    )
    limits: FieldLimits = Field(
        default_factory=FieldLimits,
        description="Default and largest size of every list field and graph walk.",
    )
    max_page_size: int | None = Field(default=None, exclude=True)
    default_page_size: int | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _no_replaced_settings(self) -> Settings:
        # a deployment that lowered the old page size must not silently serve 100 rows
        for old in ("max_page_size", "default_page_size"):
            if getattr(self, old) is not None:
                raise ValueError(
                    f"HUB_{old.upper()} is replaced by the limits table: set "
                    f"HUB_LIMITS__ENTERPRISES__{'MAXIMUM' if old.startswith('max') else 'DEFAULT'}"
                )
        return self

    # --- connectors ------------------------------------------------------------------------
    batch_max_records: int = Field(default=10_000, ge=1)
    batch_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    batch_max_future_skew_s: int = Field(
        default=300, ge=0, description="How far ahead of the hub's clock a batch may be dated."
    )
    batch_max_age_s: int = Field(
        default=86_400, ge=60, description="How old a batch may be when it arrives."
    )
    batch_max_sequence_jump: int = Field(
        default=1_000_000,
        ge=1,
        le=2**53 - 1,
        description="How far above its connector's last accepted sequence a batch's may be.",
    )

    # --- what follows a batch: the owed effects (outbox) -----------------------------------
    effects_claim_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="How long a claim on an owed effect (a batch's re-rating or risk scan) "
        "holds without being renewed; the claimant renews it every third of this while it "
        "works, so a claim this old is a crashed claimant's and another process takes it over.",
    )
    effects_poll_s: float = Field(
        default=5.0,
        gt=0,
        description="How often the background drainer looks for owed effects (it is also woken "
        "when this process commits a batch); effects left by a killed process resume here.",
    )
    effects_answer_wait_s: float = Field(
        default=10.0,
        ge=0,
        description="How long a push's answer waits for its batch's effects; beyond, they "
        "finish in the background (the answer is the same either way).",
    )
    effects_drain_in_background: bool = Field(
        default=True,
        description="Whether this process drains owed effects in the background; leave it on "
        "in at least one process per database (a push still completes its own batch's effects).",
    )

    # --- date-driven re-rating -----------------------------------------------------------------
    rerate_schedule: bool = Field(
        default=True,
        description="Re-rate, in the hub process, the enterprises the date alone changes "
        "(publicity ends, decay steps, entries expire, ...): one process among several, by "
        "a lease in the graph. Off: run `hub rate --due` daily instead.",
    )
    rerate_time_of_day: dt.time = Field(
        default=dt.time(0, 10),
        description="When each day the date-driven re-rating runs, UTC (HH:MM): the hub rates "
        "as of the UTC date, so just after it turns.",
    )
    rerate_interval_s: int = Field(
        default=3600,
        ge=0,
        description="Also look every this many seconds whether a day is left to cover (a "
        "process that held the lease died, the hub was down at the time of day); 0: only at "
        "the time of day.",
    )
    rerate_lease_ttl_s: int = Field(
        default=300,
        ge=10,
        description="How long the re-rating's lease holds without renewal: another process "
        "takes it over this long after its holder died.",
    )

    # --- the audit trail: durability, checkpoints, retention ---------------------------------
    audit_durable_timeout_s: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="How long a request waits for its audit record to be durable (in the "
        "journal, else in Neo4j); beyond, it answers AUDIT_UNAVAILABLE (503) and no data.",
    )
    audit_journal: bool = Field(
        default=True,
        description="Make a read's audit record durable first in a local fsynced journal "
        "(a fraction of a millisecond), copied into the chain in Neo4j in the background and "
        "replayed at start; false: each answer waits for its Neo4j commit (about 15 ms).",
    )
    audit_chain_linger_s: float = Field(
        default=0.1,
        ge=0,
        le=5,
        description="With the journal, how long the writer gathers journaled records before "
        "copying them into the chain in one transaction (no answer waits for it).",
    )
    audit_replay_wait_s: float = Field(
        default=30.0,
        ge=0,
        description="At start, how long the hub waits for its journal's records to reach the "
        "chain before serving (beyond, it serves and they follow when Neo4j takes them).",
    )
    audit_journal_dir: Path | None = Field(
        default=None,
        description="Where the audit journals are kept (default data_dir/audit-journal): on a "
        "disk that survives the process (in a container, a volume).",
    )
    audit_checkpoint_every_records: int = Field(
        default=1000,
        ge=1,
        description="Sign a checkpoint of the audit chain's head after this many records.",
    )
    audit_checkpoint_interval_s: float = Field(
        default=300.0,
        gt=0,
        description="Sign a checkpoint at least this often while the chain grows.",
    )
    audit_checkpoint_dir: Path | None = Field(
        default=None,
        description="Where the signed checkpoints are kept (default data_dir/audit-checkpoints);"
        " outside the graph, ideally on storage the database's operators cannot rewrite.",
    )
    audit_archive_dir: Path | None = Field(
        default=None,
        description="Where `hub audit archive` puts segments, and where `hub audit verify`, "
        "`hub audit access-log` and `myAccessLog` read them (default data_dir/audit-archive).",
    )

    @property
    def audit_checkpoints(self) -> Path:
        """The directory of the audit chain's signed checkpoints."""
        return self.audit_checkpoint_dir or self.data_dir / "audit-checkpoints"

    @property
    def audit_journals(self) -> Path:
        """The directory of the hub processes' local audit journals."""
        return self.audit_journal_dir or self.data_dir / "audit-journal"

    @property
    def audit_archive(self) -> Path:
        """The directory of the audit chain's archived segments."""
        return self.audit_archive_dir or self.data_dir / "audit-archive"

    # --- failing fast when Neo4j is gone -------------------------------------------------------
    circuit_open_s: float = Field(
        default=2.0,
        gt=0,
        le=300,
        description="After Neo4j could not be reached, how long requests that need it answer "
        "503 at once (with this as Retry-After) before one of them probes it again.",
    )
    circuit_probe_timeout_s: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="How long the probe that closes the circuit (one query) may take; a "
        "probe that does not answer within it counts as a failure.",
    )
    circuit_readiness_timeout_s: float = Field(
        default=0.8,
        gt=0,
        le=30,
        description="How long GET /readyz waits for Neo4j before answering 503.",
    )

    # --- metrics and logs ------------------------------------------------------------------------
    metrics_enabled: bool = Field(
        default=True,
        description="Serve GET /metrics (Prometheus text, no per-client labels) on the service "
        "port without a token; false answers 404 there (see docs/operations.md).",
    )
    metrics_graph_timeout_s: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="How long a scrape waits for the owed-effects count from Neo4j; beyond, "
        "the scrape answers without it (hub_metrics_graph_up 0).",
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="`hub serve` and `hub run` log JSON lines (timestamp, level, logger, "
        "message, request_id); text is for a developer's terminal.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The least severe log record written."
    )

    # --- identity ----------------------------------------------------------------------------
    person_key_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key for person keys; without it a key is created in data_dir.",
    )

    # --- OAuth (HUB_AUTH__ISSUER, HUB_AUTH__TOKEN_LIFETIME_S, ...; see auth/settings.py) --------
    auth: AuthSettings = Field(default_factory=AuthSettings)

    # --- demo ----------------------------------------------------------------------------------
    demo: bool = Field(
        default=False,
        description="Demo mode (`hub run`): the console offers the demo clients to sign in as.",
    )
    demo_enterprises: int = Field(default=2000, ge=10)
    demo_seed: int = 42

    @property
    def local_db_home(self) -> Path:
        return self.data_dir / "neo4j"

    @property
    def base_url(self) -> str:
        """Where the hub is reached: the OAuth issuer when set, else http://host:port."""
        if self.auth.issuer:
            return self.auth.issuer.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def keys_dir(self) -> Path:
        return self.auth.keys_dir or self.data_dir / "keys"

    @property
    def demo_clients_file(self) -> Path:
        return self.data_dir / "demo-clients.json"

    @property
    def demo_people_file(self) -> Path:
        return self.data_dir / "demo-people.json"

    @property
    def uses_local_db(self) -> bool:
        return self.neo4j_uri is None

    @property
    def rate_limit_dir(self) -> Path | None:
        """Where the workers of this instance keep their shared rate-limit buckets; None with
        one worker (its buckets stay in the process)."""
        return self.data_dir / "rate-limits" if self.workers > 1 else None

    @property
    def effective_rate_limit(self) -> int | None:
        """Requests a minute per client: the setting, else 600 in production, else none."""
        if self.rate_limit_per_minute is not None:
            return self.rate_limit_per_minute
        return PRODUCTION_RATE_LIMIT if self.production else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
