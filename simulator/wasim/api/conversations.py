"""What the inbox page reads and does beyond the other ``/_sim/`` routes; scripts may use
them too (documented with the control API).

* ``GET /_sim/conversations``: one row per customer of the world: name, alias, the last
  message either way and the customer service window on the simulated clock (§1.2).
* ``GET /_sim/conversations/{who}``: the thread with one customer, inbound and outbound in
  the order they happened, paged like every listing (:mod:`wasim.api.paging`); a failed
  outbound message names the rule that failed it (:data:`FAILURE_RULES`).
* ``GET /_sim/webhook``: the receiver: URL, handshake, paused or not, the signature secret
  in use (``[redacted]`` unless ``?secrets=include``); ``POST /_sim/webhook/pause`` and
  ``/resume`` hold and release the POSTs (§5.3).
* ``POST /_sim/templates``: create a template as ``POST /{WABA-ID}/message_templates``
  does (§2.4), without a token: ``{"waba_id"?, "name", "language", "category",
  "components"}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wasim.api.control import REDACTED, Handler, _object, control
from wasim.api.paging import page
from wasim.delivery.engine import DeliveryEngine, attach, engine_of
from wasim.errors import FAILURE_RULES, INVALID_PARAMETER
from wasim.simulation import Simulator
from wasim.world.models import InboundMessage, OutboundMessage


def _window(sim: Simulator, wa_id: str, phone_number_id: str | None) -> dict[str, Any]:
    window = dict(sim.window(wa_id, phone_number_id))
    closes = window.get("closes_at")
    left = 0
    if window.get("open") and isinstance(closes, str):
        left = max(0, int((datetime.fromisoformat(closes) - sim.now()).total_seconds()))
    window["seconds_left"] = left
    return window


def _text_of(kind: str, content: Any) -> str:
    """A one-line preview of a message of ``kind`` whose object is ``content``."""
    if not isinstance(content, dict):
        return kind
    if kind == "text":
        return str((content.get("text") or {}).get("body", ""))[:120]
    if kind == "template":
        return f"template {(content.get('template') or {}).get('name', '')}"
    if kind == "interactive":
        inner = content.get("interactive") or {}
        reply = inner.get("button_reply") or inner.get("list_reply")
        if isinstance(reply, dict):
            return str(reply.get("title", ""))
        return str((inner.get("body") or {}).get("text", "interactive"))[:120]
    if kind == "button":
        return str((content.get("button") or {}).get("text", "button"))
    if kind == "reaction":
        return f"reacted {(content.get('reaction') or {}).get('emoji', '')}"
    inner = content.get(kind)
    if isinstance(inner, dict) and inner.get("caption"):
        return f"{kind}: {inner['caption']}"[:120]
    return kind


def outbound_item(message: OutboundMessage) -> dict[str, Any]:
    error = message.error
    code = error.get("code") if isinstance(error, dict) else None
    return {"direction": "out", "id": message.id, "at": message.created_at.isoformat(),
            "type": message.type, "content": message.body, "status": message.status,
            "statuses": [s.to_dict() for s in message.statuses], "error": error,
            "rule": FAILURE_RULES.get(code) if isinstance(code, int) else None,
            "pricing": message.pricing, "category": message.category,
            "in_window": message.in_window, "preview": _text_of(message.type, message.body)}


def inbound_item(message: InboundMessage) -> dict[str, Any]:
    return {"direction": "in", "id": message.id, "at": message.at.isoformat(),
            "type": message.type, "content": message.message,
            "preview": _text_of(message.type, message.message)}


def thread_of(sim: Simulator, wa_id: str) -> list[tuple[datetime, bool, str, Any]]:
    """Every kept message with ``wa_id`` as ``(at, outbound, id, message)``, oldest first
    (rendered only for the page asked, so a long history costs a scan, not a copy).

    At one instant (a frozen clock) the customer's message comes first: a business reply
    at the same instant answers it (the sort is stable within each side)."""
    with sim._core.lock:
        items: list[tuple[datetime, bool, str, Any]] = [
            (m.created_at, True, m.id, m) for m in sim.world.messages.values()
            if m.to == wa_id]
        items += [(m.at, False, m.id, m) for m in sim.world.inbound if m.from_wa_id == wa_id]
    items.sort(key=lambda item: (item[0], item[1]))
    return items


def _item(entry: tuple[datetime, bool, str, Any]) -> dict[str, Any]:
    message = entry[3]
    return outbound_item(message) if isinstance(message, OutboundMessage) \
        else inbound_item(message)


async def conversations(sim: Simulator, request: Request) -> Any:
    """The customers, least recently active first (a page ends with the newest)."""
    phone = request.query_params.get("phone_number_id")
    with sim._core.lock:
        last: dict[str, dict[str, Any]] = {}
        for message in reversed(list(sim.world.messages.values())):
            if message.to not in last:
                last[message.to] = outbound_item(message)
        for inbound in reversed(sim.world.inbound):
            seen = last.get(inbound.from_wa_id)
            if seen is None or seen["at"] < inbound.at.isoformat():
                last[inbound.from_wa_id] = inbound_item(inbound)
        rows: list[dict[str, Any]] = []
        known: set[str] = set()
        for account in sim.world.accounts.values():
            for contact in account.contacts.values():
                known.add(contact.wa_id)
                rows.append({"wa_id": contact.wa_id, "name": contact.name,
                             "alias": contact.alias, "waba_id": account.waba_id,
                             "last": last.get(contact.wa_id),
                             "window": _window(sim, contact.wa_id, phone)})
        for wa_id in last.keys() - known:  # numbers written to that no contact names
            rows.append({"wa_id": wa_id, "name": wa_id, "alias": None, "waba_id": None,
                         "last": last[wa_id], "window": _window(sim, wa_id, phone)})
    rows.sort(key=lambda row: str((row["last"] or {}).get("at", "")))
    return page(request, rows, lambda row: str(row["wa_id"]), lambda row: row)


async def thread(sim: Simulator, request: Request) -> Any:
    wa_id = sim.resolve_customer(request.path_params["who"])
    items = thread_of(sim, wa_id)
    with sim._core.lock:
        answer = page(request, items, lambda item: item[2], _item)
    answer["window"] = _window(sim, wa_id, request.query_params.get("phone_number_id"))
    return answer


def _engine(sim: Simulator) -> DeliveryEngine:
    engine = engine_of(sim)
    return engine if engine is not None else attach(sim)


async def receiver(sim: Simulator, request: Request) -> Any:
    engine = _engine(sim)
    secret = sim.app_secret if request.query_params.get("secrets") == "include" else REDACTED
    verification = engine.verification
    return {"url": sim.world.webhook_url, "paused": engine.paused, "app_secret": secret,
            "verification": verification.to_dict() if verification else None,
            "pending": len(engine.pending())}


async def receiver_pause(sim: Simulator, request: Request) -> Any:
    _engine(sim).pause()
    return await receiver(sim, request)


async def receiver_resume(sim: Simulator, request: Request) -> Any:
    _engine(sim).resume()
    return await receiver(sim, request)


async def template_create(sim: Simulator, request: Request) -> Any:
    body = await _object(request)
    waba_id = body.pop("waba_id", None) or sim.waba_id
    if not isinstance(waba_id, str):
        raise INVALID_PARAMETER("field 'waba_id' must be a string")
    result = sim.templates.create(waba_id, body)
    sim.tick()
    return result


THUMBNAIL_TYPES = ("image/jpeg", "image/png", "image/webp")


async def thumbnail(sim: Simulator, request: Request) -> Any:
    """``GET /_sim/media/{id}/thumbnail``: the bytes of an image media (JPEG, PNG, WebP),
    for the page's bubbles (§8); anything else is a code 100 error."""
    with sim._core.lock:
        found = sim.media.record(request.path_params["media_id"])
    if found.mime_type not in THUMBNAIL_TYPES:
        raise INVALID_PARAMETER(f"media {found.id} is {found.mime_type}, not an image")
    return Response(found.data, media_type=found.mime_type,
                    headers={"Cache-Control": "private, max-age=300",
                             "X-Content-Type-Options": "nosniff"})


def routes() -> list[Route]:
    table: list[tuple[str, Handler, list[str]]] = [
        ("/media/{media_id}/thumbnail", thumbnail, ["GET"]),
        ("/conversations", conversations, ["GET"]),
        ("/conversations/{who}", thread, ["GET"]),
        ("/webhook", receiver, ["GET"]),
        ("/webhook/pause", receiver_pause, ["POST"]),
        ("/webhook/resume", receiver_resume, ["POST"]),
        ("/templates", template_create, ["POST"]),
    ]
    return [Route(f"/_sim{path}", control(handler), methods=methods)
            for path, handler, methods in table]
