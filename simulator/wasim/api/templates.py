"""Template endpoints: the Graph management API (§2.4, §2.5) and ``/_sim/templates``.

``/{version}/{WABA-ID}/message_templates`` (GET list, POST create, DELETE) and
``/{version}/{TEMPLATE_ID}`` (GET, POST edit) need the ``whatsapp_business_management``
permission (a messaging-only token → 200). The control routes mirror
``sim.templates``: ``GET /_sim/templates/{ref}`` and ``POST /_sim/templates/{ref}/{action}``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from wasim.api import objects
from wasim.api.auth import require_scope
from wasim.api.control import control
from wasim.api.graph import graph_endpoint, json_body
from wasim.api.paging import page
from wasim.errors import INVALID_PARAMETER
from wasim.simulation import Simulator

ACTIONS = ("approve", "reject", "pause", "disable", "reinstate", "flag", "change_category",
           "set_quality", "audit")
_ARGUMENTS = {"reject": ("reason",), "change_category": ("category", "impending"),
              "set_quality": ("score",)}


async def template_body(request: Request) -> Any:
    """A JSON body, or Graph's form encoding (``components`` as a JSON string)."""
    return await json_body(request)


async def create(sim: Simulator, request: Request) -> Any:
    """``POST /{version}/{WABA-ID}/message_templates``: ``{id, status, category}``."""
    body = await template_body(request)
    result = sim.templates.create(request.path_params["object_id"], body,
                                  request.path_params["version"])
    sim.tick()
    return result


async def list_templates(sim: Simulator, request: Request) -> Any:
    """``GET /{version}/{WABA-ID}/message_templates`` with ``next``/``previous`` links."""
    result = sim.templates.list(request.path_params["object_id"], request.query_params)
    has_next, has_previous = result.pop("has_next"), result.pop("has_previous")
    paging = result.get("paging")
    if paging is not None:
        url = request.url.remove_query_params(["after", "before"])
        if has_next:
            paging["next"] = str(url.include_query_params(after=paging["cursors"]["after"]))
        if has_previous:
            paging["previous"] = str(url.include_query_params(
                before=paging["cursors"]["before"]))
    return result


async def delete(sim: Simulator, request: Request) -> Any:
    """``DELETE /{version}/{WABA-ID}/message_templates?name=…|hsm_id=…|hsm_ids=[…]``."""
    return sim.templates.delete(request.path_params["object_id"], request.query_params)


async def message_templates(sim: Simulator, request: Request) -> Any:
    handler = {"GET": list_templates, "POST": create, "DELETE": delete}[request.method]
    return await handler(sim, request)


async def get_template(sim: Simulator, request: Request, object_id: str) -> Any:
    """``GET /{version}/{TEMPLATE_ID}`` (``?fields=`` selects)."""
    if sim.templates.find(object_id) is None:
        return None
    require_scope(request.state.token, "management")
    return sim.templates.get(object_id, request.query_params.get("fields"))


async def edit_template(sim: Simulator, request: Request, object_id: str) -> Any:
    """``POST /{version}/{TEMPLATE_ID}``: the edit of §2.2 → ``{"success": true}``."""
    if sim.templates.find(object_id) is None:
        return None
    require_scope(request.state.token, "management")
    body = await template_body(request)
    result = sim.templates.edit(object_id, body)
    sim.tick()
    return result


objects.register("GET", get_template)
objects.register("POST", edit_template)


def graph_routes() -> list[BaseRoute]:
    return [Route("/{version}/{object_id}/message_templates",
                  graph_endpoint(message_templates, scope="management"),
                  methods=["GET", "POST", "DELETE"])]


# --- /_sim/templates -------------------------------------------------------------------


async def control_get(sim: Simulator, request: Request) -> Any:
    """``GET /_sim/templates/{ref}?language=``: the template with its decision."""
    ref, language = request.path_params["ref"], request.query_params.get("language")
    return sim.templates.explained(ref, language)


async def control_list(sim: Simulator, request: Request) -> Any:
    """``GET /_sim/templates``: every template of every account, with its decision."""
    return page(request, sim.templates.every(), lambda t: str(t["id"]), lambda t: t)


async def control_action(sim: Simulator, request: Request) -> Any:
    """``POST /_sim/templates/{ref}/{action}`` with the verb's arguments as JSON."""
    action = request.path_params["action"]
    if action not in ACTIONS and action != "decision":
        raise INVALID_PARAMETER(f"unknown template action {action!r}; known: "
                                f"{', '.join(ACTIONS)}, decision")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise INVALID_PARAMETER("the request body must be a JSON object")
    allowed = (*_ARGUMENTS.get(action, ()), "language")
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise INVALID_PARAMETER(f"{action} takes {', '.join(allowed)}; got {unknown[0]!r}")
    if action in ("change_category", "set_quality"):
        needed = _ARGUMENTS[action][0]
        if not isinstance(body.get(needed), str):
            raise INVALID_PARAMETER(f"missing field {needed!r}")
    if "impending" in body and not isinstance(body["impending"], bool):
        raise INVALID_PARAMETER("field 'impending' must be true or false")
    ref = request.path_params["ref"]
    sim.tick()
    verb = getattr(sim.templates, action)
    result: Any = verb(ref, **body)
    sim.tick()
    return result


def control_routes() -> list[BaseRoute]:
    return [
        Route("/_sim/templates", control(control_list), methods=["GET"]),
        Route("/_sim/templates/{ref}", control(control_get), methods=["GET"]),
        Route("/_sim/templates/{ref}/{action}", control(control_action), methods=["POST"]),
    ]
