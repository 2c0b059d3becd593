"""``/_sim/faults``, ``/_sim/tokens`` and ``/_sim/limits``: the control routes of the
platform surface (the same verbs as ``sim.faults``, ``sim.tokens`` and ``sim.limits``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from wasim.api.control import Handler, control
from wasim.api.graph import json_body
from wasim.api.paging import page
from wasim.errors import INVALID_PARAMETER
from wasim.simulation import Simulator
from wasim.world.models import Token

FAULT_FIELDS = ("method", "path", "code", "status", "details", "times", "every", "share",
                "seed", "latency_ms")
MESSAGE_FAULT_FIELDS = ("code", "to", "times", "details")
TOKEN_FIELDS = ("value", "scopes", "expires_in", "expires_at")


async def body_of(request: Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object body, refusing fields not in ``allowed`` (code 100)."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise INVALID_PARAMETER("the request body must be a JSON object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise INVALID_PARAMETER(
            f"unknown field(s) {', '.join(unknown)}; known fields: {', '.join(allowed)}")
    return body


async def faults_get(sim: Simulator, request: Request) -> Any:
    return sim.faults.to_dict()


async def faults_add(sim: Simulator, request: Request) -> Any:
    body = await body_of(request, FAULT_FIELDS)
    return sim.faults.add(**body).to_dict()


async def faults_messages(sim: Simulator, request: Request) -> Any:
    body = await body_of(request, MESSAGE_FAULT_FIELDS)
    if "code" not in body:
        raise INVALID_PARAMETER("missing field 'code'")
    return sim.faults.fail_next_message(**body).to_dict()


async def faults_clear(sim: Simulator, request: Request) -> Any:
    sim.faults.clear()
    return {"success": True}


def _token(token: Token) -> dict[str, Any]:
    return token.to_dict()


async def tokens_get(sim: Simulator, request: Request) -> Any:
    return page(request, list(sim.tokens.all()), lambda t: t.value, _token)


async def tokens_add(sim: Simulator, request: Request) -> Any:
    body = await body_of(request, TOKEN_FIELDS)
    scopes = body.pop("scopes", ["messaging", "management"])
    if not isinstance(scopes, list):
        raise INVALID_PARAMETER("scopes must be a list such as [\"messaging\"]")
    return _token(sim.tokens.add(scopes=scopes, **body))


async def tokens_delete(sim: Simulator, request: Request) -> Any:
    sim.tokens.revoke(request.path_params["value"])
    return {"success": True}


async def limits_get(sim: Simulator, request: Request) -> Any:
    return sim.limits.usage()


async def limits_clear(sim: Simulator, request: Request) -> Any:
    sim.limits.clear()
    return {"success": True}


def routes() -> list[Route]:
    """The platform's ``/_sim/`` routes."""
    table: list[tuple[str, Handler, list[str]]] = [
        ("/faults", faults_get, ["GET"]),
        ("/faults", faults_add, ["POST"]),
        ("/faults", faults_clear, ["DELETE"]),
        ("/faults/messages", faults_messages, ["POST"]),
        ("/tokens", tokens_get, ["GET"]),
        ("/tokens", tokens_add, ["POST"]),
        ("/tokens/{value}", tokens_delete, ["DELETE"]),
        ("/limits", limits_get, ["GET"]),
        ("/limits", limits_clear, ["DELETE"]),
    ]
    return [Route(f"/_sim{path}", control(handler), methods=methods)
            for path, handler, methods in table]
