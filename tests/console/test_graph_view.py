"""The console's relationship graph explorer (`#/graph/<uscc>`) in Debian's Chromium.

An officer opens an enterprise's graph and relies on it: the graph is drawn with a legend,
a clicked node's details fill the side panel, expanding an enterprise adds its neighbours and
collapsing takes them back, a relation filter takes those relationships away, the shortest path
between two enterprises is highlighted without moving or resizing anything, the ultimate owners
and the address clusters are marked, and the picture exports as a PNG. At 200 nodes no two
labels overlap.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from console_kit import Watched, screenshot, serious_violations, watched_page
from graph_kit import DATABASE, HeldClock, token_for
from neo4j import AsyncDriver
from playwright.async_api import Browser, Page

from graph_schema.uscc import make_uscc

TODAY = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def u(i: int) -> str:
    return make_uscc("9", "1", "410200", f"GR{i:06d}")


A, B, C, D, F = u(1), u(2), u(3), u(4), u(6)

# Alpha (root, grade B) is held 60% by Delta, which Li holds wholly: both are its owners.
# Wang represents Alpha and Beta (listed, grade D); Alpha and Foxtrot share address 1 (a
# cluster). Beta's address 2 (shared with Gamma) and its officer Zhao are 3 hops away.
SMALL = """
CREATE (a:Enterprise {uscc: $a, name: 'Alpha Trading Co.', zone: 'KAIFENG', status: 'ACTIVE',
                      creditGrade: 'B'})
CREATE (b:Enterprise {uscc: $b, name: 'Beta Export Co.', zone: 'KAIFENG', status: 'ACTIVE',
                      creditGrade: 'D'})
CREATE (c:Enterprise {uscc: $c, name: 'Gamma Goods Co.', zone: 'KAIFENG', status: 'ACTIVE'})
CREATE (d:Enterprise {uscc: $d, name: 'Delta Holdings Co.', zone: 'KAIFENG', status: 'ACTIVE'})
CREATE (f:Enterprise {uscc: $f, name: 'Foxtrot Freight Co.', zone: 'KAIFENG', status: 'ACTIVE',
                      creditGrade: 'A'})
