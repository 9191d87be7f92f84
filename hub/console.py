"""The web console for regulators and agencies, served by the hub at `/console`.

The page is `hub/web/console/` (index.html, ES modules, stylesheets and the translation
catalogue under `locales/`); only files of those kinds inside that folder are served. Its
libraries come from the hub itself: i18next, Cytoscape.js with the fcose layout and Chart.js,
installed by `npm ci --prefix hub/web` from the committed lockfile and served from an explicit
list (nothing else under node_modules is reachable, nothing is fetched from another origin).
"""

from __future__ import annotations

import pathlib

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from auth.demo import DemoClientsFile
from hub.ide import WEB_DIR
from hub.settings import Settings

_JS, _CSS, _HTML = "text/javascript", "text/css", "text/html"

CONSOLE_DIR = "console"
"""The console's own files, under `hub/web`."""

CONSOLE_MEDIA_TYPES: dict[str, str] = {
    ".js": _JS,
    ".css": _CSS,
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
"""The kinds of file the console's folder serves, by suffix; anything else is not found."""

CONSOLE_LIBRARIES: dict[str, tuple[str, str]] = {
    "cytoscape.js": ("cytoscape/dist/cytoscape.min.js", _JS),
    "layout-base.js": ("layout-base/layout-base.js", _JS),
    "cose-base.js": ("cose-base/cose-base.js", _JS),
    "cytoscape-fcose.js": ("cytoscape-fcose/cytoscape-fcose.js", _JS),
    "chart.js": ("chart.js/dist/chart.umd.js", _JS),
    "i18next.js": ("i18next/dist/umd/i18next.min.js", _JS),
}
"""Served name under `/console/lib/` -> (path relative to `hub/web/node_modules`, type)."""

NOT_INSTALLED = "The console's libraries are not installed: run `npm ci --prefix hub/web`.\n"


def console_routes(settings: Settings, web_dir: pathlib.Path | None = None) -> list[BaseRoute]:
    web = web_dir or WEB_DIR
    modules = web / "node_modules"
    own = (web / CONSOLE_DIR).resolve()

    async def page(request: Request) -> Response:
        return FileResponse(own / "index.html", media_type=_HTML, headers=_NO_CACHE)

    async def own_file(request: Request) -> Response:
        path = console_file(own, request.path_params["path"])
        if path is None:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(path, media_type=CONSOLE_MEDIA_TYPES[path.suffix], headers=_NO_CACHE)

    async def library(request: Request) -> Response:
        entry = CONSOLE_LIBRARIES.get(request.path_params["name"])
        if entry is None:
            return PlainTextResponse("Not Found", status_code=404)
        path = modules / entry[0]
        if not path.is_file():
            return PlainTextResponse(NOT_INSTALLED, status_code=503)
        return FileResponse(path, media_type=entry[1], headers=_NO_CACHE)

    async def demo_clients(request: Request) -> Response:
        # only a demo hub hands out its demo clients (and their secrets) to the page
        if not settings.demo or not settings.demo_clients_file.is_file():
            return PlainTextResponse("Not Found", status_code=404)
        demo = DemoClientsFile.read(settings.demo_clients_file)
        return JSONResponse(
            [
                {"kind": c.kind.value, "clientId": c.client_id, "clientSecret": c.client_secret}
                for c in demo.clients
            ]
        )

    return [
        Route("/console", page),
        Route("/console/", page),
        Route("/console/demo-clients", demo_clients),
        Route("/console/lib/{name}", library),
        Route("/console/{path:path}", own_file),
    ]


_NO_CACHE = {"Cache-Control": "no-cache"}


def console_file(root: pathlib.Path, relative: str) -> pathlib.Path | None:
    """The console file `relative` names under `root`, or None: only an existing file of a
    served kind, inside the folder (no `..`, no hidden files, no symlink out)."""
    if "\x00" in relative or any(part.startswith(".") for part in relative.split("/")):
        return None
    try:
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or path.suffix not in CONSOLE_MEDIA_TYPES:
            return None
        return path if path.is_file() else None
    except (OSError, ValueError):  # a name too long for the file system, say: not ours
        return None
