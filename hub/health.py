"""Liveness and readiness: /healthz says the process is up, /readyz that it can serve."""

from __future__ import annotations

from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired
from starlette.requests import Request
from starlette.responses import JSONResponse

from graph_schema.migrate import pending_migrations


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    try:
        await state.reader.ready()
        pending = await pending_migrations(state.driver, state.settings.neo4j_database)
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
