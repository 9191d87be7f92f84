"""The hub's ASGI application: its routes, the GraphQL endpoint and the checks a request passes
before GraphQL sees it. What the routes use is put together once at start by `hub.bootstrap`
and handed to each of them (`RunningServices`); nothing is kept in `app.state`."""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Lifespan
from starlette.websockets import WebSocket
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema
from strawberry.types.unset import UNSET

from auth.audit.routes import checkpoint_routes
from auth.catalog import VisibilityMode
from auth.consents import consents_covering
from auth.http import principal_from_request, unauthorized_response
from auth.policy import enterprise_visibility, field_decider, purpose_required
from auth.principal import ClientKind, Principal
from auth.routes import oauth_routes
from auth.verify import TokenError, TokenErrorCode
from hub.api.access import visibility_filter
from hub.api.audit import withheld_answer
from hub.api.context import Context
from hub.api.http_guard import GuardedGraphQL, refuse_connection, remember_token
from hub.api.loaders import ConsentLookup, Loaders
from hub.api.media import GRAPHQL_RESPONSE, JSON, as_graphql_response, wants_graphql_response
from hub.api.schema import build_schema
from hub.availability import DATABASE_ANSWERS, UNAVAILABLE_REASON, DatabaseGuard, unavailability
from hub.bootstrap import RunningServices, Services, auth_service, bootstrap, load_rule_files
from hub.clock import Clock, system_clock
from hub.console import console_routes
from hub.health import healthz, readyz
from hub.heap import settle_after_start
from hub.ide import ide_routes
from hub.ingest import push_batch
from hub.logs import RequestIds
from hub.metrics import HubMetrics, RequestMetrics, metrics_endpoint
from hub.rate_limit import retry_after_header
from hub.settings import Settings, get_settings

NOBODY = Principal(client_id="", kind=ClientKind.PUBLIC, scopes=frozenset())
"""A WebSocket before its connection_init is verified: may see nothing."""


def request_context(
    services: Services, request: Request | WebSocket, principal: Principal, purpose: str | None
) -> Context:
    """What one operation's resolvers receive: the services, and this caller's policy
    decisions and loaders as of now."""
    catalog = services.rules.catalog
    now = services.clock()
    visibility = visibility_filter(catalog, principal, now)
    return Context(
        request=request,
        services=services,
        loaders=Loaders(services.reader, visibility, consent_lookup(services, principal, now)),
        principal=principal,
        decide=field_decider(catalog, principal),
        now=now,
        purpose=purpose,
    )


class BadPurpose(ValueError):
    """An X-Purpose the hub will not write into the audit trail; the message says why and
    `code` is the websocket's close reason."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def stated_purpose(raw: object, longest: int, *, header: bool) -> str | None:
    """The purpose a request states (its X-Purpose header, or `connection_init`'s), None when
    it states none. It enters the audit trail an enterprise reads, so it must be one line of
    text: a header is read as UTF-8 (HTTP hands it over as Latin-1: a Chinese purpose would
    be stored garbled), control and direction characters are refused, and it is at most
    `longest` characters."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise BadPurpose("X-Purpose must be a string", "bad_purpose")
    text = raw
    if header:
        try:
            text = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            raise BadPurpose("X-Purpose is not UTF-8", "bad_purpose") from None
    text = text.strip()
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in text):
        raise BadPurpose(
            "X-Purpose holds a control or direction character: state it as one line of text",
            "bad_purpose",
        )
    if len(text) > longest:
        raise BadPurpose(
            f"X-Purpose is {len(text)} characters long; state the purpose in at most {longest}",
            "purpose_too_long",
        )
    return text or None


def consent_lookup(
    services: Services, principal: Principal, now: dt.datetime
) -> ConsentLookup | None:
    """How the request reads a consent-limited caller's consents (None for other kinds)."""
    if (
        enterprise_visibility(services.rules.catalog, principal).mode
        is not VisibilityMode.CONSENTED
    ):
        return None
    institution = principal.institution or ""

    async def lookup(usccs: list[str]) -> dict[str, dict[str, str]]:
        return await consents_covering(
            services.driver, services.database, usccs=usccs, institution=institution, now=now
        )

    return lookup


def _graphql_response(response: Response) -> Response:
    """A JSON answer as `application/graphql-response+json`, with the status that says whether
    the request was executed (`hub.api.media`); any other response as it is."""
    if not response.headers.get("content-type", "").startswith(JSON):
        return response
    status, body = as_graphql_response(bytes(response.body))
    if response.status_code != 200:
        status = response.status_code
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
    return Response(body, status_code=status, headers=headers)


