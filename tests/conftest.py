"""The test session's Neo4j: one real local Neo4j on a free port in a temporary directory.

Set HUB_TEST_NEO4J_URI to run the suite against a server you started yourself instead
(the suite wipes that database between tests).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from graph_kit import DATABASE, HeldClock, hub_settings, served, token_for, wipe
from hypothesis import settings
from neo4j import AsyncDriver, AsyncGraphDatabase

from graph_schema.migrate import apply_migrations
from hub.localdb import LocalNeo4j, free_port

GraphQLCaller = Callable[..., Awaitable[dict[str, object]]]

# Hypothesis's per-example deadline is a timing assertion; the suite asserts behaviour only
# (speed is measured in bench/), and a loaded CI machine must not fail a correct example.
settings.register_profile("hub", deadline=None)
settings.load_profile("hub")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("HUB_TEST_NEO4J_URI")
    if external:
        yield external
        return
    home: Path = tmp_path_factory.mktemp("neo4j")
    db = LocalNeo4j(home=home, port=free_port(), heap_mb=768, pagecache_mb=256)
    uri = db.start(parent_pid=os.getpid())
    try:
        yield uri
    finally:
        db.stop()


@pytest.fixture(scope="session")
async def driver(neo4j_uri: str) -> AsyncIterator[AsyncDriver]:
    drv = AsyncGraphDatabase.driver(neo4j_uri, auth=None)
    await apply_migrations(drv, DATABASE)
    try:
        yield drv
    finally:
        await drv.close()


@pytest.fixture
async def graph(driver: AsyncDriver) -> AsyncDriver:
    """A driver on an empty, migrated graph."""
    await wipe(driver)
    return driver


@pytest.fixture(scope="session")
def session_clock() -> HeldClock:
    """The clock the session's hub works as of (see `hub_clock`)."""
    return HeldClock()


@pytest.fixture
def hub_clock(session_clock: HeldClock) -> Iterator[HeldClock]:
    """The session hub's clock, for a test that depends on the date: it holds it at a
    written-down instant, and the clock is let go after the test."""
    try:
        yield session_clock
    finally:
        session_clock.release()


@pytest.fixture(scope="session")
def hub_url(
    neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory, session_clock: HeldClock
) -> Iterator[str]:
    """A real hub served by uvicorn on a free port, with its own driver to the test Neo4j."""
    settings = hub_settings(
        neo4j_uri=neo4j_uri,
        data_dir=tmp_path_factory.mktemp("hub-data"),
        port=free_port(),
        # tests' own pipelines leave effects owed in the shared graph: not this hub's to do
        effects_drain_in_background=False,
    )
    with served(settings, session_clock) as url:
        yield url


@pytest.fixture
async def gql(graph: AsyncDriver, hub_url: str) -> AsyncIterator[GraphQLCaller]:
    """Calls the hub's /graphql as a regulator (every read, all enterprises)."""
    import httpx

    token = await token_for(hub_url, graph, "regulator")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub_url, timeout=30, headers=headers) as client:

        async def call(query: str, **variables: object) -> dict[str, object]:
            response = await client.post("/graphql", json={"query": query, "variables": variables})
            assert response.status_code in (200, 400), response.text
            body: dict[str, object] = response.json()
            return body

        yield call
