"""Phone number, business profile and subscribed-app endpoints (management scope)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from wasim.api import objects
from wasim.api.auth import require_scope
from wasim.api.graph import graph_endpoint, json_body
from wasim.simulation import Simulator

MANAGEMENT = "management"


async def phone_get(sim: Simulator, request: Request, object_id: str) -> Any:
    """``GET /{phone-number-id}[?fields=…]``."""
    if sim.world.phone(object_id) is None:
        return None
    require_scope(request.state.token, MANAGEMENT)
    return sim.phones.view(object_id, request.query_params.get("fields"))


async def waba_get(sim: Simulator, request: Request, object_id: str) -> Any:
    """``GET /{WABA-ID}[?fields=…]``."""
    if object_id not in sim.world.accounts:
        return None
    require_scope(request.state.token, MANAGEMENT)
    return sim.phones.waba_view(object_id, request.query_params.get("fields"))


async def phone_numbers(sim: Simulator, request: Request) -> Any:
    """``GET /{WABA-ID}/phone_numbers[?fields=…]``."""
    return sim.phones.listing(request.path_params["object_id"],
                              request.query_params.get("fields"))


async def register(sim: Simulator, request: Request) -> Any:
    body = await json_body(request)
    return sim.phones.register(request.path_params["object_id"], body)


async def deregister(sim: Simulator, request: Request) -> Any:
    return sim.phones.deregister(request.path_params["object_id"])


async def profile_get(sim: Simulator, request: Request) -> Any:
    return sim.phones.profile(request.path_params["object_id"],
                              request.query_params.get("fields"))


async def profile_post(sim: Simulator, request: Request) -> Any:
    body = await json_body(request)
    return sim.phones.update_profile(request.path_params["object_id"], body)


async def apps_get(sim: Simulator, request: Request) -> Any:
    return sim.phones.subscribed_apps(request.path_params["object_id"])


async def apps_post(sim: Simulator, request: Request) -> Any:
    return sim.phones.subscribe(request.path_params["object_id"], True)


async def apps_delete(sim: Simulator, request: Request) -> Any:
    return sim.phones.subscribe(request.path_params["object_id"], False)


objects.register("GET", phone_get)
objects.register("GET", waba_get)


def _route(edge: str, handler: Any, method: str) -> Route:
    return Route(f"/{{version}}/{{object_id}}/{edge}", graph_endpoint(handler, scope=MANAGEMENT),
                 methods=[method])


def routes() -> list[Route]:
    """The phone-number and WABA edges."""
    return [
        _route("phone_numbers", phone_numbers, "GET"),
        _route("register", register, "POST"),
        _route("deregister", deregister, "POST"),
        _route("whatsapp_business_profile", profile_get, "GET"),
        _route("whatsapp_business_profile", profile_post, "POST"),
        _route("subscribed_apps", apps_get, "GET"),
        _route("subscribed_apps", apps_post, "POST"),
        _route("subscribed_apps", apps_delete, "DELETE"),
    ]