class HubGraphQL(GuardedGraphQL):
    """The GraphQL endpoint: every operation needs a valid access token, and each request gets
    its own policy decisions and loaders, so nothing is shared between callers."""

    def __init__(
        self, schema: BaseSchema, running: RunningServices, *, graphql_ide: GraphQL_IDE | None
    ) -> None:
        super().__init__(schema, graphql_ide=graphql_ide)
        self.running = running

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        if isinstance(request, WebSocket):
            return await super().run(request, context, root_value)
        if self._is_ide_page(request):
            return await self.render_graphql_ide(request)  # the page only: it runs nothing
        services = self.running()
        try:
            principal = await principal_from_request(request, services.auth.verifier)
        except TokenError as error:
            return unauthorized_response(error)
        if principal is None:
            return unauthorized_response(
                TokenError(TokenErrorCode.MISSING_TOKEN, "an access token is required")
            )
        limiter = services.rate_limiter
        wait = limiter.take(principal.client_id) if limiter is not None else None
        if limiter is not None and wait is not None:
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": f"client {principal.client_id} sent more than "
                            f"{limiter.per_minute} requests a minute; retry "
                            f"after {retry_after_header(wait)} s",
                            "extensions": {"code": "RATE_LIMITED"},
                        }
                    ]
                },
                status_code=429,
                headers={"Retry-After": retry_after_header(wait)},
            )
        longest = services.settings.max_purpose_chars
        try:
            purpose = stated_purpose(request.headers.get("x-purpose"), longest, header=True)
        except BadPurpose as error:
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": str(error),
                            "extensions": {"code": "BAD_REQUEST", "limit": longest},
                        }
                    ]
                },
                status_code=400,
            )
        if purpose is None and purpose_required(services.rules.catalog, principal):
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": f"a {principal.kind.value} client must say why it "
                            "reads enterprise data: send an X-Purpose header",
                            "extensions": {"code": "PURPOSE_REQUIRED"},
                        }
                    ]
                },
                status_code=400,
            )
        context = request_context(services, request, principal, purpose)
        response = await self.run_guarded(request, context, services.settings.max_body_bytes)
        withheld = withheld_answer(request)  # its audit record could not be written: 503
        if withheld is not None:
            return withheld
        if not wants_graphql_response(request.headers.get("accept")):
            return response
        return _graphql_response(response)

    def _is_ide_page(self, request: Request) -> bool:
        return (
            request.method == "GET"
            and self.graphql_ide is not None
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
        )

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return request_context(self.running(), request, NOBODY, None)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        """Subscriptions authenticate in connection_init: {"Authorization": "Bearer ...",
        "X-Purpose": "..."}; a kind that must state a purpose over HTTP must state it here.
        The token is checked again before each operation and each delivery (`SocketToken`)."""
        services = context.services
        params = getattr(context, "connection_params", None) or {}
        header = str(params.get("Authorization") or params.get("authorization") or "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise refuse_connection(context.request, "missing_token")
        verifier = services.auth.verifier
        try:
            principal, claims = await verifier.verify_with_claims(token.strip())
        except TokenError as error:
            raise refuse_connection(context.request, error.code.value) from None
        except Exception as error:  # the revocation check could not reach the database
            cause = unavailability(error)
            if cause is None:
                raise
            services.circuit.record_failure(cause)
            raise refuse_connection(context.request, UNAVAILABLE_REASON) from None
        try:
            purpose = stated_purpose(
                params.get("X-Purpose", params.get("x-purpose")),
                services.settings.max_purpose_chars,
                header=False,
            )
        except BadPurpose as error:
            raise refuse_connection(context.request, error.code) from None
        if purpose is None and purpose_required(services.rules.catalog, principal):
            raise refuse_connection(context.request, "purpose_required")
        assert isinstance(context.request, WebSocket)
        remember_token(context.request, verifier, claims)
        websocket = context.request
        websocket.state.new_context = lambda: request_context(
            services, websocket, principal, purpose
        )
        verified = request_context(services, context.request, principal, purpose)
        context.principal, context.decide, context.loaders, context.purpose = (
            verified.principal,
            verified.decide,
            verified.loaders,
            verified.purpose,
        )
        return None


class HubApp(Starlette):
    """The hub's ASGI app; `services` are what its lifespan built (`hub.bootstrap`)."""

    def __init__(
        self,
        running: RunningServices,
        routes: list[BaseRoute],
        lifespan: Lifespan[Starlette],
        metrics: HubMetrics,
    ) -> None:
        super().__init__(
            routes=routes,
            lifespan=lifespan,
            middleware=[
                Middleware(RequestIds),  # outermost: every log line of the request has its id
                Middleware(RequestMetrics, metrics=metrics),
                # innermost: its 503s are counted and carry the request id
                Middleware(
                    DatabaseGuard, circuit=lambda: running().circuit, answers=DATABASE_ANSWERS
                ),
            ],
        )
        self.running = running
        self.metrics = metrics

    @property
    def services(self) -> Services:
        """The services while the hub runs (RuntimeError before it has started)."""
        return self.running()


def create_app(
    settings: Settings | None = None,
    driver: AsyncDriver | None = None,
    clock: Clock = system_clock,
    *,
    settle_heap: bool = False,
) -> HubApp:
    """Build the app. With `driver` given the caller owns it (tests); otherwise the app does.
    `clock` is the instant the hub works as of: requests, batches and ratings all read it.
    The rule files and the signing keys are checked here, before anything is served; the
    services are built at start (`hub.bootstrap.bootstrap`) and handed to every route.
    `settle_heap`: a server process tunes its collector once started (`hub.heap`); an app
    built inside a test process leaves that process's collector alone."""
    settings = settings or get_settings()
    rules = load_rule_files()
    auth = auth_service(settings, rules.catalog)
    running = RunningServices()
    metrics = HubMetrics()
    schema = build_schema(settings, rules.catalog)
    graphql = HubGraphQL(schema, running, graphql_ide=None if settings.production else "graphiql")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = await bootstrap(settings, driver, clock, rules=rules, auth=auth, metrics=metrics)
        running.start(services)
        if settle_heap:
            settle_after_start(settings.gc_young_threshold)
        try:
            yield
        finally:
            await services.aclose()

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/readyz", partial(readyz, running)),
        Route("/metrics", partial(metrics_endpoint, running, metrics), methods=["GET"]),
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        Route("/connectors/batches", partial(push_batch, running), methods=["POST"]),
        *checkpoint_routes(settings.audit_checkpoints, settings.keys_dir),
        *oauth_routes(auth),
        *ide_routes(),
        *console_routes(settings),
    ]
    return HubApp(running, routes, lifespan, metrics)


def served_app() -> HubApp:
    """The app of one worker process of `hub serve` with several workers (`HUB_WORKERS`):
    uvicorn calls this in each, which reads the settings from the environment."""
    return create_app(get_settings(), settle_heap=True)
