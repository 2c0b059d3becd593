"""Inbound messages a customer can send, checked and completed as webhooks carry them (§5.1).

``build(type, content, ...)`` turns what a test gives (``sim.inbound`` or
``POST /_sim/inbound``) into the message object of the webhook: media objects get
``mime_type`` and ``sha256``, an interactive reply gets its ``type``, a system message its
body, an unsupported message its 131051 ``errors``; ``context`` (a reply quoting a message)
and ``referral`` (a click-to-WhatsApp ad) are completed the same way. Bad input is a
Graph error 100 naming the field.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from wasim.errors import INVALID_PARAMETER
from wasim.world.models import InboundMessage
from wasim.world.state import World

MediaInfo = Callable[[str], "dict[str, Any] | None"]

MEDIA_MIME = {"image": "image/jpeg", "audio": "audio/ogg; codecs=opus", "video": "video/mp4",
              "document": "application/pdf", "sticker": "image/webp"}
"""Default ``mime_type`` of inbound media when the media store says nothing."""

INBOUND_TYPES = ("text", "image", "audio", "video", "document", "sticker", "location",
                 "contacts", "interactive", "button", "reaction", "order", "system",
                 "unsupported", "request_welcome", "edit", "revoke")
"""Every inbound ``type`` the simulator injects (§5.1)."""

EDIT_WITHIN = timedelta(minutes=15)
"""A customer edits a message of theirs within 15 minutes of sending it (Meta's edit
webhook reference)."""
REVOKE_WITHIN = timedelta(days=2)
"""A customer deletes (revokes) a message of theirs within two days of sending it
(Meta's revoke webhook reference)."""
EDITABLE = ("text", "image", "video", "document")
"""What a customer can edit: text, and media with a caption."""

Original = Callable[[str], "InboundMessage | None"]
"""Finds a message the customer sent to this number, by id."""

UNSUPPORTED_ERROR = {"code": 131051, "title": "Message type unknown",
                     "message": "Message type unknown",
                     "error_data": {"details": "Message type is currently not supported."}}
"""The ``errors[]`` item of an ``unsupported`` inbound message (§5.1, error 131051)."""


def _bad(field: str, what: str) -> Exception:
    return INVALID_PARAMETER(f"inbound {field} {what}")


def _obj(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(field, "must be a JSON object")
    return dict(value)


def _str(obj: dict[str, Any], key: str, field: str, *, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise _bad(f"{field}.{key}", "is required")
        return None
    if not isinstance(value, str) or (required and not value):
        raise _bad(f"{field}.{key}", "must be a non-empty string")
    return value


def _media(kind: str, content: Any, media_info: MediaInfo | None) -> dict[str, Any]:
    media = {"id": content} if isinstance(content, str) else _obj(content, kind)
    media_id = _str(media, "id", kind)
    assert media_id is not None
    known: dict[str, Any] = {}
    if media_info is not None:
        found = media_info(media_id)
        if found is None:
            raise _bad(f"{kind}.id", f"{media_id!r} is not media the simulator holds")
        known = found
    if kind in ("audio", "sticker") and "caption" in media:
        raise _bad(f"{kind}.caption", f"is not allowed: {kind} messages have no caption")
    out: dict[str, Any] = {"id": media_id,
                           "mime_type": media.get("mime_type") or known.get("mime_type")
                           or MEDIA_MIME[kind],
                           "sha256": media.get("sha256") or known.get("sha256")
                           or hashlib.sha256(media_id.encode()).hexdigest()}
    for key in ("caption", "filename"):
        if media.get(key) is not None:
            out[key] = _str(media, key, kind)
    if kind == "document" and "filename" not in out:
        # a document always arrives with its file name (§5.1)
        out["filename"] = "document" + (mimetypes.guess_extension(out["mime_type"]) or "")
    flag = {"audio": "voice", "sticker": "animated"}.get(kind)
    if flag is not None:
        # always present, a boolean (the webhook's audio.voice / sticker.animated, §5.1)
        value = media.get(flag, False)
        if not isinstance(value, bool):
            raise _bad(f"{kind}.{flag}", "must be true or false")
        out[flag] = value
    return out


def _location(content: Any) -> dict[str, Any]:
    location = _obj(content, "location")
    for key in ("latitude", "longitude"):
        value = location.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(f"location.{key}", "must be a number")
    for key in ("name", "address", "url"):
        _str(location, key, "location", required=False)
    return {k: v for k, v in location.items() if v is not None}


def _contacts(content: Any) -> list[dict[str, Any]]:
    if not isinstance(content, list) or not content:
        raise _bad("contacts", "must be a non-empty list of contact cards")
    cards = []
    for i, card in enumerate(content):
        card = _obj(card, f"contacts[{i}]")
        name = _obj(card.get("name"), f"contacts[{i}].name")
        _str(name, "formatted_name", f"contacts[{i}].name")
        _strings(name, f"contacts[{i}].name")
        if "org" in card:
            _strings(_obj(card["org"], f"contacts[{i}].org"), f"contacts[{i}].org")
        for key in ("phones", "emails", "urls", "addresses"):
            items = card.get(key, [])
            if not isinstance(items, list):
                raise _bad(f"contacts[{i}].{key}", "must be a list of objects")
            for j, item in enumerate(items):
                _strings(_obj(item, f"contacts[{i}].{key}[{j}]"), f"contacts[{i}].{key}[{j}]")
        if "birthday" in card:
            _str(card, "birthday", f"contacts[{i}]")
        cards.append(card)
    return cards


def _strings(obj: dict[str, Any], field: str) -> None:
    """Every field of a contact card's part is text, as the webhook carries it (§5.1)."""
    for key, value in obj.items():
        if not isinstance(value, str):
            raise _bad(f"{field}.{key}", "must be a string")


def _interactive(content: Any) -> dict[str, Any]:
    reply = _obj(content, "interactive")
    kind = reply.get("type") or next(
        (k for k in ("button_reply", "list_reply", "nfm_reply") if k in reply), None)
    if kind not in ("button_reply", "list_reply", "nfm_reply"):
        raise _bad("interactive.type", "must be button_reply, list_reply or nfm_reply")
    body = _obj(reply.get(kind), f"interactive.{kind}")
    if kind == "nfm_reply":
        _str(body, "response_json", "interactive.nfm_reply")
        body.setdefault("body", "Sent")
        body.setdefault("name", "flow")
    else:
        _str(body, "id", f"interactive.{kind}")
        _str(body, "title", f"interactive.{kind}")
        _str(body, "description", f"interactive.{kind}", required=False)
    return {"type": kind, kind: body}


def _button(content: Any) -> dict[str, Any]:
    button = _obj(content, "button")
    _str(button, "text", "button")
    button.setdefault("payload", button["text"])
    _str(button, "payload", "button")
    return button


def _reaction(content: Any) -> dict[str, Any]:
    reaction = _obj(content, "reaction")
    _str(reaction, "message_id", "reaction")
    emoji = reaction.get("emoji", "")
    if not isinstance(emoji, str):
        raise _bad("reaction.emoji", "must be a string (empty removes the reaction)")
    return {"message_id": reaction["message_id"], "emoji": emoji}


def _order(content: Any) -> dict[str, Any]:
    order = _obj(content, "order")
    _str(order, "catalog_id", "order")
    items = order.get("product_items")
    if not isinstance(items, list) or not items:
        raise _bad("order.product_items", "must be a non-empty list")
    for i, item in enumerate(items):
        item = _obj(item, f"order.product_items[{i}]")
        _str(item, "product_retailer_id", f"order.product_items[{i}]")
        _str(item, "currency", f"order.product_items[{i}]")
        quantity, price = item.get("quantity"), item.get("item_price")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise _bad(f"order.product_items[{i}].quantity", "must be a positive integer")
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise _bad(f"order.product_items[{i}].item_price", "must be a number")
    order.setdefault("text", "")
    return order


def _system(content: Any, sender: str, name: str) -> dict[str, Any]:
    system = _obj(content, "system")
    kind = system.get("type", "user_changed_number")
    if kind != "user_changed_number":
        raise _bad("system.type", "must be user_changed_number")
    new = _str(system, "wa_id", "system", required=False) or _str(
        system, "new_wa_id", "system")
    assert new is not None
    body = system.get("body") or f"User {name or sender} changed from {sender} to {new}"
    return {"body": body, "wa_id": new, "type": kind}


def _original(content: Any, kind: str, original: Original | None, now: datetime | None,
              within: timedelta) -> InboundMessage:
    """The customer's earlier message an ``edit`` or ``revoke`` names, still changeable."""
    given = {"original_message_id": content} if isinstance(content, str) else _obj(
        content, kind)
    message_id = _str(given, "original_message_id", kind)
    assert message_id is not None
    found = original(message_id) if original is not None else None
    if found is None:
        raise _bad(f"{kind}.original_message_id",
                   f"{message_id!r} is not a message this customer sent to this number")
    if now is not None and now - found.at >= within:
        action = "edited" if kind == "edit" else "deleted"
        raise _bad(f"{kind}.original_message_id",
                   f"{message_id!r} can no longer be {action}: a customer can do that within "
                   f"{_span(within)} of sending it")
    return found


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} minutes" if minutes < 120 else f"{minutes // 1440} days"


def _edit(content: Any, original: Original | None, now: datetime | None) -> dict[str, Any]:
    """``{"original_message_id", "message": {...}}``: the edited message as it now reads.

    The new words come as ``text`` (a text message) or ``caption`` (media); the inner
    message keeps the original's type (and its ``context``, if it quoted one).
    """
    found = _original(content, "edit", original, now, EDIT_WITHIN)
    given = _obj(content, "edit")
    before = found.message
    if found.type not in EDITABLE or (found.type != "text"
                                      and "caption" not in before.get(found.type, {})):
        raise _bad("edit.original_message_id",
                   f"{found.id!r} is a {found.type} message without text to edit (text, and "
                   "media with a caption, can be edited)")
    message: dict[str, Any] = {}
    if "context" in before:
        message["context"] = before["context"]
    message["type"] = found.type
    if found.type == "text":
        new = given.get("text")
        text = {"body": new} if isinstance(new, str) else _obj(new, "edit.text")
        _str(text, "body", "edit.text")
        message["text"] = text
    else:
        _str(given, "caption", "edit")
        message[found.type] = {**before[found.type], "caption": given["caption"]}
    return {"original_message_id": found.id, "message": message}


def build(kind: str, content: Any, *, sender: str, name: str = "",
          media_info: MediaInfo | None = None, original: Original | None = None,
          now: datetime | None = None) -> tuple[Any, dict[str, Any]]:
    """The webhook ``content`` of an inbound ``kind`` and any extra message fields.

    Returns ``(content, extra)``: ``extra`` holds ``errors`` for ``unsupported``.
    ``original`` and ``now`` serve ``edit`` and ``revoke``, which name an earlier message
    of the customer's that must still be changeable at ``now``.
    """
    if kind not in INBOUND_TYPES:
        raise _bad("type", f"must be one of {', '.join(INBOUND_TYPES)}; got {kind!r}")
    if kind == "text":
        text = {"body": content} if isinstance(content, str) else _obj(content, "text")
        _str(text, "body", "text")
        return text, {}
    if kind in MEDIA_MIME:
        return _media(kind, content, media_info), {}
    if kind == "unsupported":
        return None, {"errors": [dict(UNSUPPORTED_ERROR)]}
    if kind == "request_welcome":
        return None, {}
    if kind == "edit":
        return _edit(content, original, now), {}
    if kind == "revoke":
        found = _original(content, "revoke", original, now, REVOKE_WITHIN)
        return {"original_message_id": found.id}, {}
    builders: dict[str, Callable[[Any], Any]] = {
        "location": _location, "contacts": _contacts, "interactive": _interactive,
        "button": _button, "reaction": _reaction, "order": _order,
        "system": lambda c: _system(c, sender, name),
    }
    return builders[kind](content), {}


FORWARD_FLAGS = ("forwarded", "frequently_forwarded")


def context_of(world: World, context: Any) -> dict[str, Any]:
    """``context: {from, id}`` of a reply quoting ``context`` (a message id or object).

    §5.1: a forwarded message carries ``context: {forwarded: true}`` (or
    ``frequently_forwarded: true``) without ``from``/``id``; the flags are kept, beside
    the quoted message when both are given.
    """
    if isinstance(context, str):
        context = {"id": context}
    context = _obj(context, "context")
    flags: dict[str, Any] = {}
    for flag in FORWARD_FLAGS:
        if flag in context:
            if not isinstance(context[flag], bool):
                raise _bad(f"context.{flag}", "must be true or false")
            if context[flag]:
                flags[flag] = True
    if flags and "id" not in context:
        return flags
    return {**_quoted(world, context), **flags}


def _quoted(world: World, context: dict[str, Any]) -> dict[str, Any]:
    message_id = _str(context, "id", "context")
    if "from" in context:
        return {"from": str(context["from"]), "id": message_id}
    outbound = world.messages.get(str(message_id))
    if outbound is not None:
        phone = world.phone(outbound.phone_number_id)
        sender = phone.display_phone_number if phone else outbound.phone_number_id
        return {"from": sender, "id": message_id}
    for inbound in world.inbound:
        if inbound.id == message_id:
            return {"from": inbound.from_wa_id, "id": message_id}
    raise _bad("context.id", f"{message_id!r} is not a message the simulator knows")


def referral_of(referral: Any, click_id: str) -> dict[str, Any]:
    """A click-to-WhatsApp ``referral`` (§5.1), completed with the ad's usual fields."""
    given = {} if referral is True else _obj(referral, "referral")
    out: dict[str, Any] = {"source_url": "https://fb.me/wasim-ad",
                           "source_id": "120200000000000001", "source_type": "ad",
                           "body": "", "headline": "Chat with us",
                           "media_type": "image",
                           "image_url": "https://scontent.example/wasim-ad.jpg",
                           "ctwa_clid": click_id}
    out.update(given)
    if out["source_type"] not in ("ad", "post"):
        raise _bad("referral.source_type", "must be ad or post")
    return out