CREATE (wang:Person {personKey: 'wang', name: 'Wang Wei'})
CREATE (li:Person {personKey: 'li', name: 'Li Ming'})
CREATE (zhao:Person {personKey: 'zhao', name: 'Zhao Lei'})
CREATE (a1:Address {key: 'addr-1', text: 'No. 1 Road'})
CREATE (a2:Address {key: 'addr-2', text: 'No. 2 Road'})
CREATE (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(a),
       (wang)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(b),
       (d)-[:SHAREHOLDER_OF {since: date('2019-01-01'), ratio: 0.6}]->(a),
       (li)-[:SHAREHOLDER_OF {since: date('2019-01-01'), ratio: 1.0}]->(d),
       (a)-[:REGISTERED_AT {since: date('2019-01-01')}]->(a1),
       (f)-[:REGISTERED_AT {since: date('2019-01-01')}]->(a1),
       (b)-[:REGISTERED_AT {since: date('2019-01-01')}]->(a2),
       (c)-[:REGISTERED_AT {since: date('2019-01-01')}]->(a2),
       (zhao)-[:OFFICER_OF {since: date('2019-01-01')}]->(b)
CREATE (b)-[:LISTED]->(:ListEntry {id: 'SD-B', list: 'SERIOUS_DISHONESTY', department: 'SAMR',
        listedOn: date('2025-01-01'), reason: 'fraud', basis: 'memorandum'})
"""

# The depth-2 graph around Alpha, by the console's node ids.
SMALL_NODES = {
    f"Enterprise:{A}",
    f"Enterprise:{B}",
    f"Enterprise:{D}",
    f"Enterprise:{F}",
    "Person:wang",
    "Person:li",
    "Address:addr-1",
}

# ~200 nodes: a root whose 24 officers each represent 4 enterprises; each pair of those
# enterprises shares an address and the first and last of each four share a phone.
STAR = """
CREATE (root:Enterprise {uscc: $root, name: '开封综合保税区跨境电子商务产业园运营管理有限公司',
                         zone: 'KAIFENG', status: 'ACTIVE', creditGrade: 'A'})
WITH root
UNWIND range(0, 23) AS i
CREATE (p:Person {personKey: 'star-p' + i, name: CASE WHEN i % 2 = 0
          THEN '欧阳志远' + i ELSE 'Alexander Montgomery-Smith ' + i END})
CREATE (p)-[:OFFICER_OF {since: date('2019-01-01')}]->(root)
CREATE (ph:Phone {number: '0371-2233' + (1000 + i)})
WITH p, ph, i
UNWIND range(0, 3) AS j
WITH p, ph, i, j, $firms[i * 4 + j] AS uscc
CREATE (e:Enterprise {uscc: uscc, zone: 'KAIFENG', status: 'ACTIVE',
        creditGrade: ['A', 'B', 'C', 'D', 'M'][(i + j) % 5],
        name: CASE WHEN j % 2 = 0 THEN '河南自贸试验区开封片区第' + i + '号跨境贸易有限公司' + j
              ELSE 'Kaifeng Cross-border Supply Chain Management Co. ' + i + '-' + j END})
CREATE (p)-[:LEGAL_REPRESENTATIVE_OF {since: date('2019-01-01')}]->(e)
MERGE (ad:Address {key: 'star-a' + i + '-' + (j / 2)})
  ON CREATE SET ad.text = '河南省开封市龙亭区宋城路第' + i + '号综合楼' + (j / 2) + '层'
CREATE (e)-[:REGISTERED_AT {since: date('2019-01-01')}]->(ad)
FOREACH (_ IN CASE WHEN j IN [0, 3] THEN [1] ELSE [] END |
  CREATE (e)-[:USES_PHONE {since: date('2019-01-01')}]->(ph))
"""


async def open_graph(browser: Browser, hub_url: str, token: str, route: str) -> Watched:
    """Sign in with `token` (adopted as a token endpoint's answer, before the sign-in backend)
    and open `route`; wait for the layout."""
    watched = await watched_page(browser, width=1400, height=1000)
    page = watched.page
    await page.goto(f"{hub_url}/console#/{route}")
    await page.wait_for_selector("body[data-ready]")
    await page.evaluate(
        "t => { hubConsole.session.adopt({access_token: t}); return hubConsole.render(); }", token
    )
    await page.wait_for_selector(".graph-view[data-graph-ready]")
    return watched


async def node_ids(page: Page) -> set[str]:
    ids: list[str] = await page.evaluate("() => hubConsole.graph.cy.nodes().map(n => n.id())")
    return set(ids)


async def click_node(page: Page, node_id: str, *, double: bool = False) -> None:
    """Click (or double-click) the node where it is drawn. The layout may put it low in a
    canvas taller than the window: the page is scrolled to bring its point to the middle."""
    at = await page.evaluate(
        "id => hubConsole.graph.cy.getElementById(id).renderedPosition()", node_id
    )
    await page.evaluate(
        """y => {
          const canvas = document.getElementById('graph-canvas').getBoundingClientRect();
          window.scrollBy(0, canvas.top + y - window.innerHeight / 2);
        }""",
        at["y"],
    )
    box = await page.locator("#graph-canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + at["x"], box["y"] + at["y"]
    if double:
        await page.mouse.dblclick(x, y)
    else:
        await page.mouse.click(x, y)


async def detail_of(page: Page, name: str) -> None:
    """Wait until the detail panel describes the node named `name`."""
    await page.wait_for_function(
        "name => document.querySelector('#graph-detail .node-name')?.textContent === name", arg=name
    )


async def geometry(page: Page) -> dict[str, Any]:
    """Every node's position and size, as the layout left them."""
    found: dict[str, Any] = await page.evaluate(
        """() => Object.fromEntries(hubConsole.graph.cy.nodes().map(n => [n.id(),
             [n.position('x'), n.position('y'), n.width(), n.height()]]))"""
    )
    return found


async def test_an_officer_explores_an_enterprises_graph(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    hub_clock.hold(TODAY)
    await graph.execute_query(SMALL, a=A, b=B, c=C, d=D, f=F, database_=DATABASE)
    token = await token_for(hub_url, graph, "regulator")
    watched = await open_graph(browser, hub_url, token, f"graph/{A}")
    page = watched.page

    # drawn, with a legend, in Chinese first
    await page.wait_for_function(
        """() => [...document.querySelectorAll('#graph-canvas canvas')].some(c => {
             const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let drawn = 0;
             for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
             return drawn > 500; })"""
    )
    assert await node_ids(page) == SMALL_NODES
    assert await page.inner_text(".graph-legend h2") == "图例"
    legend = await page.inner_text(".graph-legend")
    for label in ["企业", "自然人", "地址", "电话", "名单内主体", "实际控制人", "共用地址或电话"]:
        assert label in legend
    assert "关系图谱" in (await page.get_attribute("#graph-canvas", "aria-label") or "")

    # the owners: Delta (60%) and Li through Delta (60%, held by no one), ringed and listed
    owners = await page.evaluate("() => hubConsole.graph.cy.nodes('.owner').map(n => n.id())")
    assert set(owners) == {f"Enterprise:{D}", "Person:li"}
    assert "60.0%" in await page.inner_text("#graph-owners")
    # Alpha and Foxtrot share address 1: one cluster, one halo colour; Beta is in none
    clusters = await page.evaluate(
        """() => Object.fromEntries(hubConsole.graph.cy.nodes().map(n =>
             [n.id(), n.data('clusterColour') || null]))"""
    )
    assert clusters[f"Enterprise:{A}"] is not None
    assert clusters[f"Enterprise:{A}"] == clusters[f"Enterprise:{F}"] == clusters["Address:addr-1"]
    assert clusters[f"Enterprise:{B}"] is None

    assert await serious_violations(page) == []
    await screenshot(page, "graph.png")

    # a click on Beta fills the detail panel, with its report link
    await click_node(page, f"Enterprise:{B}")
    panel = page.locator("#graph-detail")
    await detail_of(page, "Beta Export Co.")
    text = await panel.inner_text()
    assert B in text and "企业" in text and "D" in text and "是" in text  # listed: yes
    assert await panel.locator(f"a[href='#/report/{B}']").count() == 1

    # a double click expands Beta: its address 2 and officer Zhao appear; collapse removes them
    await click_node(page, f"Enterprise:{B}", double=True)
    await page.wait_for_function("() => hubConsole.graph.cy.nodes().length > 7")
    assert await node_ids(page) == SMALL_NODES | {"Address:addr-2", "Person:zhao"}
    await page.wait_for_selector("#graph-toggle[aria-pressed=true]")
    await page.click("#graph-toggle")
    await page.wait_for_function("() => hubConsole.graph.cy.nodes().length === 7")
    assert await node_ids(page) == SMALL_NODES

    # the shortest path Alpha - Wang - Beta, chosen from the node list and the panel (the
    # keyboard's way; after the collapse an edge label may lie over Alpha, taking a click)
    await page.select_option("#graph-node-list", f"Enterprise:{A}")
    await detail_of(page, "Alpha Trading Co.")
    await page.click("#graph-path-from")
    await page.select_option("#graph-node-list", f"Enterprise:{B}")
    await detail_of(page, "Beta Export Co.")
    before = await geometry(page)
    await page.click("#graph-path-to")
    await page.wait_for_selector(".path-result ol")
    on_path = await page.evaluate("() => hubConsole.graph.cy.$('.on-path').map(e => e.id())")
    assert {i for i in on_path if "|" not in i} == {
        f"Enterprise:{A}",
        "Person:wang",
        f"Enterprise:{B}",
    }
    assert sorted(i.split("|")[0] for i in on_path if "|" in i) == ["LEGAL_REPRESENTATIVE_OF"] * 2
    faded = await page.evaluate("() => hubConsole.graph.cy.nodes('.faded').map(n => n.id())")
    assert set(faded) == SMALL_NODES - {f"Enterprise:{A}", "Person:wang", f"Enterprise:{B}"}
    assert await geometry(page) == before  # nothing moved, nothing changed size
    await screenshot(page, "graph-path.png")

    # the export is a PNG the browser downloads
    async with page.expect_download() as started:
        await page.click("#graph-export")
    download = await started.value
    saved = await download.path()
    assert Path(saved).read_bytes()[:8] == PNG_MAGIC

    # unticking "registered at" takes those relationships (and address 1) away
    await page.uncheck("input[data-relation=REGISTERED_AT]")
    await page.wait_for_selector(".graph-view[data-graph-ready]")
    types = await page.evaluate("() => hubConsole.graph.cy.edges().map(e => e.data('type'))")
    assert "REGISTERED_AT" not in types and "LEGAL_REPRESENTATIVE_OF" in types
    assert "Address:addr-1" not in await node_ids(page)
    await page.check("input[data-relation=REGISTERED_AT]")
    await page.wait_for_selector(".graph-view[data-graph-ready]")
    assert await node_ids(page) == SMALL_NODES

    # the switch to English redraws the view in English
    await page.click("#language button[data-lang=en]")
    await page.wait_for_selector(".graph-view[data-graph-ready]")
    assert await page.inner_text(".graph-legend h2") == "Legend"
    assert "Relationship graph of Alpha Trading Co." in (
        await page.get_attribute("#graph-canvas", "aria-label") or ""
    )
    assert watched.page_errors == []
    assert watched.outside(hub_url) == []


async def test_labels_do_not_overlap_at_two_hundred_nodes(
    graph: AsyncDriver, hub_url: str, hub_clock: HeldClock, browser: Browser
) -> None:
    hub_clock.hold(TODAY)
    root = u(1000)
    await graph.execute_query(
        STAR, root=root, firms=[u(2000 + i) for i in range(96)], database_=DATABASE
    )
    token = await token_for(hub_url, graph, "regulator")
    watched = await open_graph(browser, hub_url, token, f"graph/{root}/3")
    page = watched.page
    assert len(await node_ids(page)) == 1 + 24 + 96 + 48 + 24
    overlaps = await page.evaluate(
        """() => {
          const boxes = hubConsole.graph.cy.nodes().map(n =>
            n.boundingBox({includeLabels: true, includeNodes: false}));
          let count = 0;
          for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) count++;
          }
          return count;
        }"""
    )
    # zero overlapping label boxes is the aim and the usual result; fcose starts from random
    # positions, and about one run in three leaves one or two of the ~18,500 pairs touching
    # (issue 21's note): more than that is a regression
    assert overlaps <= 2, overlaps
    # labels are cut, the full name is in the panel
    long_name = "开封综合保税区跨境电子商务产业园运营管理有限公司"
    label = await page.evaluate(
        "id => hubConsole.graph.cy.getElementById(id).data('label')", f"Enterprise:{root}"
    )
    assert label.endswith("…") and len(label) < len(long_name)
    assert long_name in await page.inner_text("#graph-detail")
    await screenshot(page, "graph-200.png")
    # at the fitted zoom the labels are too small to draw; three steps in, they are drawn
    fitted = await page.evaluate("() => hubConsole.graph.cy.zoom()")
    for _ in range(3):
        await page.click("#graph-zoom-in")
    zoomed = await page.evaluate("() => hubConsole.graph.cy.zoom()")
    assert zoomed == pytest.approx(fitted * 1.25**3)
    await screenshot(page, "graph-200-zoomed.png")
    assert watched.page_errors == []
