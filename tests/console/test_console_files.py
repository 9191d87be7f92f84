"""What the hub serves under /console: the console's own files and nothing else, and a name
the file system cannot hold is not found rather than an error; and the CSV the lists export
keeps a cell a spreadsheet would run as a formula as text."""

from __future__ import annotations

import httpx
import pytest
from console_kit import watched_page
from playwright.async_api import Browser

REFUSED = [
    "/console/main.js%00.json",
    "/console/%00",
    "/console/" + "a" * 300 + ".js",
    "/console/..%2f..%2fpyproject.toml",
    "/console/locales/..%2f..%2f..%2f..%2fauth%2fcatalog.json",
    "/console/.hidden.js",
    "/console/index.html",  # the page is /console itself
]


@pytest.mark.parametrize("path", REFUSED)
async def test_a_path_outside_the_console_files_is_not_found(hub_url: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=hub_url) as client:
        answer = await client.get(path)
    assert answer.status_code == 404, (path, answer.status_code)


async def test_the_console_files_are_served(hub_url: str) -> None:
    async with httpx.AsyncClient(base_url=hub_url) as client:
        script = await client.get("/console/main.js")
        catalogue = await client.get("/console/locales/zh-CN/common.json")
        page = await client.get("/console")
    assert script.status_code == 200 and script.headers["content-type"].startswith(
        "text/javascript"
    )
    assert catalogue.json()["signOut"] == "退出"
    assert '<html lang="zh-CN">' in page.text


CSV_FIELDS = [
    ('=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'),
    ("+1", "'+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("-12.50", "-12.50"),  # a negative amount stays a number
    ("郑州东森仓储服务有限公司", "郑州东森仓储服务有限公司"),
    ("a,b", '"a,b"'),
]


async def test_a_csv_cell_a_spreadsheet_would_run_is_kept_as_text(
    hub_url: str, browser: Browser
) -> None:
    watched = await watched_page(browser)
    await watched.page.goto(f"{hub_url}/console")
    fields: list[str] = await watched.page.evaluate(
        """async (values) => {
          const { csvField } = await import('/console/table.js');
          return values.map(csvField);
        }""",
        [value for value, _ in CSV_FIELDS],
    )
    assert fields == [expected for _, expected in CSV_FIELDS]
