"""The hub's Prometheus metrics, defined once, on a registry of the app's own (`HubMetrics`):
several apps in one process (the test suite) and a `hub` command that never serves register
nothing globally, so none collides with another's.

What moves them:
- `RequestMetrics`, an ASGI middleware, counts and times every HTTP request by route (the
  route's template, never the raw path), operation and outcome. The operation and its GraphQL
  outcome are filled in by `OperationMetrics`, a schema extension, which leaves them in the
  request's scope (`RequestLabels`).
- the push route calls `count_batch` with each batch's outcome; the recomputer calls
  `observe_rerating` with each report.
- a scrape (`metrics_endpoint`) reads what is current: the audit writer's counts, the change
  feed's subscribers, the Neo4j pool, and the owed effects (one short Cypher, bounded by
  `Settings.metrics_graph_timeout_s`, so a scrape never hangs while Neo4j is away).

Every label has a bounded set of values (a route template, a root field of the schema, a
record type the registry knows, an error code of the hub's); nothing names a client.
docs/operations.md lists each metric.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)
from neo4j import AsyncDriver, Query, RoutingControl
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from connectors.pipeline import Outcome, Status
from connectors.records.registry import RECORD_TYPES

if TYPE_CHECKING:
    from hub.bootstrap import RunningServices, Services
    from hub.credit.recompute import RecomputeReport

LABELS_KEY: Final = "hub.request_labels"
"""Where `RequestMetrics` leaves a request's `RequestLabels` in its ASGI scope."""

REQUEST_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
RERATING_BUCKETS: Final = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

EFFECT_KINDS: Final = frozenset({"RERATE", "SCAN"})
"""The owed effects' kinds (helper A's `OwedEffect.kind`); any other is counted as `other`."""

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
"""What an error code label may be: the hub's codes are upper-case words."""

OWED_EFFECTS: Final = """
MATCH (e:OwedEffect) WHERE e.state IN ['OWED', 'CLAIMED']
RETURN e.kind AS kind, e.state AS state, count(*) AS owed, min(e.createdAt) AS oldest
"""
"""The owed effects not done yet, by kind and state, with the oldest one's creation time."""


@dataclass
class RequestLabels:
    """What a request's metrics are labelled with beyond its route and status: `operation`
    and `code` are set by `OperationMetrics` when GraphQL ran an operation."""

    operation: str = "none"
    code: str = "none"


@dataclass(frozen=True)
class OwedEffects:
    """The owed effects not done yet, as one scrape read them."""

    counts: dict[tuple[str, str], int]
    """(kind, state) -> how many."""
    oldest_age_s: dict[str, float]
    """kind -> how long the oldest of that kind has been owed."""


@dataclass
class _Snapshot:
    """What the last scrape read from the running services, for the collector to report."""

    audit_pending: int = 0
    audit_written: int = 0
    audit_failed: int = 0
    audit_transactions: int = 0
    audit_retries: int = 0
    subscriptions: int = 0
    pool: tuple[int, int] | None = None
    pool_max: int = 0
    effects: OwedEffects | None = None
    graph_up: bool = False


