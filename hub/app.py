"""The hub's ASGI application: routes, the GraphQL endpoint and the Neo4j lifecycle."""

from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata
from collections.abc import AsyncIterator
from typing import Any

from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.types.unset import UNSET

from auth.audit import AuditLog
from auth.catalog import Catalog, RowMode, load_catalog
from auth.consents import consents_covering
from auth.http import principal_from_request, unauthorized_response
from auth.policy import field_decider, purpose_required, row_scope
from auth.principal import ClientKind, Principal
from auth.routes import AuthService, oauth_routes
from auth.verify import TokenError, TokenErrorCode
from graph_schema.migrate import apply_migrations
from hub.api.access import row_filter
from hub.api.context import Context
from hub.api.http_guard import GuardedGraphQL, refuse_connection, remember_token
from hub.api.loaders import ConsentLookup, Loaders
from hub.api.media import (
    GRAPHQL_RESPONSE,
    JSON,
    as_graphql_response,
    is_get_of_a_mutation,
    wants_graphql_response,
)
from hub.api.schema import build_schema
from hub.clock import Clock, system_clock
from hub.console import console_routes
from hub.credit import load_model
from hub.credit.changes import ChangeFeed
from hub.credit.joint_rules import load_joint_rules
from hub.credit.recompute import CreditRecomputer
from hub.database import open_driver
from hub.health import healthz, readyz
from hub.ide import ide_routes
from hub.ingest import build_pipeline, chain_hooks, push_batch
from hub.rate_limit import RateLimiter, retry_after_header
from hub.reference_data import load_reference
from hub.repository import Neo4jEnterpriseReader
from hub.risk import RiskScanner, load_risk_rules
from hub.secrets import person_key_secret
from hub.settings import Settings, get_settings
from hub.stats import load_targets

NOBODY = Principal(client_id="", kind=ClientKind.PUBLIC, scopes=frozenset())
"""A WebSocket before its connection_init is verified: may see nothing."""


