"""What the console's browser tests share: a page that records every request it makes (the
console may ask nothing of any origin but the hub's), an accessibility check with axe-core
(from tests/node, injected as text: no request), and the folder the suite saves screenshots
to for a reviewer (`test-output/console/` in the checkout, or CONSOLE_SCREENSHOTS).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page

REPOSITORY = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CONSOLE_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("CONSOLE_SCREENSHOTS", str(REPOSITORY / "test-output" / "console"))
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"])
AXE = REPOSITORY / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@dataclass
class Watched:
    """A page and every URL it requested."""

    page: Page
    requested: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def outside(self, hub_url: str) -> list[str]:
        """Requests to anything but the hub (data: and blob: URLs are the page's own)."""
        origin = hub_url.rstrip("/")
        return [
            url
            for url in self.requested
            if not (url.startswith(origin) or url.startswith(("data:", "blob:")))
        ]


async def watched_page(browser: Browser, width: int = 1280, height: int = 1000) -> Watched:
    context = await browser.new_context(viewport={"width": width, "height": height})
    page = await context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requested.append(request.url))
    page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
    return watched


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = await page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


async def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    await page.screenshot(path=str(path), full_page=full_page)
    return path
