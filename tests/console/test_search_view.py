"""The console's search and statistics views in Chromium, as a zone regulator uses them.

A regulator finds enterprises by a part of the Chinese name, a page of 20 at a time with the
hub's total; a code with a wrong check character shows the hub's refusal in Chinese (not
"nothing found"); the language switch turns the page to English and back and is remembered
across a reload; the statistics view shows the declared trade of a period as a chart and
tables. An enterprise's console has no statistics view at all. Screenshots: search-zh.png,
search-en.png, stats.png under CONSOLE_SCREENSHOTS.
"""

# The expected texts hold Chinese punctuation on purpose: it is what the page shows.
# ruff: noqa: RUF001

from __future__ import annotations

import json
from pathlib import Path

from console_kit import screenshot, serious_violations, watched_page
from graph_kit import DATABASE, token_for
from neo4j import AsyncDriver
from playwright.async_api import Browser, Page

from graph_schema.uscc import USCC_CHARSET, make_uscc
from hub.reference_data import load_reference

LOCALES = Path(__file__).resolve().parents[2] / "hub" / "web" / "console" / "locales"
ZH_ERRORS = json.loads((LOCALES / "zh-CN" / "errors.json").read_text(encoding="utf-8"))


def u(i: int) -> str:
    return make_uscc("9", "1", "410100", f"CW{i:06d}")


FIRMS = """
UNWIND $rows AS row
CREATE (e:Enterprise {uscc: row.uscc, name: row.name, nameEn: row.nameEn, zone: row.zone,
                      status: 'ACTIVE', registeredOn: date('2020-01-01')})
WITH e, row
UNWIND row.declarations AS d
CREATE (e)-[:DECLARED]->(:Declaration {id: d.id, mode: '9610', direction: 'EXPORT',
                                       declaredOn: date(d.on), valueCny: d.value})
"""

# 25 Zhengzhou firms (two pages of search results) and one in Kaifeng; the first three
# declared exports in 2025: 1,250,000.50 yuan in March, 30,000,000 in April
ROWS = [
    {
        "uscc": u(i),
        "name": f"郑州跨境贸易{i:02d}号有限公司",
        "nameEn": f"Zhengzhou Cross-border Trading No. {i:02d} Co., Ltd.",
        "zone": "ZHENGZHOU",
        "declarations": (
            [{"id": f"D-{i}-1", "on": "2025-03-10", "value": 1_250_000.5}] if i == 0 else []
        )
        + ([{"id": f"D-{i}-2", "on": "2025-04-02", "value": 15_000_000.0}] if i in (1, 2) else []),
    }
    for i in range(25)
] + [
    {
        "uscc": u(99),
        "name": "开封汴绣文化有限公司",
        "nameEn": None,
        "zone": "KAIFENG",
        "declarations": [],
    }
]


def wrong_check(uscc: str) -> str:
    """The code with another valid character in place of its check character."""
    other = next(c for c in USCC_CHARSET if c != uscc[-1])
    return uscc[:-1] + other


async def open_console(page: Page, hub_url: str, token: str, route: str = "") -> None:
    """Open the console signed in with `token` (before the sign-in backend: adopt the token)."""
    await page.goto(f"{hub_url}/console/{route}")
    await page.wait_for_selector("body[data-ready]")
    await page.evaluate(
        "t => { hubConsole.session.adopt({access_token: t}); return hubConsole.render(); }", token
    )


async def search(page: Page, text: str) -> None:
    """Search for `text` and wait for the answer (the view renders anew: the marked output
    is gone)."""
    await page.evaluate("() => document.getElementById('search-output').dataset.stale = '1'")
    await page.fill("#search-query", text)
    await page.press("#search-query", "Enter")
    await page.wait_for_selector("#search-output:not([data-stale]):not(:has(.hint))")


async def result_names(page: Page) -> list[str]:
    return await page.locator(
        "#search-results tbody th[scope=row] span[lang=zh-CN]"
    ).all_inner_texts()


