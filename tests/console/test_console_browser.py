"""The web console in a real headless Chromium (Debian's, driven by Playwright for Python).

A regulator signs in with a real token, searches, opens a profile, sees the factor chart,
opens the relationship graph and expands a node; the graph canvas must have drawn pixels,
and the page must ask nothing of any origin but the hub's.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver
from playwright.async_api import Browser, Page, async_playwright

from graph_schema.uscc import make_uscc
from hub.credit import load_joint_rules, load_model
from hub.credit.recompute import CreditRecomputer

CHROMIUM = os.environ.get("CONSOLE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS", "/tmp/console-screenshots"))


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"CB{i:06d}")


GRAPH = """
CREATE (a:Enterprise {uscc: $u[0], name: 'Alpha Trading Co.', zone: 'KAIFENG',
                      status: 'ACTIVE', registeredOn: date('2019-01-01')})
CREATE (b:Enterprise {uscc: $u[1], name: 'Beta Export Co.', zone: 'KAIFENG',
                      status: 'ACTIVE', registeredOn: date('2019-01-01')})
CREATE (c:Enterprise {uscc: $u[2], name: 'Gamma Goods Co.', zone: 'KAIFENG',
                      status: 'ACTIVE', registeredOn: date('2019-01-01')})
CREATE (wang:Person {personKey: 'wang', name: 'Wang Wei'})
CREATE (addr:Address {key: 'no 5 road', text: 'No. 5 Road'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(a),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(b),
       (b)-[:REGISTERED_AT {since: date('2019-01-01')}]->(addr),
       (c)-[:REGISTERED_AT {since: date('2019-01-01')}]->(addr)
CREATE (a)-[:CLASSIFIED]->(:Classification {id: 'CL-A', department: 'TAX',
        scheme: 'TAX_CREDIT', value: 'B', effectiveFrom: date('2024-04-01')})
CREATE (b)-[:LISTED]->(:ListEntry {id: 'SD-B', list: 'SERIOUS_DISHONESTY', department: 'SAMR',
        listedOn: date('2025-01-01'), reason: 'fraud', basis: 'memorandum'})
"""


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        await launched.close()


async def signed_in(browser: Browser, hub_url: str, token: str, seen: list[str]) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 1400})
    page.on("request", lambda request: seen.append(request.url))
    await page.goto(f"{hub_url}/console")
    await page.fill("#token", token)
    await page.click("#signin button[type=submit]")
    await page.wait_for_selector("#tabs:not([hidden])")
    return page


async def drawn_pixels(page: Page) -> int:
    """Non-transparent pixels on the graph's canvases (Cytoscape draws on several layers)."""
    count: int = await page.evaluate(
        """() => {
          let drawn = 0;
          for (const canvas of document.querySelectorAll('#graph canvas')) {
            const data = canvas.getContext('2d')
              .getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
          }
          return drawn;
        }"""
    )
    return count


async def test_a_regulator_searches_opens_a_profile_and_expands_the_graph(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    await graph.execute_query(GRAPH, u=[u(i) for i in range(3)], database_=DATABASE)
    await CreditRecomputer(graph, DATABASE, load_model(), load_joint_rules()).recompute_all(
        dt.datetime.now(dt.UTC).date()
    )
    token = await token_for(hub_url, graph, "regulator")
    seen: list[str] = []
    page = await signed_in(browser, hub_url, token, seen)

    await page.fill("#query", "Alpha")
    await page.click("#find button")
    await page.click(f"#results li[data-uscc='{u(0)}']")
    await page.wait_for_selector("#factors tbody tr")
    codes = await page.locator("#factors tbody tr td:first-child").all_inner_texts()
    assert "TAX_B" in codes and "NETWORK_RISK" in codes  # Beta, listed, is 1 hop away
    assert await page.locator("#factor-chart").is_visible()
    assert "Grade" in await page.inner_text("#profile-summary")

    await page.wait_for_function("() => state.graph && state.graph.nodes().length >= 2")
    before = await page.evaluate("() => state.graph.nodes().length")
    await page.wait_for_timeout(300)  # the layout settles before the pixels are read
    assert await drawn_pixels(page) > 500, "the graph canvas is blank"
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.locator("#graph").screenshot(path=str(SHOTS / "graph.png"))

    # expand Beta (reached through Wang): its address and Gamma appear
    box = await page.locator("#graph").bounding_box()
    assert box is not None
    position = await page.evaluate(
        f"() => state.graph.nodes().filter(n => n.data('key') === '{u(1)}')[0].renderedPosition()"
    )
    await page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    await page.wait_for_function(f"() => state.graph.nodes().length > {before}")
    keys = await page.evaluate("() => state.graph.nodes().map(n => n.data('key'))")
    assert u(2) in keys and "no 5 road" in keys

    origin = hub_url.rstrip("/")
    outside = [url for url in seen if not (url.startswith(origin) or url.startswith("data:"))]
    assert outside == [], f"the console asked other origins: {outside}"


async def test_what_a_client_may_not_see_is_absent_not_broken(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    await graph.execute_query(GRAPH, u=[u(i) for i in range(3)], database_=DATABASE)
    public = await token_for(hub_url, graph, "public")
    page = await signed_in(browser, hub_url, public, [])
    await page.fill("#query", "Alpha")
    await page.click("#find button")
    await page.click(f"#results li[data-uscc='{u(0)}']")
    await page.wait_for_selector("#profile-name:not(:empty)")
    # no credit:read, no graph:read: the summary is empty and the graph and chart are hidden
    assert await page.inner_text("#profile-summary") == ""
    # the page hides them as the profile's answer comes in: wait for that, not for a moment
    await page.wait_for_selector("#graph", state="hidden")
    await page.wait_for_selector("#factor-chart", state="hidden")
    assert await page.locator("#graph").is_hidden()
    assert await page.locator("#factor-chart").is_hidden()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.click("a[href='#alerts']")
    await page.wait_for_timeout(300)
    assert await page.locator("#alert-table").is_hidden() and errors == []


async def test_only_a_demo_hub_offers_its_demo_clients_and_libraries_are_local(
    hub_url: str,
) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=hub_url) as client:
        assert (await client.get("/console/demo-clients")).status_code == 404
        library = await client.get("/console/lib/cytoscape.js")
        assert library.status_code == 200 and "cytoscape" in library.text[:2000].lower()
        assert (await client.get("/console/lib/react.js")).status_code == 404  # not listed
