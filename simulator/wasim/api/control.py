"""The control surface under ``/_sim/``: the same verbs as the Python ``Simulator``.

Bad input gets a JSON error in the Graph envelope (code 100), never a traceback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from wasim import __version__ as _version
from wasim.api.envelope import error_response
from wasim.api.errorlog import log_unexpected
from wasim.api.graph import json_body, parse_json, sim_of
from wasim.api.paging import page
from wasim.clock import parse_duration
from wasim.errors import API_UNKNOWN, INVALID_PARAMETER, GraphError
from wasim.rules.jsontext import MAX_STATE_DEPTH
from wasim.simulation import Simulator

Handler = Callable[[Simulator, Request], Awaitable[Any]]


def control(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Run a control handler under the lock; errors become the Graph envelope."""

    async def endpoint(request: Request) -> Response:
        sim = sim_of(request)
        try:
            result = await handler(sim, request)
            # rendered here, inside the guard: a value that cannot be encoded is our bug
            # and still gets an envelope
            return result if isinstance(result, Response) else JSONResponse(result)
        except GraphError as error:
            return error_response(error, sim._core.ids.fbtrace_id())
        except Exception as exc:  # a bug of ours: an envelope, and the traceback logged
            trace = sim._core.ids.fbtrace_id()
            log_unexpected(exc, trace, f"{request.method} {request.url.path}")
            return error_response(API_UNKNOWN(), trace)

    return endpoint


