"""The GraphiQL IDE served entirely by the hub, so it works with no internet.

Strawberry's own GraphiQL page loads React, ReactDOM, GraphiQL and the explorer plugin
from unpkg. `OfflineIdeGraphQL` serves `hub/web/graphiql.html` instead, which loads the
same kind of UMD builds from `/ide/...`; `ide_routes()` serves exactly those files out
of `hub/web/node_modules`, which `npm ci --prefix hub/web` installs from the committed
`hub/web/package-lock.json`. Nothing else under `node_modules` is reachable.
"""

from __future__ import annotations

import functools
import pathlib

import strawberry.asgi
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

WEB_DIR = pathlib.Path(__file__).resolve().parent / "web"
"""`hub/web`: the page template, package.json, its lockfile and (once installed) node_modules."""

PAGE_TEMPLATE = WEB_DIR / "graphiql.html"

_JS = "text/javascript"
_CSS = "text/css"

IDE_ASSETS: dict[str, tuple[str, str]] = {
    "react.js": ("react/umd/react.production.min.js", _JS),
    "react-dom.js": ("react-dom/umd/react-dom.production.min.js", _JS),
    "graphiql.js": ("graphiql/graphiql.min.js", _JS),
    "graphiql.css": ("graphiql/graphiql.min.css", _CSS),
    "explorer.js": ("@graphiql/plugin-explorer/dist/index.umd.js", _JS),
    "explorer.css": ("@graphiql/plugin-explorer/dist/style.css", _CSS),
}
"""Served name under `/ide/` -> (path relative to `hub/web/node_modules`, media type)."""

NOT_INSTALLED_MESSAGE = (
    "The GraphiQL IDE's assets are not installed: run `npm ci --prefix hub/web` "
    "and restart the hub.\n"
)


def ide_routes(web_dir: pathlib.Path | None = None) -> list[BaseRoute]:
    """Routes serving each `IDE_ASSETS` file at `/ide/{name}`; any other name is a 404.

    `web_dir` defaults to `hub/web`. A missing file (node_modules not installed, or
    installed from another lockfile) answers 503 saying how to install it.
    """
    modules = (web_dir or WEB_DIR) / "node_modules"
    files = {name: (modules / rel, media) for name, (rel, media) in IDE_ASSETS.items()}

    async def ide_asset(request: Request) -> Response:
        entry = files.get(request.path_params["name"])
        if entry is None:
            return PlainTextResponse("Not Found", status_code=404)
        path, media_type = entry
        if not path.is_file():
            return PlainTextResponse(NOT_INSTALLED_MESSAGE, status_code=503)
        # no-cache: revalidate by ETag each time, so an upgraded lockfile shows at once.
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})

    return [Route("/ide/{name}", ide_asset, methods=["GET"], name="ide_asset")]


@functools.cache
def render_ide_page() -> str:
    """The offline GraphiQL page (`hub/web/graphiql.html`), read once and cached.

    Unlike older strawberry releases, strawberry 0.341's template has no `{{ ... }}`
    placeholders to substitute: the page derives its endpoint from `window.location`.
    """
    return PAGE_TEMPLATE.read_text(encoding="utf-8")


class OfflineIdeGraphQL(strawberry.asgi.GraphQL):
    """strawberry's ASGI GraphQL view whose GraphiQL page loads its assets from the hub.

    Mount it together with `ide_routes()`. Whenever the IDE is enabled (`graphql_ide`
    not None) the offline GraphiQL page is what is served, whichever IDE was named:
    strawberry's Apollo Sandbox and Pathfinder pages would need the internet.
    `graphql_ide=None` still turns the IDE off (strawberry answers 404).
    """

    @property
    def graphql_ide_html(self) -> str:
        return render_ide_page()

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(render_ide_page())
