"""Issue 14: the shipped entry point as a user runs it. `hub run` (the console script `make run`
calls) in a subprocess starts its own local Neo4j, seeds a small demo zone and serves; the
console signs in as a demo person and shows the demo zone, the GraphQL IDE loads the schema,
and Ctrl-C stops the hub and the Neo4j it started.

Slow (a Neo4j of its own, started and seeded) but part of `make test`: it shares nothing with
the session's Neo4j fixtures. The child is killed, with its process group, whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from graph_kit import wait_until
from playwright.async_api import Locator, Page, async_playwright
from pydantic import BaseModel, Field

from auth.demo import DemoClient, DemoClientsFile
from auth.signin import DemoPeopleFile
from hub.localdb import LocalNeo4j, free_port

REPO = Path(__file__).resolve().parent.parent
HUB = REPO / ".venv" / "bin" / "hub"
CHROMIUM = os.environ.get("CONSOLE_CHROMIUM", "/usr/bin/chromium")

READY_WITHIN_S = 300.0
"""A bound on the wait, not a timing asserted: `hub run` waits up to 180 s for its Neo4j
(`HUB_LOCAL_DB_START_TIMEOUT_S`), then migrates and seeds the demo zone."""
STOPPED_WITHIN_S = 120.0
"""Ctrl-C: uvicorn's shutdown, then Neo4j's (SIGTERM, SIGKILL after 60 s)."""
CTRL_C_EXIT = 0
"""`hub run` stopped by Ctrl-C while it serves: uvicorn shuts down, re-raises the SIGINT it
caught, and `uvicorn.run` swallows the KeyboardInterrupt; `hub run` then stops its Neo4j in its
`finally` and returns normally. (A Ctrl-C before it serves, while seeding, is typer's 130.)"""
DEMO_ENTERPRISES = 10  # the least `HUB_DEMO_ENTERPRISES` allows


@dataclass
class RunningHub:
    process: subprocess.Popen[bytes]
    url: str
    data_dir: Path
    db_port: int
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def neo4j(self) -> LocalNeo4j:
        return LocalNeo4j(home=self.data_dir / "neo4j", port=self.db_port)


@contextlib.contextmanager
def hub_run(workdir: Path) -> Iterator[RunningHub]:
    """`hub run` as `make run` starts it, in a session (process group) of its own, with an
    environment stated here alone (no developer's NEO4J_URI or HUB_*, and no `.env`: the
    settings read `.env` from the working directory, `workdir`). Killed, with its group, and
    its Neo4j stopped, however the test ends."""
    hub_port, db_port = free_port(), free_port()
    assert hub_port != db_port
    data_dir = workdir / "data"
    env = {
        "PATH": os.environ["PATH"],  # java
        "HOME": os.environ.get("HOME", str(workdir)),  # Maven's ~/.m2 if the launcher is built
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",  # the output so far is in the log when a wait fails
        "HUB_DATA_DIR": str(data_dir),
        "HUB_HOST": "127.0.0.1",
        "HUB_PORT": str(hub_port),
        "HUB_LOCAL_DB_PORT": str(db_port),
        "HUB_LOCAL_DB_HEAP_MB": "512",
        "HUB_LOCAL_DB_PAGECACHE_MB": "128",
        "HUB_DEMO_ENTERPRISES": str(DEMO_ENTERPRISES),
    }
    log = workdir / "hub-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(HUB), "run"],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = RunningHub(process, f"http://127.0.0.1:{hub_port}", data_dir, db_port, log)
    try:
        yield hub
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        # the launcher is in a session of its own and stops when `hub run` dies; a killed
        # `hub run` did not stop it, so stop it here rather than leave it behind
        hub.neo4j().stop()


async def wait_until_ready(hub: RunningHub, timeout_s: float) -> None:
    """Poll /readyz until it answers 200 (bounded); fail at once, with the output, if `hub run`
    exits first."""

    def ready() -> bool:
        if hub.process.poll() is not None:
            raise AssertionError(
                f"`hub run` exited with {hub.process.returncode} before it was ready:\n"
                + hub.output()
            )
        try:
            return httpx.get(f"{hub.url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    if not await asyncio.to_thread(wait_until, ready, timeout_s, 0.5):
        raise AssertionError(f"`hub run` was not ready within {timeout_s:.0f} s:\n{hub.output()}")


# --- what the test reads back from the hub ----------------------------------------------------


class ListedClient(BaseModel):
    """One entry of GET /console/demo-clients."""

    kind: str
    client_id: str = Field(alias="clientId")
    client_secret: str = Field(alias="clientSecret")


class EnterpriseNode(BaseModel):
    uscc: str
    name: str
    zone: str


class EnterpriseEdge(BaseModel):
    node: EnterpriseNode


class EnterpriseConnection(BaseModel):
    total_count: int = Field(alias="totalCount")
    edges: list[EnterpriseEdge]


class DemoZone(BaseModel):
    enterprises: EnterpriseConnection


class Rating(BaseModel):
    grade: str
    score: int


class RatingAnswer(BaseModel):
    credit_profile: Rating = Field(alias="creditProfile")


def token_of(hub: RunningHub, client: DemoClient) -> str:
    """Sign in with a demo client's id and secret as the console does (client credentials)."""
    answer = httpx.post(
        f"{hub.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=30,
    )
    assert answer.status_code == 200, f"{client.client_id}: {answer.status_code} {answer.text}"
    token: str = answer.json()["access_token"]
    return token


def query(hub: RunningHub, token: str, document: str, **variables: str | int) -> str:
    """The `data` of a GraphQL answer, as JSON text for a model to read."""
    answer = httpx.post(
        f"{hub.url}/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    assert "errors" not in body, body["errors"]
    return json.dumps(body["data"])


def bolt_refused(port: int) -> bool:
    """Whether nothing listens on the local Bolt port any more."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return False
    except ConnectionRefusedError:
        return True


def pid_gone(pid: int) -> bool:
    """Whether `pid` has exited: gone, or a zombie whose new parent has not reaped it yet (the
    hub that started it has exited, so the reaping is up to init, whenever it gets to it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        line = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return line.rsplit(")", 1)[1].split()[0] == "Z"


# --- the test ---------------------------------------------------------------------------------


def check_demo_clients(hub: RunningHub) -> DemoClientsFile:
    """GET /console/demo-clients lists the clients of the data dir's demo-clients.json, whose
    secrets sign in; the file is its owner's only."""
    listed = httpx.get(f"{hub.url}/console/demo-clients", timeout=30)
    assert listed.status_code == 200, listed.text
    clients = [ListedClient.model_validate(entry) for entry in listed.json()]
    path = hub.data_dir / "demo-clients.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    demo = DemoClientsFile.read(path)
    assert "regulator" in {c.kind for c in clients}
    assert [(c.kind, c.client_id, c.client_secret) for c in clients] == [
        (c.kind.value, c.client_id, c.client_secret) for c in demo.clients
    ]
    for client in demo.clients:
        assert token_of(hub, client)
    return demo


async def check_console(page: Page, hub: RunningHub, regulator: DemoClient) -> None:
    """A demo regulator (a person, from the sign-in page's demo list) signs in through the
    authorization code flow, finds an enterprise of the demo zone by its name and opens its
    credit report; the console shows, in Chinese, what the hub answers."""
    token = token_of(hub, regulator)
    zone = DemoZone.model_validate_json(
        query(
            hub,
            token,
            "{ enterprises(first: 1) { totalCount edges { node { uscc name zone } } } }",
        )
    )
    assert zone.enterprises.total_count == DEMO_ENTERPRISES
    first = zone.enterprises.edges[0].node
    rating = RatingAnswer.model_validate_json(
        query(
            hub,
            token,
            "query($u: String!) { creditProfile(uscc: $u) { grade score } }",
            u=first.uscc,
        )
    ).credit_profile
    people = DemoPeopleFile.model_validate_json(
        (hub.data_dir / "demo-people.json").read_text(encoding="utf-8")
    )
    person = next(p for p in people.people if p.kind == "regulator")

    seen: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{hub.url}/console")
    await page.click("#signin")
    await page.click(f"button.demo[data-username='{person.username}']")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#account:not([hidden])")
    assert person.name in await page.inner_text("#who")

    await page.fill("#search-query", first.name)
    await page.press("#search-query", "Enter")
    found = page.locator(f"#search-results tr[data-uscc='{first.uscc}']")
    await found.wait_for()
    assert first.name in await found.inner_text()
    await found.locator("a[href^='#/report/']").click()
    await page.wait_for_selector("#report[data-complete]")
    assert await page.inner_text("#r-uscc") == first.uscc
    badge = await page.inner_text("#r-grade-badge")
    assert badge.startswith(rating.grade), badge

    assert errors == [], errors
    outside = [url for url in seen if not url.startswith((hub.url, "data:", "blob:"))]
    assert outside == [], f"the console asked other origins: {outside}"


async def check_ide(page: Page, hub: RunningHub, regulator: DemoClient) -> None:
    """The IDE at /graphql, with a demo regulator's token in its headers (as the README says),
    introspects the schema; its documentation explorer walks from Query to Enterprise."""
    headers = json.dumps({"Authorization": f"Bearer {token_of(hub, regulator)}"})
    async with page.expect_response(
        lambda r: r.url == f"{hub.url}/graphql" and r.request.method == "POST"
    ) as fetched:
        await page.goto(f"{hub.url}/graphql?headers={urllib.parse.quote(headers)}")
    introspection = await fetched.value
    assert introspection.status == 200
    schema: dict[str, object] = await introspection.json()
    assert "errors" not in schema, schema["errors"]

    await page.click("button[aria-label='Show Documentation Explorer']")
    explorer = page.locator(".graphiql-doc-explorer")
    await explorer.get_by_text("Root Types").wait_for()
    assert await page.get_by_text("Error fetching schema").count() == 0
    await type_link(explorer, "Query").click()
    title = explorer.locator(".graphiql-doc-explorer-title")
    await title.filter(has_text=exactly("Query")).wait_for()
    fields = explorer.locator(".graphiql-doc-explorer-field-name")
    assert {"enterprise", "enterprises", "creditProfile"} <= set(await fields.all_inner_texts())
    # `enterprise(uscc: String!): Enterprise`: the field's type leads to Enterprise
    enterprise_field = explorer.locator(".graphiql-doc-explorer-item").filter(
        has=page.locator(".graphiql-doc-explorer-field-name").filter(has_text=exactly("enterprise"))
    )
    await type_link(enterprise_field, "Enterprise").click()
    await title.filter(has_text=exactly("Enterprise")).wait_for()
    assert {"uscc", "name", "officers"} <= set(await fields.all_inner_texts())


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


def type_link(scope: Locator, name: str) -> Locator:
    """The documentation explorer's link to the type `name` within `scope`."""
    return scope.locator("a.graphiql-doc-explorer-type-name").filter(has_text=exactly(name)).first


async def test_hub_run_serves_the_demo_zone_and_ctrl_c_stops_it_and_its_neo4j(
    tmp_path: Path,
) -> None:
    with hub_run(tmp_path) as hub:
        await wait_until_ready(hub, READY_WITHIN_S)
        neo4j_pid = hub.neo4j().running_pid()
        assert neo4j_pid is not None, hub.output()

        demo = check_demo_clients(hub)
        regulator = next(c for c in demo.clients if c.kind.value == "regulator")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = await browser.new_page(viewport={"width": 1280, "height": 1000})
                await check_console(page, hub, regulator)
                ide = await browser.new_page(viewport={"width": 1400, "height": 900})
                await check_ide(ide, hub, regulator)
            finally:
                await browser.close()

        os.killpg(hub.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            code = await asyncio.to_thread(hub.process.wait, STOPPED_WITHIN_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"Ctrl-C did not stop `hub run`:\n{hub.output()}") from None
        output = hub.output()
        assert code == CTRL_C_EXIT, output
        assert "Traceback" not in output, output
        assert "Stopping Neo4j ..." in output, output
        assert pid_gone(neo4j_pid), f"Neo4j (pid {neo4j_pid}) outlived `hub run`"
        assert hub.neo4j().running_pid() is None
        assert bolt_refused(hub.db_port), f"something still listens on {hub.db_port}"