async def _object(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise INVALID_PARAMETER("the request body must be a JSON object")
    return body


def _field(body: dict[str, Any], key: str, kind: type = str) -> Any:
    value = body.get(key)
    if value is None:
        raise INVALID_PARAMETER(f"missing field {key!r}")
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = " or ".join(t.__name__ for t in get_args(kind)) or kind.__name__
        raise INVALID_PARAMETER(f"field {key!r} must be a {names}")
    return value


async def health(sim: Simulator, request: Request) -> Any:
    return {"status": "ok", "version": _version, "now": sim.now().isoformat()}


async def reset(sim: Simulator, request: Request) -> Any:
    sim.reset()
    return {"success": True}


async def clock_get(sim: Simulator, request: Request) -> Any:
    return sim.clock.to_dict()


async def clock_advance(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    by = body.get("by", request.query_params.get("by"))
    if by is None:
        raise INVALID_PARAMETER("missing field 'by' (a duration such as '25h' or seconds)")
    delta = parse_duration(by)
    if delta < timedelta(0):
        raise INVALID_PARAMETER(f"cannot advance by a negative duration ({by}); use "
                                "/_sim/clock/set to go back")
    sim.advance(delta)
    return sim.clock.to_dict()


async def clock_set(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    sim.set_time(_field(body, "to"))
    return sim.clock.to_dict()


async def clock_freeze(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    sim.freeze(body.get("at"))
    return sim.clock.to_dict()


async def clock_unfreeze(sim: Simulator, request: Request) -> Any:
    sim.unfreeze()
    return sim.clock.to_dict()


async def inbound(sim: Simulator, request: Request) -> Any:
    """``{"from", "type", "<type>": {...}, "context"?, "referral"?, "name"?}`` or the
    text shortcut ``{"from", "text": "hi"}``."""
    body = await _object(request)
    sender = str(_field(body, "from", str | int))  # type: ignore[arg-type]
    kind = body.get("type", "text")
    if not isinstance(kind, str):
        raise INVALID_PARAMETER("field 'type' must be a string")
    if kind == "call":
        return _call(sim, sender, body)
    if kind == "text" and body.get("text") is not None \
            and not isinstance(body["text"], (str, dict)):
        raise INVALID_PARAMETER("field 'text' must be a string or a JSON object {\"body\"}")
    text = body.get("text") if kind == "text" and isinstance(body.get("text"), str) else None
    content = None if text is not None else body.get(kind)
    if text is None and content is None and kind not in ("unsupported", "request_welcome"):
        raise INVALID_PARAMETER(f"missing field {kind!r} (the {kind} object)")
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise INVALID_PARAMETER("field 'name' must be a string")
    message = sim.inbound(sender, text=text, type=kind, content=content, name=name,
                          context=body.get("context"), referral=body.get("referral"),
                          phone_number_id=body.get("phone_number_id"))
    return {"message": message.message, "window": sim.window(message.from_wa_id,
                                                             message.phone_number_id)}


def _call(sim: Simulator, sender: str, body: dict[str, Any]) -> Any:
    """``{"from", "type": "call", "call": {"duration"?}}``: the customer calls (§1.2)."""
    call = body.get("call", {})
    if not isinstance(call, dict) or set(call) - {"duration"}:
        raise INVALID_PARAMETER("field 'call' must be an object with at most 'duration' "
                                "(seconds of an answered call)")
    phone = body.get("phone_number_id")
    if phone is not None and not isinstance(phone, str):
        raise INVALID_PARAMETER("field 'phone_number_id' must be a string")
    placed = sim.customer(sender).calls(call.get("duration"), phone_number_id=phone)
    return {"call": placed, "window": sim.window(placed["connect"]["from"], phone)}


async def messages(sim: Simulator, request: Request) -> Any:
    query = request.query_params
    to, status, kind = query.get("to"), query.get("status"), query.get("type")
    if to is None and status is None and kind is None:  # no filter: no pass over them all
        found = list(sim.world.messages.values())
    else:
        found = sim.messages(to=to, status=status, type=kind)
    return page(request, found, lambda m: m.id, lambda m: m.to_dict())


async def message_get(sim: Simulator, request: Request) -> Any:
    return sim.message(request.path_params["message_id"]).to_dict()


async def message_status(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    code = body.get("code")
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
        raise INVALID_PARAMETER("field 'code' must be an integer Graph error code")
    message = sim.set_status(request.path_params["message_id"], _field(body, "status"),
                             code=code, details=body.get("details"))
    return message.to_dict()


async def webhooks(sim: Simulator, request: Request) -> Any:
    return page(request, list(sim.webhooks), lambda w: w.id, lambda w: w.to_dict())


async def window(sim: Simulator, request: Request) -> Any:
    return sim.window(request.path_params["who"], request.query_params.get("phone_number_id"))


async def contact_post(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    opted = body.get("opted_out_marketing")
    if opted is not None and not isinstance(opted, bool):
        raise INVALID_PARAMETER("field 'opted_out_marketing' must be true or false")
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise INVALID_PARAMETER("field 'name' must be a string")
    return sim.set_contact(request.path_params["who"], name=name, opted_out_marketing=opted)


REDACTED = "[redacted]"


async def state_get(sim: Simulator, request: Request) -> Any:
    """The export, its secrets (app secret, verify token, access tokens) shown as
    ``[redacted]`` unless ``?secrets=include``."""
    state = sim.export_state()
    if request.query_params.get("secrets") != "include":
        world = state["world"] = dict(state["world"])
        world["app_secret"] = world["verify_token"] = REDACTED
        world["tokens"] = [{**token, "value": REDACTED} for token in world["tokens"]]
    return state


async def state_put(sim: Simulator, request: Request) -> Any:
    """Import an export; secrets shown as ``[redacted]`` keep the server's own values, and
    so does ``review_rules`` (:data:`FILE_SETTINGS`)."""
    state = parse_json(await request.body(), MAX_STATE_DEPTH)
    if not isinstance(state, dict):
        raise INVALID_PARAMETER("the request body must be a JSON object")
    world = state.get("world")
    if isinstance(world, dict):
        state["world"] = world = dict(world)
        current = sim.world
        for key in ("app_secret", "verify_token"):
            if world.get(key) == REDACTED:
                world[key] = getattr(current, key)
        settings = world.get("settings")
        if isinstance(settings, dict):  # the server's own file settings stay
            world["settings"] = {**settings, **{name: getattr(current.settings, name)
                                                for name in FILE_SETTINGS}}
        tokens = world.get("tokens")
        if isinstance(tokens, list) and any(isinstance(t, dict) and t.get("value") == REDACTED
                                            for t in tokens):
            world["tokens"] = [token.to_dict() for token in current.tokens.values()]
    sim.import_state(state)
    return {"success": True}


async def settings_get(sim: Simulator, request: Request) -> Any:
    return sim.world.settings.to_dict()


FILE_SETTINGS = ("review_rules",)
"""Settings naming a file to read: set by a world file, ``--set`` or Python, never over
HTTP (a request could otherwise make the server read any path)."""


async def settings_post(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    for name in FILE_SETTINGS:
        if name in body:
            raise INVALID_PARAMETER(f"setting {name!r} names a file, so it is set only by a "
                                    "world file or 'wasim serve --set', not over HTTP",
                                    http_status=403)
    return sim.update_settings(body)


def routes() -> list[Route]:
    """The ``/_sim/`` routes."""
    table: list[tuple[str, Handler, list[str]]] = [
        ("/health", health, ["GET"]),
        ("/reset", reset, ["POST"]),
        ("/clock", clock_get, ["GET"]),
        ("/clock/advance", clock_advance, ["POST"]),
        ("/clock/set", clock_set, ["POST"]),
        ("/clock/freeze", clock_freeze, ["POST"]),
        ("/clock/unfreeze", clock_unfreeze, ["POST"]),
        ("/inbound", inbound, ["POST"]),
        ("/messages", messages, ["GET"]),
        ("/messages/{message_id:path}/status", message_status, ["POST"]),
        ("/messages/{message_id:path}", message_get, ["GET"]),
        ("/webhooks", webhooks, ["GET"]),
        ("/windows/{who}", window, ["GET"]),
        ("/contacts/{who}", contact_post, ["POST"]),
        ("/state", state_get, ["GET"]),
        ("/state", state_put, ["PUT", "POST"]),
        ("/settings", settings_get, ["GET"]),
        ("/settings", settings_post, ["POST"]),
    ]
    return [Route(f"/_sim{path}", control(handler), methods=methods)
            for path, handler, methods in table]