class HubMetrics:
    """The hub's metric families on a registry of their own (`registry`)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "hub_requests",
            "HTTP requests answered, by route template, GraphQL root field, status class and "
            "outcome code.",
            ["route", "operation", "status", "code"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "hub_request_duration_seconds",
            "Time from a request's arrival to the end of its response, by route and operation.",
            ["route", "operation"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.batches = Counter(
            "hub_batches",
            "Connector batches pushed, by outcome (APPLIED, ALREADY_APPLIED or the refusal "
            "code) and record type.",
            ["outcome", "record_type"],
            registry=registry,
        )
        self.records_ingested = Counter(
            "hub_records_ingested",
            "Records written by applied batches, by record type.",
            ["record_type"],
            registry=registry,
        )
        self.rerating_seconds = Histogram(
            "hub_rerating_duration_seconds",
            "How long one recomputation of ratings and list coverage took.",
            buckets=RERATING_BUCKETS,
            registry=registry,
        )
        self.rerated = Counter(
            "hub_rerated_subjects",
            "Enterprises and listed persons recomputed.",
            registry=registry,
        )
        self.scraping = asyncio.Lock()
        """Held by the scrape under way."""
        self._snapshot = _Snapshot()
        registry.register(_SnapshotCollector(self._snapshot))

    def observe_request(
        self, route: str, labels: RequestLabels, status: int, seconds: float
    ) -> None:
        self.requests.labels(route, labels.operation, f"{status // 100}xx", labels.code).inc()
        self.request_seconds.labels(route, labels.operation).observe(seconds)

    def count_batch(self, outcome: Outcome) -> None:
        """Count one pushed batch's outcome (and, when applied, the records it wrote)."""
        record_type = known_record_type(outcome.record_type)
        code = outcome.status.value if outcome.status is not Status.REJECTED else outcome.code
        self.batches.labels(error_code(code), record_type).inc()
        if outcome.status is Status.APPLIED:
            self.records_ingested.labels(record_type).inc(outcome.written)

    def observe_rerating(self, report: RecomputeReport) -> None:
        """The recomputer's `on_report`: one recomputation's duration and size."""
        self.rerating_seconds.observe(report.seconds)
        self.rerated.inc(report.enterprises + report.persons)

    async def refresh(self, services: Services, timeout_s: float) -> None:
        """Read what the scrape reports from the running services; the owed effects within
        `timeout_s` (else they are left out and `hub_metrics_graph_up` is 0)."""
        snapshot = self._snapshot
        snapshot.audit_pending = services.audit.pending
        snapshot.audit_written = services.audit.written
        snapshot.audit_failed = services.audit.failed
        snapshot.audit_transactions = services.audit.transactions
        snapshot.audit_retries = services.audit.retries
        snapshot.subscriptions = services.change_feed.subscribers
        snapshot.pool = pool_connections(services.driver)
        snapshot.pool_max = services.settings.neo4j_max_pool_size
        try:
            snapshot.effects = await asyncio.wait_for(
                owed_effects(services.driver, services.database, services.clock(), timeout_s),
                timeout_s,
            )
            snapshot.graph_up = True
        except Exception:  # any failure to read the graph: the scrape goes on without it
            snapshot.effects, snapshot.graph_up = None, False

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _SnapshotCollector(Collector):
    """Reports what the last scrape read (`HubMetrics.refresh`)."""

    def __init__(self, snapshot: _Snapshot) -> None:
        self._snapshot = snapshot

    def collect(self) -> Iterable[Metric]:
        snap = self._snapshot
        yield GaugeMetricFamily(
            "hub_audit_records_pending",
            "Audit records accepted but not yet written to the chain.",
            value=snap.audit_pending,
        )
        yield CounterMetricFamily(
            "hub_audit_records_written",
            "Audit records this process has written to the chain since it started.",
            value=snap.audit_written,
        )
        yield CounterMetricFamily(
            "hub_audit_records_failed",
            "Audit records that could not be made durable (their reads were answered an error).",
            value=snap.audit_failed,
        )
        yield CounterMetricFamily(
            "hub_audit_chain_retries",
            "Journaled audit records' transactions into the chain that failed and were retried.",
            value=snap.audit_retries,
        )
        yield CounterMetricFamily(
            "hub_audit_transactions",
            "Transactions that wrote audit records (several requests' records share one).",
            value=snap.audit_transactions,
        )
        yield GaugeMetricFamily(
            "hub_subscriptions",
            "Live ratingChanged / listStatusChanged subscriptions on this process.",
            value=snap.subscriptions,
        )
        yield GaugeMetricFamily(
            "hub_neo4j_pool_max_size", "The Neo4j connection pool's size limit.", snap.pool_max
        )
        if snap.pool is not None:
            pool = GaugeMetricFamily(
                "hub_neo4j_pool_connections",
                "Connections in the Neo4j driver's pool, in use or idle.",
                labels=["state"],
            )
            pool.add_metric(["in_use"], snap.pool[0])
            pool.add_metric(["idle"], snap.pool[1])
            yield pool
        yield GaugeMetricFamily(
            "hub_metrics_graph_up",
            "1 when this scrape read the owed effects from Neo4j in time, else 0.",
            value=int(snap.graph_up),
        )
        if snap.effects is not None:
            owed = GaugeMetricFamily(
                "hub_owed_effects",
                "Effects of applied batches not done yet, by kind and state (OWED, CLAIMED).",
                labels=["kind", "state"],
            )
            for kind in sorted(EFFECT_KINDS):
                for state in ("OWED", "CLAIMED"):
                    owed.add_metric([kind, state], snap.effects.counts.get((kind, state), 0))
            for (kind, state), count in sorted(snap.effects.counts.items()):
                if kind not in EFFECT_KINDS:
                    owed.add_metric([kind, state], count)
            yield owed
            age = GaugeMetricFamily(
                "hub_owed_effect_oldest_age_seconds",
                "How long the oldest effect not done yet has been owed (0: none owed).",
                labels=["kind"],
            )
            for kind in sorted(EFFECT_KINDS | set(snap.effects.oldest_age_s)):
                age.add_metric([kind], snap.effects.oldest_age_s.get(kind, 0.0))
            yield age


async def owed_effects(
    driver: AsyncDriver, database: str, now: dt.datetime, timeout_s: float
) -> OwedEffects:
    """The owed effects not done yet (server-side timeout `timeout_s`; the caller bounds the
    wait for a connection too)."""
    records, _, _ = await driver.execute_query(
        Query(OWED_EFFECTS, timeout=timeout_s), database_=database, routing_=RoutingControl.READ
    )
    counts: dict[tuple[str, str], int] = {}
    oldest: dict[str, float] = {}
    for record in records:
        kind = record["kind"] if record["kind"] in EFFECT_KINDS else "other"
        state = str(record["state"])
        counts[(kind, state)] = counts.get((kind, state), 0) + int(record["owed"])
        created = record["oldest"]
        if created is not None:
            created_at = created.to_native() if hasattr(created, "to_native") else created
            age = max(0.0, (now - created_at).total_seconds())
            oldest[kind] = max(oldest.get(kind, 0.0), age)
    return OwedEffects(counts, oldest)


