"""The hub's ASGI application: routes, the GraphQL endpoint and the Neo4j lifecycle."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from graph_schema.migrate import apply_migrations
from hub.api.context import Context
from hub.api.loaders import Loaders
from hub.api.schema import build_schema
from hub.database import open_driver
from hub.health import healthz, readyz
from hub.ide import OfflineIdeGraphQL, ide_routes
from hub.ingest import build_pipeline, push_batch
from hub.reference_data import load_reference
from hub.repository import Neo4jEnterpriseReader
from hub.secrets import person_key_secret
from hub.settings import Settings, get_settings


class HubGraphQL(OfflineIdeGraphQL):
    """The GraphQL endpoint; each request gets fresh loaders so nothing is cached across."""

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        state = request.app.state
        return Context(
            request=request,
            reader=state.reader,
            loaders=Loaders(state.reader),
            settings=state.settings,
        )


def create_app(settings: Settings | None = None, driver: AsyncDriver | None = None) -> Starlette:
    """Build the app. With `driver` given the caller owns it (tests); otherwise the app does."""
    settings = settings or get_settings()
    schema = build_schema(settings)
    graphql = HubGraphQL(schema, graphql_ide=None if settings.production else "graphiql")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = driver is None
        drv = driver or open_driver(settings)
        if settings.migrate_on_start:
            await apply_migrations(drv, settings.neo4j_database)
            await load_reference(drv, settings.neo4j_database)
        app.state.settings = settings
        app.state.driver = drv
        app.state.reader = Neo4jEnterpriseReader(drv, settings.neo4j_database)
        app.state.pipeline = build_pipeline(
            drv, settings, person_key_secret(settings), on_applied=None
        )
        try:
            yield
        finally:
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
        *ide_routes(),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
