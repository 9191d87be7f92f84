"""Liveness and readiness: /healthz says the process is up, /readyz that it can serve."""

from __future__ import annotations

from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired
from starlette.requests import Request
from starlette.responses import JSONResponse

from graph_schema.migrate import pending_migrations
from hub.bootstrap import RunningServices


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(running: RunningServices, request: Request) -> JSONResponse:
    services = running()
    try:
        await services.reader.ready()
        pending = await pending_migrations(services.driver, services.database)
    except (ServiceUnavailable, SessionExpired, Neo4jError, OSError) as error:
        return JSONResponse(
            {"status": "unavailable", "reason": f"Neo4j is not reachable: {type(error).__name__}"},
            status_code=503,
        )
    if pending:
        return JSONResponse(
            {"status": "unavailable", "reason": f"migrations not applied: {pending}"},
            status_code=503,
        )
    return JSONResponse({"status": "ready"})
