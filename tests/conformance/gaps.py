"""What Meta's OpenAPI description (v23.0) does not describe, or describes more strictly
than the platform behaves, each with its reason. The conformance checks adjust a copy of
a body for exactly these before validating it, and nothing else is forgiven.
"""

from __future__ import annotations

import copy
from typing import Any

UNDESCRIBED_INBOUND = {
    "edit": "a customer's edit of a message (2025); the spec has no edit message",
    "revoke": "a customer's deletion of a message (2025); the spec has no revoke message",
    "request_welcome": "sent when a customer opens the chat the first time (§5.1); the spec "
                       "has no request_welcome message",
}
"""Inbound message types the spec lacks: checked as a text message with the same
``from``, ``id`` and ``timestamp`` (the envelope), their own object unchecked."""

PLACEHOLDER_PRODUCT = {"catalog_id": "0", "product_retailer_id": "0"}
"""The webhook ``ContextObject`` requires ``referred_product`` (product enquiries only), yet
a reply to a message carries only ``{from, id}`` (§5.1; the spec's own "Button Message"
example has no ``referred_product``): a reply's context gets this placeholder."""

REPLY_TYPES = ("button", "interactive")
"""A button or interactive reply always answers a business message, so the spec requires
its ``context``; wasim's inbound control route lets a test leave out which message was
answered. Such a reply is checked with a placeholder ``context``."""

PLACEHOLDER_CONTEXT = {"from": "0", "id": "wamid.0"}

FORWARD_FLAGS = ("forwarded", "frequently_forwarded")
"""A forwarded message's ``context`` is ``{forwarded: true}`` (or ``frequently_forwarded``)
without ``from``/``id`` (Meta's messages webhook reference); the spec's ``ContextObject``
knows neither flag and requires both: such a context gets the placeholder ``from``/``id``."""

LOCATION_TEXT = ("name", "address")
"""The webhook ``location`` requires ``name`` and ``address``; a shared current location
(a pin, not a place) carries only latitude and longitude: absent ones are checked as ''."""

STATUS_AS = {"played": "read"}
"""``played`` (a voice message played, §5.2) is not in the spec's status enum: checked as
``read``, the status it follows."""


def adjust_webhook(payload: Any) -> Any:
    """A copy of ``payload`` adjusted for the gaps above."""
    adjusted = copy.deepcopy(payload)
    for entry in adjusted.get("entry", []):
        for change in entry.get("changes", []):
            if change.get("field") != "messages":
                continue
            value = change.get("value", {})
            value["messages"] = [_inbound(m) for m in value.get("messages", [])]
            if not value["messages"]:
                del value["messages"]
            for status in value.get("statuses", []):
                status["status"] = STATUS_AS.get(status.get("status"), status.get("status"))
    return adjusted


def _inbound(message: dict[str, Any]) -> dict[str, Any]:
    kind = message.get("type")
    if kind in UNDESCRIBED_INBOUND:
        return {"from": message.get("from"), "id": message.get("id"),
                "timestamp": message.get("timestamp"), "type": "text",
                "text": {"body": kind}}
    if kind in REPLY_TYPES and "context" not in message:
        message["context"] = dict(PLACEHOLDER_CONTEXT)
    context = message.get("context")
    if isinstance(context, dict) and "id" not in context and any(
            context.get(flag) for flag in FORWARD_FLAGS):
        context.update(PLACEHOLDER_CONTEXT)
    if isinstance(context, dict) and "referred_product" not in context:
        context["referred_product"] = PLACEHOLDER_PRODUCT
    location = message.get("location") if kind == "location" else None
    if isinstance(location, dict):
        for key in LOCATION_TEXT:
            location.setdefault(key, "")
    return message


PHONE_LIST_STATUS = {"CONNECTED": "LINKED", "DISCONNECTED": "UNLINKED"}
"""The spec gives ``GET /{WABA-ID}/phone_numbers`` items the ``WhatsAppPhoneNumberStatus``
enum (``LINKED``...), which belongs to another object; Meta's phone-number nodes answer
``CONNECTED``/``DISCONNECTED`` (M7 of the second fidelity audit): checked as their twins."""

PHONE_LIST_PLACEHOLDER = {"display_phone_number": "0", "verified_name": "0"}
"""A ``fields`` selection answers only the fields asked for (and ``id``), while the spec
marks these required on every listed number: absent ones are checked as placeholders."""


WABA_PLACEHOLDER = {"name": "0"}
"""The same for the WABA node (``GET /{WABA-ID}?fields=currency`` answers currency and id)."""


def adjust_answer(path: str, body: Any) -> Any:
    """A copy of a Graph answer on spec path ``path`` adjusted for the gaps above."""
    if not isinstance(body, dict) or path not in (
            "/{Version}/{WABA-ID}/phone_numbers", "/{Version}/{WABA-ID}"):
        return body
    adjusted = copy.deepcopy(body)
    if path == "/{Version}/{WABA-ID}":
        return {**WABA_PLACEHOLDER, **adjusted}
    for item in adjusted.get("data", []):
        if isinstance(item, dict):
            item["status"] = PHONE_LIST_STATUS.get(item.get("status"), item.get("status"))
            for key, value in PHONE_LIST_PLACEHOLDER.items():
                item.setdefault(key, value)
    return adjusted
