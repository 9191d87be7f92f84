"""The GraphiQL page at GET /graphql loads every asset from the hub itself (no CDN).

Needs `hub/web/node_modules` (`npm ci --prefix hub/web`, done by `make install`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.routing import Route, WebSocketRoute
from strawberry.http.ides import GraphQL_IDE

from hub.ide import IDE_ASSETS, WEB_DIR, OfflineIdeGraphQL, ide_routes, render_ide_page

with warnings.catch_warnings():
    # starlette 1.x would rather its TestClient ran on httpx2; httpx still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

HTML = {"Accept": "text/html"}


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


def make_app(
    graphql_ide: GraphQL_IDE | None = "graphiql", web_dir: Path | None = None
) -> Starlette:
    view = OfflineIdeGraphQL(strawberry.Schema(query=Query), graphql_ide=graphql_ide)
    return Starlette(
        routes=[
            Route("/graphql", view),
            WebSocketRoute("/graphql", view),
            *ide_routes(web_dir),
        ]
    )


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(make_app()) as c:
        yield c


class _Links(HTMLParser):
    """Every src and href attribute in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value or "" for name, value in attrs if name in ("src", "href")]


def page_links(page: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    parser.close()
    return parser.links


def ide_page(client: TestClient) -> str:
    response = client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page: str = response.text
    return page


def test_page_is_the_hubs_own_graphiql(client: TestClient) -> None:
    page = ide_page(client)
    assert page == render_ide_page() == (WEB_DIR / "graphiql.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert 'id="graphiql"' in page
    assert "GraphiQL.createFetcher" in page
    assert "ReactDOM.createRoot" in page


def test_page_names_no_other_host(client: TestClient) -> None:
    page = ide_page(client)
    links = page_links(page)
    assert links, "the page loads no assets at all?"
    for link in links:
        # A data: URI (the favicon) or an absolute path on this hub; "//host/..." is a host.
        on_hub = link.startswith("/") and not link.startswith("//")
        assert on_hub or link.startswith("data:"), link
    # Not in the inline script or style either: no URL with a scheme, none protocol-relative
    # in a string literal. (The script compares location.protocol with "https:", no URL.)
    assert re.findall(r"(?i)[a-z][a-z0-9+.-]*://\S*", page) == []
    assert re.findall(r"[\"'`(]//[^\s\"'`)]*", page) == []
    assert re.findall(r"@import|\burl\(", page) == []  # CSS fetching more (JS's URL( is fine)
    for banned in ("unpkg", "jsdelivr", "cdnjs", "esm.sh", "googleapis", "gstatic"):
        assert banned not in page.lower()


def test_every_asset_the_page_names_is_served(client: TestClient) -> None:
    referenced = [link for link in page_links(ide_page(client)) if link.startswith("/ide/")]
    assert sorted(link.removeprefix("/ide/") for link in referenced) == sorted(IDE_ASSETS)
    for link in referenced:
        _, media_type = IDE_ASSETS[link.removeprefix("/ide/")]
        response = client.get(link)
        assert response.status_code == 200, (link, response.text[:200])
        assert response.headers["content-type"].split(";")[0] == media_type, link
        assert len(response.content) > 1000, link
        if media_type == "text/css":
            # A stylesheet pulling fonts or images off the internet would break offline.
            assert re.findall(r"(?i)url\(\s*['\"]?(?:https?:)?//", response.text) == [], link
            assert "@import" not in response.text, link
    assert client.head("/ide/graphiql.js").status_code == 200


def test_assets_are_the_expected_builds(client: TestClient) -> None:
    # Production UMD builds that set the globals the page uses.
    assert "react.production.min.js" in client.get("/ide/react.js").text[:400]
    react_dom = client.get("/ide/react-dom.js").text
    assert "react-dom.production.min.js" in react_dom[:400]
    assert "createRoot" in react_dom
    graphiql = client.get("/ide/graphiql.js").text
    assert ".GraphiQL=" in graphiql[:2000]
    assert "graphql-transport-ws" in graphiql  # graphql-ws is bundled: subscriptions work
    assert ".GraphiQLPluginExplorer=" in client.get("/ide/explorer.js").text[:2000]


@pytest.mark.parametrize(
    "path",
    [
        "/ide/nope.js",
        "/ide/../package.json",
        "/ide/%2e%2e/package.json",
        "/ide/..%2fpackage.json",
        "/ide/%2e%2e%2fpackage.json",
        "/ide/react/umd/react.production.min.js",
        "/ide/graphiql.min.js",
        "/ide/",
        "/ide",
        "/package.json",
        "/node_modules/react/package.json",
    ],
)
def test_nothing_else_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, path
    assert "react" not in response.text.lower()
    assert '"name"' not in response.text


def test_missing_node_modules_answers_503(tmp_path: Path) -> None:
    with TestClient(make_app(web_dir=tmp_path)) as c:
        for name in IDE_ASSETS:
            response = c.get(f"/ide/{name}")
            assert response.status_code == 503
            assert "npm ci --prefix hub/web" in response.text
        assert c.get("/ide/nope.js").status_code == 404


def test_queries_still_work_and_ide_off_is_404(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ hello }"})
    assert response.json() == {"data": {"hello": "hi"}}
    with TestClient(make_app(graphql_ide=None)) as c:
        assert c.get("/graphql", headers=HTML).status_code == 404