def pool_connections(driver: AsyncDriver) -> tuple[int, int] | None:
    """(in use, idle) connections of the driver's pool. The neo4j 6 driver exposes no pool
    statistics publicly, so this reads its pool's `connections` (address -> connections, each
    with `in_use`) and gives None when a driver version holds them otherwise."""
    pool = getattr(driver, "_pool", None)
    connections = getattr(pool, "connections", None)
    if not isinstance(connections, Mapping):
        return None
    in_use = idle = 0
    for held in list(connections.values()):
        for connection in list(held):
            if getattr(connection, "in_use", False):
                in_use += 1
            else:
                idle += 1
    return in_use, idle


def known_record_type(record_type: str | None) -> str:
    """A batch's record type as a label: one the registry knows, else `unknown` (`none` when
    the batch could not be read that far)."""
    if record_type is None:
        return "none"
    return record_type if record_type in RECORD_TYPES else "unknown"


def error_code(code: object) -> str:
    """An outcome code as a label: the hub's codes are short upper-case words; anything else
    (which a caller could have chosen) is `OTHER`."""
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"


# --- requests -----------------------------------------------------------------------------------


def route_label(scope: Scope) -> str:
    """The template of the route that answered (`/console/{name}`), never the raw path (which a
    caller chooses); `unmatched` when none did."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestMetrics:
    """ASGI middleware: counts and times every HTTP request (`HubMetrics.observe_request`)."""

    def __init__(self, app: ASGIApp, metrics: HubMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        labels = RequestLabels()
        scope[LABELS_KEY] = labels
        started = time.perf_counter()
        status = 500  # an exception before the response starts is answered 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            self.metrics.observe_request(route_label(scope), labels, status, seconds)


class OperationMetrics(SchemaExtension):
    """Labels the request's metrics with the operation GraphQL ran and its outcome: `operation`
    is the operation's root field when it selects one (a field of the schema: a bounded set,
    unlike the operation name a client sends), `multiple` when it selects several, `invalid`
    when the document does not parse, `other` when it names no field of the schema; `code` is
    `OK` or the first error's code."""

    _refused_code: str | None = None
    """Set when validation refused the operation: what its outcome is."""

    async def on_validate(self) -> AsyncIterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors
        if errors:
            code = (errors[0].extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
            self._refused_code = error_code(code)

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        request = getattr(execution.context, "request", None)
        labels = request.scope.get(LABELS_KEY) if isinstance(request, Request) else None
        if not isinstance(labels, RequestLabels):
            return  # a websocket's subscription, or a schema run outside a request
        document = execution.graphql_document
        if document is None:
            labels.operation, labels.code = "invalid", "GRAPHQL_PARSE_FAILED"
            return
        labels.operation = operation_label(execution.schema._schema, document, execution)
        result = execution.result
        errors = execution.pre_execution_errors or (result.errors if result else None) or []
        if self._refused_code is not None:
            labels.code = self._refused_code
        elif errors:
            labels.code = error_code((errors[0].extensions or {}).get("code", "INTERNAL"))
        else:
            labels.code = "OK"


def operation_label(schema: Any, document: DocumentNode, execution: Any) -> str:
    """The label of the operation `document` runs (see `OperationMetrics`)."""
    operation = get_operation_ast(document, execution.operation_name)
    if operation is None:
        return "other"
    root: GraphQLObjectType | None = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }.get(operation.operation)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names = set(_root_field_names(operation.selection_set, fragments, set()))
    names.discard("__typename")
    if len(names) > 1:
        return "multiple"
    if len(names) == 1:
        (name,) = names
        if name in {"__schema", "__type"} or (root is not None and name in root.fields):
            return name
    return "other"


def _root_field_names(
    selections: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> Iterator[str]:
    """The field names a root selection set selects, through its fragments."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_field_names(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                yield from _root_field_names(fragments[name].selection_set, fragments, seen)


# --- the route ----------------------------------------------------------------------------------


async def metrics_endpoint(
    running: RunningServices, metrics: HubMetrics, request: Request
) -> Response:
    """GET /metrics: the hub's metrics in Prometheus text format (404 when
    `Settings.metrics_enabled` is false)."""
    services = running()
    if not services.settings.metrics_enabled:
        return PlainTextResponse("Not Found", status_code=404)
    # one scrape reads the graph at a time: scrapers arriving together share the wait
    async with metrics.scraping:
        await metrics.refresh(services, services.settings.metrics_graph_timeout_s)
        body = metrics.exposition()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