async def test_a_regulator_searches_pages_meets_a_wrong_code_and_switches_language(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    await load_reference(graph, DATABASE)
    await graph.execute_query(FIRMS, rows=ROWS, database_=DATABASE)
    token = await token_for(hub_url, graph, "regulator")
    watched = await watched_page(browser)
    page = watched.page
    await open_console(page, hub_url, token)

    # Chinese by default: the page, the pressed language button, the search heading
    assert await page.get_attribute("html", "lang") == "zh-CN"
    assert await page.get_attribute("#language [data-lang='zh-CN']", "aria-pressed") == "true"
    assert await page.inner_text("main h1") == "企业查询"
    assert await page.get_attribute("#nav a[data-route=search]", "aria-current") == "page"

    await search(page, "跨境贸易")
    assert await page.inner_text(".result-count") == "共找到 25 家企业，当前显示第 1–20 家。"
    names = await result_names(page)
    assert names == [f"郑州跨境贸易{i:02d}号有限公司" for i in range(20)]  # USCC order
    first = page.locator(f"#search-results tr[data-uscc='{u(0)}']")
    assert await first.locator("td.code").inner_text() == u(0)
    assert await first.locator("td").nth(1).inner_text() == "郑州"
    assert await first.locator("td").nth(2).inner_text() == "存续（在营）"
    assert await first.locator("a").nth(0).get_attribute("href") == f"#/report/{u(0)}"
    assert await first.locator("a").nth(1).get_attribute("href") == f"#/graph/{u(0)}"
    assert await page.is_disabled(".pager button:first-child")
    assert await page.inner_text(".pager-status") == "第 1 页，共 2 页"
    assert await serious_violations(page) == []
    await screenshot(page, "search-zh.png")

    await page.click(".pager button:last-child")
    await page.wait_for_selector(".pager-status:text('第 2 页，共 2 页')")
    assert await result_names(page) == [f"郑州跨境贸易{i:02d}号有限公司" for i in range(20, 25)]
    assert await page.is_disabled(".pager button:last-child")
    await page.click(".pager button:first-child")
    await page.wait_for_selector(".pager-status:text('第 1 页，共 2 页')")

    # by code: the enterprise itself; a wrong check character: the hub's refusal, in Chinese
    await search(page, u(99).lower())
    assert await result_names(page) == ["开封汴绣文化有限公司"]
    await search(page, wrong_check(u(99)))
    assert await page.inner_text("#search-error") == ZH_ERRORS["rule"]["check_character"]
    assert await page.inner_text("#notice") == ZH_ERRORS["rule"]["check_character"]
    assert await page.locator("#search-empty").count() == 0
    # a name nothing has: said so, not an error
    await search(page, "不存在的名称")
    assert await page.inner_text("#search-empty") == "未找到名称包含“不存在的名称”的企业。"
    assert await page.is_hidden("#notice")

    # English, remembered across a reload
    await page.click("#language [data-lang='en']")
    await page.wait_for_selector("main h1:text('Find an enterprise')")
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.get_attribute("#language [data-lang='en']", "aria-pressed") == "true"
    await search(page, wrong_check(u(99)))
    assert await page.inner_text("#search-error") == (
        "The check character (the 18th) of the unified social credit code is wrong; "
        "check the code and enter it again."
    )
    await search(page, "Trading No. 0")
    assert await page.inner_text(".result-count") == "10 enterprises found; showing 1 to 10."
    assert await serious_violations(page) == []
    await screenshot(page, "search-en.png")
    await page.reload()
    await open_console(page, hub_url, token, "#/search")
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.inner_text("main h1") == "Find an enterprise"
    await page.click("#language [data-lang='zh-CN']")
    await page.wait_for_selector("main h1:text('企业查询')")
    await page.reload()
    await open_console(page, hub_url, token, "#/search")
    assert await page.get_attribute("html", "lang") == "zh-CN"

    assert watched.outside(hub_url) == []
    assert watched.page_errors == []


async def test_statistics_show_the_period_as_a_chart_and_tables(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    await load_reference(graph, DATABASE)
    await graph.execute_query(FIRMS, rows=ROWS, database_=DATABASE)
    token = await token_for(hub_url, graph, "regulator")
    watched = await watched_page(browser, width=1920, height=1080)
    page = watched.page
    await open_console(page, hub_url, token, "#/stats/2025-01-01/2025-12-31/MONTH")
    await page.wait_for_selector("#stats-groups")
    rows = await page.locator("#stats-groups tbody tr").all_inner_texts()
    assert [r.split("\t") for r in rows] == [
        ["2025-03", "1", "¥1,250,000.50"],
        ["2025-04", "2", "¥30,000,000.00"],
        ["合计", "3", "¥31,250,000.50"],
    ]
    assert await page.get_attribute("#nav a[data-route=stats]", "aria-current") == "page"
    headers = await page.locator("#stats-target-table thead th").all_inner_texts()
    assert headers[:5] == ["综试区", "指标", "口径", "目标值", "实际值"]
    # the chart drew: Chart.js registered an instance on the canvas
    assert await page.evaluate("() => !!Chart.getChart(document.getElementById('stats-chart'))")
    assert await serious_violations(page) == []
    await screenshot(page, "stats.png")
    assert watched.outside(hub_url) == []
    assert watched.page_errors == []


async def test_statistics_are_only_for_the_kinds_that_may_read_them(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    await graph.execute_query(FIRMS, rows=ROWS[:1], database_=DATABASE)
    watched = await watched_page(browser)
    page = watched.page
    # an enterprise lacks stats:read: no link, and the address falls back to its first view
    token = await token_for(hub_url, graph, "enterprise", institution=u(0))
    await open_console(page, hub_url, token, "#/stats")
    assert await page.locator("#nav a[data-route=stats]").count() == 0
    assert await page.locator("#stats-groups, #stats-from").count() == 0
    # the commerce department has it
    token = await token_for(hub_url, graph, "commerce")
    await open_console(page, hub_url, token, "#/stats/2025-01-01/2025-12-31/MODE")
    await page.wait_for_selector("#stats-groups")
    assert await page.locator("#nav a[data-route=stats]").count() == 1
    assert watched.page_errors == []
