"""Debian's Chromium, driven by Playwright, for the console's browser tests (what else they
share is in `console_kit`: conftest modules are not for importing)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from console_kit import CHROMIUM
from playwright.async_api import Browser, async_playwright


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        await launched.close()
