"""``/{version}/{object-id}`` and ``/{version}/{object-id}/{edge}``: Graph's object paths.

Graph addresses every object (phone number, WABA, template, media) the same way, so one
route dispatches to the feature module that owns the id. Each feature module lists
``ObjectHandler`` functions that answer ``None`` when the id is not theirs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from wasim.api.graph import graph_endpoint
from wasim.platform.messaging import unknown_object
from wasim.simulation import Simulator

ObjectHandler = Callable[[Simulator, Request, str], Awaitable[Any]]
"""``handler(sim, request, object_id)`` → a JSON result, or ``None`` if not its object."""

OBJECT_HANDLERS: dict[str, list[ObjectHandler]] = {"GET": [], "POST": [], "DELETE": []}
"""Per method, the handlers tried in order for ``/{version}/{object-id}``."""


def register(method: str, handler: ObjectHandler) -> ObjectHandler:
    OBJECT_HANDLERS[method].append(handler)
    return handler


async def dispatch(sim: Simulator, request: Request) -> Any:
    object_id = request.path_params["object_id"]
    for handler in OBJECT_HANDLERS[request.method]:
        result = await handler(sim, request, object_id)
        if result is not None:
            return result
    raise unknown_object(object_id, request.method.lower())


def routes() -> list[BaseRoute]:
    """The object route; registered after every more specific route."""
    return [Route("/{version}/{object_id}", graph_endpoint(dispatch, scope=None),
                  methods=list(OBJECT_HANDLERS))]
