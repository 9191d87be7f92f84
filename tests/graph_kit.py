"""Helpers every database test can import: the database name, a way to empty the graph, a
real token for a client of any kind, a hub served by uvicorn, and the one bounded wait for
what the hub writes in the background."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from neo4j import AsyncDriver

DATABASE = "neo4j"

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], timeout_s: float = 5.0) -> T:
    """The first truthy answer of `check`, polled until `timeout_s` has passed (then its last
    answer): for what the hub writes in the background, such as the audit trail. A bound on
    the wait, never a timing asserted."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)


async def wipe(drv: AsyncDriver) -> None:
    """Delete every node but the migration records, in chunks so large graphs fit in memory."""
    while True:
        records, _, _ = await drv.execute_query(
            "MATCH (n) WHERE NOT n:SchemaMigration WITH n LIMIT 20000 "
            "DETACH DELETE n RETURN count(*) AS deleted",
            database_=DATABASE,
        )
        if records[0]["deleted"] == 0:
            return


async def token_for(
    hub_url: str,
    driver: AsyncDriver,
    kind: str,
    *,
    institution: str | None = None,
    scopes: list[str] | None = None,
) -> str:
    """Register a client of `kind` (default grant of the catalog) and get it a real token from
    the hub's token endpoint, as a client would."""
    import httpx

    from auth.catalog import load_catalog
    from auth.clients import add_client
    from auth.principal import ClientKind

    client_kind = ClientKind(kind)
    granted = scopes if scopes is not None else sorted(load_catalog().default_scopes(client_kind))
    client, secret = await add_client(
        driver, DATABASE, kind=client_kind, scopes=granted, institution=institution
    )
    async with httpx.AsyncClient(base_url=hub_url) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, secret or ""),
        )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


@contextlib.contextmanager
def served(settings: Any) -> Iterator[str]:
    """The hub with `settings` served by uvicorn in a thread on `settings.port`; its URL."""
    import threading
    import time

    import httpx
    import uvicorn

    from hub.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=settings.port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{settings.port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        raise RuntimeError("the test hub did not start")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