def request_context(
    request: Request | WebSocket, principal: Principal, purpose: str | None
) -> Context:
    state = request.app.state
    catalog: Catalog = state.catalog
    now: dt.datetime = state.clock()
    rows = row_filter(catalog, principal, now)
    return Context(
        request=request,
        reader=state.reader,
        loaders=Loaders(state.reader, rows, consent_lookup(state, catalog, principal, now)),
        settings=state.settings,
        catalog=catalog,
        principal=principal,
        decide=field_decider(catalog, principal),
        now=now,
        purpose=purpose,
        audit=getattr(state, "audit", None),
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
    state: Any, catalog: Catalog, principal: Principal, now: dt.datetime
) -> ConsentLookup | None:
    """How the request reads a consent-limited caller's consents (None for other kinds)."""
    if row_scope(catalog, principal).mode is not RowMode.CONSENTED:
        return None
    driver: AsyncDriver = state.driver
    database: str = state.settings.neo4j_database
    institution = principal.institution or ""

    async def lookup(usccs: list[str]) -> dict[str, dict[str, str]]:
        return await consents_covering(
            driver, database, usccs=usccs, institution=institution, now=now
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

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        if isinstance(request, WebSocket):
            return await super().run(request, context, root_value)
        if self._is_ide_page(request):
            return await self.render_graphql_ide(request)  # the page only: it runs nothing
        try:
            principal = await principal_from_request(request)
        except TokenError as error:
            return unauthorized_response(error)
        if principal is None:
            return unauthorized_response(
                TokenError(TokenErrorCode.MISSING_TOKEN, "an access token is required")
            )
        limiter: RateLimiter | None = request.app.state.rate_limiter
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
        longest = request.app.state.settings.max_purpose_chars
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
        if purpose is None and purpose_required(request.app.state.catalog, principal):
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
        if request.method == "GET" and is_get_of_a_mutation(
            request.query_params.get("query"), request.query_params.get("operationName")
        ):
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": "a GET request runs queries only: send mutations and "
                            "subscriptions with POST (or over the websocket)",
                            "extensions": {"code": "METHOD_NOT_ALLOWED"},
                        }
                    ]
                },
                status_code=405,
                headers={"Allow": "POST"},
            )
        context = request_context(request, principal, purpose)
        limit: int = request.app.state.settings.max_body_bytes
        response = await self.run_guarded(request, context, limit)
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
        return request_context(request, NOBODY, None)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        """Subscriptions authenticate in connection_init: {"Authorization": "Bearer ...",
        "X-Purpose": "..."}; a kind that must state a purpose over HTTP must state it here.
        The token is checked again before each operation and each delivery (`SocketToken`)."""
        params = getattr(context, "connection_params", None) or {}
        header = str(params.get("Authorization") or params.get("authorization") or "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise refuse_connection(context.request, "missing_token")
        verifier = context.request.app.state.auth.verifier
        try:
            principal, claims = await verifier.verify_with_claims(token.strip())
        except TokenError as error:
            raise refuse_connection(context.request, error.code.value) from None
        try:
            purpose = stated_purpose(
                params.get("X-Purpose", params.get("x-purpose")),
                context.request.app.state.settings.max_purpose_chars,
                header=False,
            )
        except BadPurpose as error:
            raise refuse_connection(context.request, error.code) from None
        if purpose is None and purpose_required(context.request.app.state.catalog, principal):
            raise refuse_connection(context.request, "purpose_required")
        assert isinstance(context.request, WebSocket)
        remember_token(context.request, verifier, claims)
        websocket = context.request
        websocket.state.new_context = lambda: request_context(websocket, principal, purpose)
        verified = request_context(context.request, principal, purpose)
        context.principal, context.decide, context.loaders, context.purpose = (
            verified.principal,
            verified.decide,
            verified.loaders,
            verified.purpose,
        )
        return None


def create_app(
    settings: Settings | None = None,
    driver: AsyncDriver | None = None,
    clock: Clock = system_clock,
) -> Starlette:
    """Build the app. With `driver` given the caller owns it (tests); otherwise the app does.
    `clock` is the instant the hub works as of: requests, batches and ratings all read it."""
    settings = settings or get_settings()
    catalog: Catalog = load_catalog()  # refuses a broken catalog before anything is served
    rating_model = load_model()  # likewise the rating model
    joint_rules = load_joint_rules()  # and the joint punishment and incentive rules
    plan_targets = load_targets()  # and the pilot zones' plan targets
    risk_rules = load_risk_rules()  # and the risk alert thresholds
    # in production the signing keys come from the deployment, never made by one instance
    auth_settings = (
        settings.auth.model_copy(update={"create_keys_if_missing": False})
        if settings.production
        else settings.auth
    )
    auth_service = AuthService.from_settings(
        auth_settings,
        default_issuer=settings.base_url,
        default_keys_dir=settings.keys_dir,
        scopes_supported=catalog.scope_names(),
        token_rate_limit=RateLimiter(
            settings.token_rate_limit_per_minute, settings.token_rate_limit_burst
        ),
    )
    schema = build_schema(settings, catalog)
    graphql = HubGraphQL(schema, graphql_ide=None if settings.production else "graphiql")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = driver is None
        drv = driver or open_driver(settings)
        if settings.migrate_on_start:
            await apply_migrations(drv, settings.neo4j_database)
            await load_reference(drv, settings.neo4j_database)
        await auth_service.start(drv, settings.neo4j_database)
        audit = AuditLog(drv, settings.neo4j_database)
        audit.start()
        app.state.audit = audit
        app.state.auth = auth_service
        app.state.catalog = catalog
        app.state.rating_model = rating_model
        app.state.joint_rules = joint_rules
        app.state.plan_targets = plan_targets
        app.state.settings = settings
        app.state.clock = clock
        limit = settings.effective_rate_limit
        app.state.rate_limiter = (
            RateLimiter(limit, settings.rate_limit_burst) if limit is not None else None
        )
        app.state.driver = drv
        app.state.reader = Neo4jEnterpriseReader(drv, settings.neo4j_database)
        recomputer = CreditRecomputer(
            drv, settings.neo4j_database, rating_model, joint_rules, clock=lambda: clock().date()
        )
        app.state.recomputer = recomputer
        scanner = RiskScanner(
            drv, settings.neo4j_database, risk_rules, clock=lambda: clock().date()
        )
        change_feed = ChangeFeed(drv, settings.neo4j_database)
        app.state.change_feed = change_feed
        app.state.pipeline = build_pipeline(
            drv,
            settings,
            person_key_secret(settings),
            clock=clock,
            on_applied=chain_hooks(
                recomputer.after_batch, change_feed.after_batch, scanner.after_batch
            ),
        )
        try:
            yield
        finally:
            await change_feed.aclose()
            await audit.aclose()  # writes what is still queued: no audit record is lost
            await auth_service.aclose()
            if own:
                await drv.close()

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    routes = [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        Route("/connectors/batches", push_batch, methods=["POST"]),
        *oauth_routes(auth_service),
        *ide_routes(),
        *console_routes(settings),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
