"""Pure builders for webhook bodies, their exact bytes and their signature (§5).

Bodies follow §5.1 (envelope, inbound), §5.2 (statuses) and §2.6 (template updates).
``encode`` produces the bytes Meta sends: compact JSON with every non-ASCII character
escaped as ``\\uXXXX`` (§11); ``sign`` is ``sha256=`` + HMAC-SHA256 of exactly those
bytes keyed by the app secret (§5.3).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from simulator.models import Contact, OutboundMessage, PhoneNumber, StatusEvent


def unix(at: datetime) -> str:
    """Unix seconds as the string that message and status timestamps use (§5.1)."""
    return str(int(at.timestamp()))


def envelope(waba_id: str, field: str, value: dict[str, Any],
             time: datetime | None = None) -> dict[str, Any]:
    """``{"object": "whatsapp_business_account", "entry": [...]}`` with one change.

    Template webhooks carry an integer ``entry[].time`` (§2.6); message webhooks do not.
    """
    entry: dict[str, Any] = {"id": waba_id}
    if time is not None:
        entry["time"] = int(time.timestamp())
    entry["changes"] = [{"value": value, "field": field}]
    return {"object": "whatsapp_business_account", "entry": [entry]}


def metadata(phone: PhoneNumber) -> dict[str, Any]:
    return {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": phone.display_phone_number,
                         "phone_number_id": phone.id}}


def contact_entry(contact: Contact) -> dict[str, Any]:
    """A ``contacts[]`` item: profile name, ``wa_id`` and the BSUID ``user_id`` (§11)."""
    return {"profile": {"name": contact.name}, "wa_id": contact.wa_id,
            "user_id": contact.user_id}


def status_object(message: OutboundMessage, event: StatusEvent) -> dict[str, Any]:
    """One ``statuses[]`` item (§5.2): pricing/conversation only where given, errors on failed."""
    status: dict[str, Any] = {
        "id": message.id,
        "status": event.status,
        "timestamp": unix(event.at),
        "recipient_id": message.to,
    }
    if event.conversation is not None:
        status["conversation"] = event.conversation
    if event.pricing is not None:
        status["pricing"] = event.pricing
    if event.errors is not None:
        status["errors"] = event.errors
    if message.biz_opaque_callback_data is not None:
        status["biz_opaque_callback_data"] = message.biz_opaque_callback_data
    return status


def status_value(phone: PhoneNumber, contact: Contact, message: OutboundMessage,
                 event: StatusEvent) -> dict[str, Any]:
    """The ``value`` of a status webhook; it carries ``contacts`` too (§11)."""
    value = metadata(phone)
    value["contacts"] = [contact_entry(contact)]
    value["statuses"] = [status_object(message, event)]
    return value


def inbound_value(phone: PhoneNumber, contact: Contact | None,
                  message: dict[str, Any]) -> dict[str, Any]:
    """The ``value`` of an inbound message webhook; system messages carry no contacts."""
    value = metadata(phone)
    if contact is not None:
        value["contacts"] = [contact_entry(contact)]
    value["messages"] = [message]
    return value


def encode(payload: dict[str, Any]) -> bytes:
    """The exact bytes POSTed: compact, ASCII-escaped JSON (§11)."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header value for ``body`` (§5.3)."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(body: bytes, app_secret: str, header: str | None) -> bool:
    """Check a signature the way a receiver should: constant-time, over the raw bytes."""
    return header is not None and hmac.compare_digest(sign(body, app_secret), header)
