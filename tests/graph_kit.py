"""Helpers every database test can import: the database name, a way to empty the graph, a
real token for a client of any kind, a hub served by uvicorn on the clock a test holds, settings
stated by the test alone, and the one bounded wait for what the hub writes in the background."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
from neo4j import AsyncDriver
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from hub.bootstrap import Services
from hub.localdb import free_port
from hub.settings import Settings

DATABASE = "neo4j"

T = TypeVar("T")


class _StatedSettings(Settings):
    """Settings from the values a test states, and from nothing else: neither the process
    environment nor a developer's `.env` reaches a test's hub."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def hub_settings(**values: object) -> Settings:
    """The hub's settings with `values` and the defaults only (no environment, no `.env`),
    except that the date-driven re-rating's schedule is off unless a test turns it on: at its
    hour it would re-rate in whichever test's graph is there."""
    values.setdefault("rerate_schedule", False)
    # the suite shares a loaded machine: a commit slower than the production bound is no fault
    values.setdefault("audit_durable_timeout_s", 30.0)
    # every test's people sign in from 127.0.0.1: the per-address limit has its own test
    values.setdefault("sign_in_rate_limit_per_minute", 100_000)
    values.setdefault("sign_in_rate_limit_burst", 100_000)
    return _StatedSettings(**values)  # type: ignore[arg-type]


class HeldClock:
    """The clock a test hub works as of. A test that depends on the date holds it at a
    written-down instant (`hold`); otherwise it follows the system clock, so that the tokens
    and batches other tests make now are not in the hub's future. `release` lets go."""

    def __init__(self) -> None:
        self._held: dt.datetime | None = None

    def __call__(self) -> dt.datetime:
        return self._held or dt.datetime.now(dt.UTC)

    def hold(self, instant: dt.datetime) -> dt.datetime:
        if instant.tzinfo is None:
            raise ValueError("hold the clock at an aware instant")
        self._held = instant.astimezone(dt.UTC)
        return self._held

    def release(self) -> None:
        self._held = None


_serving: list[Services] = []
"""The services of the hubs `served` runs now: their background audit writers are drained
before a wipe."""


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


def wait_until(check: Callable[[], T], timeout_s: float, every_s: float = 0.1) -> T:
    """`eventually` for synchronous code (a subprocess, a server thread): the first truthy
    answer of `check`, polled until `timeout_s` has passed (then its last answer)."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every_s)


async def subscriptions_watching(count: int, timeout_s: float = 10.0) -> bool:
    """Whether `count` subscriptions are live on the served hubs' change feeds (bounded wait):
    graphql-transport-ws acknowledges no `subscribe`, so a test asks the server."""

    async def live() -> bool:
        return sum(services.change_feed.watching for services in _serving) >= count

    return await eventually(live, timeout_s=timeout_s)


async def drain_background_writes(timeout_s: float = 10.0) -> None:
    """Wait (bounded) until every served hub has written the audit records it queued, so a
    record of the last test cannot land in the next test's empty graph."""
    for services in list(_serving):

        async def written(serving: Services = services) -> bool:
            return serving.audit.pending == 0

        if not await eventually(written, timeout_s=timeout_s):
            pending = services.audit.pending
            raise RuntimeError(f"the test hub's audit writer still holds {pending} records")


async def wipe(drv: AsyncDriver) -> None:
    """Delete every node but the migration records, in chunks so large graphs fit in memory.
    The served hubs' background writers are drained first."""
    await drain_background_writes()
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
def served(settings: Settings, clock: HeldClock | None = None) -> Iterator[str]:
    """The hub with `settings` served by uvicorn in a thread on `settings.port`, working as of
    `clock` (the system clock when None); its URL."""
    import threading

    import uvicorn

    from hub.app import create_app

    app = create_app(settings, clock=clock or HeldClock())
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=settings.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{settings.port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    if not wait_until(healthy, timeout_s=30):
        raise RuntimeError("the test hub did not start")
    services = app.services
    _serving.append(services)
    try:
        yield url
    finally:
        _serving.remove(services)
        server.should_exit = True
        thread.join(timeout=10)


class ServedHub:
    """`hub serve` in a process group of its own, on a given Neo4j and a tmp data dir, its
    output in `data_dir/hub.log`: for tests that kill it as a power cut would."""

    def __init__(self, neo4j_uri: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": os.environ["PATH"],
            "NEO4J_URI": neo4j_uri,
            "HUB_DATA_DIR": str(data_dir),
            "HUB_PORT": str(self.port),
        }
        self.data_dir = data_dir
        self.log_file = data_dir / "hub.log"
        self.process: subprocess.Popen[bytes] | None = None

    def output(self) -> str:
        """What the hub has written to stdout and stderr so far."""
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "serve"],
            env=self.env,
            cwd=self.data_dir,  # no developer's `.env` is read
            # a file, not a pipe: a pipe nobody reads fills and blocks a hub that logs a lot
            stdout=self.log_file.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"hub serve exited: {self.output()}")
            try:
                return httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        if not wait_until(ready, timeout_s=90):
            raise RuntimeError("hub serve did not become ready")

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would: no cleanup runs."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
