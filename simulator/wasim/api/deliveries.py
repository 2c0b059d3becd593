"""Control routes of webhook delivery: the target, the delivery log, redelivery, drills.

``POST /_sim/webhook`` sets the target (and runs the handshake, §5.3); ``GET
/_sim/deliveries`` is the log of every attempt; drills live under ``/_sim/webhook-drills``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

from wasim.api.control import Handler, _object, control
from wasim.api.paging import Keys, paging, window
from wasim.delivery.engine import Delivery, DeliveryEngine, attach, engine_of, settled
from wasim.errors import INVALID_PARAMETER
from wasim.simulation import Simulator


def _engine(sim: Simulator) -> DeliveryEngine:
    engine = engine_of(sim)
    return engine if engine is not None else attach(sim)


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise INVALID_PARAMETER(f"field {key!r} must be a string")
    return value


async def webhook_target(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    url, secret, token = _text(body, "url"), _text(body, "app_secret"), _text(body, "verify_token")
    path = _text(body, "path")
    if url is not None and (not url.startswith(("http://", "https://")) or len(url) > 2048
                            or any(not " " < char < "\x7f" for char in url)):
        raise INVALID_PARAMETER("field 'url' must be an http(s) URL (printable ASCII, no "
                                "spaces, at most 2048 characters) or null")
    engine = _engine(sim)
    if "url" in body:
        await run_in_threadpool(engine.set_target, url, app_secret=secret,
                                verify_token=token, path=path)
    else:
        sim.set_webhook_credentials(app_secret=secret, verify_token=token)
    verification = engine.verification
    return {"url": sim.world.webhook_url,
            "verification": verification.to_dict() if verification else None}


async def deliveries(sim: Simulator, request: Request) -> Any:
    """The log's counts and one page of its deliveries (``state``, ``limit``, ``before``,
    ``after``: :mod:`wasim.api.paging`)."""
    found: dict[str, Any] = {}

    def select(chosen: list[Delivery]) -> list[Delivery]:
        keys = Keys(chosen, lambda d: d.id)
        start, end = window(request, keys)
        found.update(paging(request, keys, start, end))
        return chosen[start:end]

    answer = _engine(sim).status(request.query_params.get("state"), select=select)
    if found:
        answer["paging"] = found
    return answer


async def redeliver(sim: Simulator, request: Request) -> Any:
    return _engine(sim).redeliver(request.path_params["webhook_id"]).to_dict()


async def retry(sim: Simulator, request: Request) -> Any:
    return {"retrying": _engine(sim).retry_now()}


async def settle(sim: Simulator, request: Request) -> Any:
    """Wait until the deliveries settle: ``{"timeout"?: seconds (default 5, at most 60)}``
    -> ``{"settled", "pending"}``. The server's loop keeps serving meanwhile."""
    body = await _object(request) if await request.body() else {}
    timeout = body.get("timeout", 5)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) \
            or not 0 <= timeout <= 60:
        raise INVALID_PARAMETER("field 'timeout' must be a number of seconds from 0 to 60")
    engine = _engine(sim)
    done = await settled(engine, float(timeout))
    return {"settled": done, "pending": len(engine.pending())}


async def drills_get(sim: Simulator, request: Request) -> Any:
    return _engine(sim).drills.to_dict()


async def drills_delete(sim: Simulator, request: Request) -> Any:
    engine = _engine(sim)
    engine.drills.clear()
    return engine.drills.to_dict()


async def drill(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    engine = _engine(sim)
    kind = request.path_params["kind"]
    if kind == "duplicate":
        engine.drills.duplicate(body.get("times", 1), webhook_id=_text(body, "webhook_id"))
    elif kind == "reorder":
        engine.drills.reorder(body.get("count", 2))
    elif kind == "delay":
        by = body.get("by", "60s")
        if isinstance(by, bool) or not isinstance(by, str | int | float):
            raise INVALID_PARAMETER("field 'by' must be a duration such as '30s'")
        engine.drills.delay(by, body.get("times", 1))
    else:
        raise INVALID_PARAMETER(
            f"unknown drill {kind!r}; drills are duplicate, reorder and delay")
    return engine.drills.to_dict()


async def progression(sim: Simulator, request: Request) -> Any:
    """``{"policy"?: "immediate"|"manual", "delivered_after"?, "read_after"?, "customer"?}``."""
    body = await _object(request)
    delays = {k: body[k] for k in ("delivered_after", "read_after") if k in body}
    return sim.set_progression(_text(body, "policy"), who=_text(body, "customer"), **delays)


def routes() -> list[Route]:
    """The delivery routes under ``/_sim/``."""
    table: list[tuple[str, Handler, list[str]]] = [
        ("/webhook", webhook_target, ["POST"]),
        ("/deliveries", deliveries, ["GET"]),
        ("/deliveries/retry", retry, ["POST"]),
        ("/deliveries/settle", settle, ["POST"]),
        ("/deliveries/{webhook_id}/redeliver", redeliver, ["POST"]),
        ("/webhook-drills", drills_get, ["GET"]),
        ("/webhook-drills", drills_delete, ["DELETE"]),
        ("/webhook-drills/{kind}", drill, ["POST"]),
        ("/progression", progression, ["POST"]),
    ]
    return [Route(f"/_sim{path}", control(handler), methods=methods)
            for path, handler, methods in table]
