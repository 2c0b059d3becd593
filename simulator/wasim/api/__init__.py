"""The HTTP edge: the only package that imports Starlette.

``create_app(sim)`` serves the Graph API and the ``/_sim/`` control surface of one
simulator; the same app runs in-process (respx, ASGI transport) and under uvicorn.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from wasim.api import (
    control,
    control_faults,
    conversations,
    deliveries,
    events,
    inbox,
    media,
    objects,
    phone,
    templates,
)
from wasim.api.fastpath import SendRoute, WasimApp
from wasim.api.graph import graph_endpoint, not_found, not_found_error, send_message
from wasim.simulation import Simulator


def graph_routes() -> list[BaseRoute]:
    """The Graph API routes wasim implements (docs/reference/endpoints.md is checked against it)."""
    return [
        Route("/{version}/{object_id}/messages", graph_endpoint(send_message),
              methods=["POST"]),
        *templates.graph_routes(),
        *media.routes(),
        *phone.routes(),
        *objects.routes(),
    ]


def create_app(sim: Simulator) -> Starlette:
    """The Starlette app serving ``sim``."""
    send = SendRoute("/{version}/{object_id}/messages", graph_endpoint(send_message),
                     methods=["POST"])
    routes: list[BaseRoute] = [send, *inbox.routes(), *events.routes(),
                               *conversations.routes(), *control.routes(), *deliveries.routes(),
                               *templates.control_routes(), *control_faults.routes(),
                               *media.side_routes(), *graph_routes(),
                               Route("/{path:path}", not_found,
                                     methods=["GET", "POST", "PUT", "PATCH", "DELETE",
                                              "OPTIONS"])]
    app = WasimApp(routes=routes, send_route=send,
                   exception_handlers={404: not_found_error, 405: not_found_error})
    app.state.sim = sim
    return app
