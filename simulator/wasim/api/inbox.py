"""The inbox page: ``GET /`` serves one HTML page whose script and style sheet are package
data (``wasim/data/inbox/``), hand-written, with no build step and nothing fetched from
elsewhere. The page drives the simulator through the ``/_sim/`` API alone (always with
``Content-Type: application/json``) and follows ``/_sim/events`` for live updates.
"""

from __future__ import annotations

import html
from functools import cache
from importlib.resources import files
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wasim.api.graph import not_found

ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
SECURITY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""Only the server's own script, style and images; the page cannot be framed."""


@cache
def asset(name: str) -> bytes:
    """A file of the page, read once from the package."""
    return (files("wasim.data") / "inbox" / name).read_bytes()


async def index(request: Request) -> Response:
    """The page; opened as ``/?control_token=TOKEN`` (a server started with
    ``--control-token``), its own script and style sheet are asked for with the token."""
    page = asset("index.html")
    token = request.query_params.get("control_token")
    if token:
        suffix = html.escape("?control_token=" + quote(token, safe=""), quote=True).encode()
        for name in ASSETS:
            ref = f"/_sim/inbox/{name}".encode()
            page = page.replace(ref + b'"', ref + suffix + b'"')
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={**SECURITY, "Cache-Control": "no-store"})


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return await not_found(request)
    return Response(asset(name), media_type=ASSETS[name],
                    headers={**SECURITY, "Cache-Control": "no-cache"})


def routes() -> list[Route]:
    return [Route("/", index, methods=["GET"]),
            Route("/_sim/inbox/{name}", static, methods=["GET"])]
