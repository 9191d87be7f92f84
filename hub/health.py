"""Liveness and readiness: /healthz says the process is up, /readyz that it can serve.

Readiness answers within `HUB_CIRCUIT_READINESS_TIMEOUT_S`: at once while the circuit is open
(`hub.availability`), else after one probe of Neo4j and a look at the applied migrations."""

from __future__ import annotations

import asyncio
from typing import Final

from neo4j.exceptions import DriverError, Neo4jError
from starlette.requests import Request
from starlette.responses import JSONResponse

from graph_schema.migrate import pending_migrations
from hub.availability import DatabaseUnavailable, unavailability
from hub.bootstrap import RunningServices, Services

CAUGHT_UP_S: Final = 0.1
"""After the timeout, how long the check may still take to read an answer that arrived while
the event loop was busy (a large request): the hub's own stall is not the database's silence."""


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _unavailable(reason: str, retry_after_s: int = 1) -> JSONResponse:
    return JSONResponse(
        {"status": "unavailable", "reason": reason},
        status_code=503,
        headers={"Retry-After": str(retry_after_s)},
    )


async def _pending(services: Services) -> list[int]:
    """The migrations not applied, once Neo4j has answered the circuit's probe."""
    await services.circuit.check()
    return await pending_migrations(services.driver, services.database)


async def readyz(running: RunningServices, request: Request) -> JSONResponse:
    services = running()
    timeout_s = services.settings.circuit_readiness_timeout_s
    check = asyncio.ensure_future(_pending(services))
    try:
        done, _ = await asyncio.wait({check}, timeout=timeout_s)
        if not done:
            done, _ = await asyncio.wait({check}, timeout=CAUGHT_UP_S)
        if not done:
            check.cancel()
            return _unavailable(f"the database did not answer within {timeout_s:g} s")
        pending = check.result()
    except DatabaseUnavailable as refusal:
        return _unavailable(refusal.reason, refusal.retry_after_s)
    except (Neo4jError, DriverError, OSError) as error:
        cause = unavailability(error)
        if cause is not None:
            services.circuit.record_failure(cause)
        return _unavailable(f"the database is not reachable: {type(error).__name__}")
    finally:
        if not check.done():
            check.cancel()  # the client left: stop asking the database for it
    if pending:
        return _unavailable(f"migrations not applied: {pending}")
    return JSONResponse({"status": "ready"})
