"""Issue 13, item 15: introspection works for every authenticated caller outside production
(the GraphiQL IDE needs it to load the schema), never without a token; production refuses it
(`tests/test_limits.py`). Through the real HTTP API of a served hub, and in a real Chromium."""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import AsyncIterator

import httpx
import pytest
from graph_kit import token_for
from graphql import get_introspection_query
from neo4j import AsyncDriver
from playwright.async_api import Browser, async_playwright

from auth.principal import ClientKind
from graph_schema.uscc import make_uscc

FULL = get_introspection_query(descriptions=True)
ONE_TYPE = '{ __type(name: "Enterprise") { name kind fields { name } } }'
ENTERPRISE_USCC = make_uscc("9", "1", "410200", "TR000001")
CHROMIUM = os.environ.get("CONSOLE_CHROMIUM", "/usr/bin/chromium")


async def token_of(hub_url: str, graph: AsyncDriver, kind: ClientKind) -> str:
    institution = ENTERPRISE_USCC if kind is ClientKind.ENTERPRISE else f"inst-{kind.value}"
    return await token_for(hub_url, graph, kind.value, institution=institution)


@pytest.mark.parametrize("kind", list(ClientKind), ids=[k.value for k in ClientKind])
async def test_every_kind_with_a_token_introspects_the_schema(
    graph: AsyncDriver, hub_url: str, kind: ClientKind
) -> None:
    token = await token_of(hub_url, graph, kind)
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "reading the schema"}
    async with httpx.AsyncClient(base_url=hub_url, headers=headers, timeout=30) as client:
        full = await client.post("/graphql", json={"query": FULL, "operationName": None})
        one = await client.post("/graphql", json={"query": ONE_TYPE})
    assert full.status_code == 200
    body = full.json()
    assert "errors" not in body, body["errors"][:3]
    schema = body["data"]["__schema"]
    assert schema["queryType"]["name"] == "Query"
    assert schema["mutationType"]["name"] == "Mutation"
    assert schema["subscriptionType"]["name"] == "Subscription"
    names = {t["name"] for t in schema["types"]}
    assert {"Enterprise", "CreditProfile", "__Schema", "__Type", "__Field"} <= names
    answer = one.json()
    assert "errors" not in answer, answer["errors"][:3]
    assert answer["data"]["__type"]["name"] == "Enterprise"
    assert answer["data"]["__type"]["kind"] == "OBJECT"
    assert {"uscc", "name", "officers"} <= {f["name"] for f in answer["data"]["__type"]["fields"]}


async def test_without_a_token_there_is_no_introspection(hub_url: str) -> None:
    answer = httpx.post(f"{hub_url}/graphql", json={"query": FULL})
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "unauthorized",
        "code": "missing_token",
        "error_description": "an access token is required",
    }


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        await launched.close()


async def test_the_ide_loads_the_schema_with_a_token_in_its_headers(
    graph: AsyncDriver, hub_url: str, browser: Browser
) -> None:
    token = await token_for(hub_url, graph, "regulator")
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    url = f"{hub_url}/graphql?headers={urllib.parse.quote(headers)}"
    page = await browser.new_page()
    try:
        async with page.expect_response(
            lambda r: r.url == f"{hub_url}/graphql" and r.request.method == "POST"
        ) as fetched:
            await page.goto(url)
        introspection = await fetched.value
        assert introspection.status == 200
        body = await introspection.json()
        assert "errors" not in body
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"
        # the documentation explorer shows the schema's root types
        await page.click("button[aria-label='Show Documentation Explorer']")
        await page.wait_for_selector("text=Root Types")
        assert await page.locator("text=Error fetching schema").count() == 0
    finally:
        await page.close()


async def test_the_ide_without_a_token_gets_no_schema(hub_url: str, browser: Browser) -> None:
    page = await browser.new_page()
    try:
        async with page.expect_response(
            lambda r: r.url == f"{hub_url}/graphql" and r.request.method == "POST"
        ) as fetched:
            await page.goto(f"{hub_url}/graphql")
        refused = await fetched.value
        assert refused.status == 401
    finally:
        await page.close()
