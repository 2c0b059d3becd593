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
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from wasim.world.models import Contact, OutboundMessage, PhoneNumber, StatusEvent


def unix(at: datetime) -> str:
    """Unix seconds as the string that message and status timestamps use (§5.1)."""
    return str(int(at.timestamp()))


def metadata(phone: PhoneNumber) -> dict[str, Any]:
    return _metadata(phone.display_phone_number, phone.id)


def _metadata(display_phone_number: str, phone_number_id: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": display_phone_number,
                         "phone_number_id": phone_number_id}}


def contact_entry(contact: Contact) -> dict[str, Any]:
    """A ``contacts[]`` item: profile name, ``wa_id`` and the BSUID ``user_id`` (§11)."""
    return _contact_entry(contact.name, contact.wa_id, contact.user_id)


def _contact_entry(name: str, wa_id: str, user_id: str) -> dict[str, Any]:
    return {"profile": {"name": name}, "wa_id": wa_id, "user_id": user_id}


def _status_contact(name: str, wa_id: str, user_id: str) -> dict[str, Any]:
    """A status webhook's ``contacts[]`` item (§5.2, §11): ``profile`` only when the
    profile name is known (a recipient who never wrote has none here, and an empty
    ``{"name": ""}`` is nothing Meta sends). Inbound messages always carry it (§5.1)."""
    if not name:
        return {"wa_id": wa_id, "user_id": user_id}
    return _contact_entry(name, wa_id, user_id)


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
    return _status_value(phone.display_phone_number, phone.id, contact.name, contact.wa_id,
                         contact.user_id, message, event)


StatusSnapshot = tuple[str, str, str, str, str]
"""What a status webhook shows of the number and the contact, as it was when emitted:
display number, phone number id, profile name, ``wa_id``, BSUID."""


def status_snapshot(phone: PhoneNumber, contact: Contact) -> StatusSnapshot:
    """The number's and contact's fields a status webhook shows, taken now (a later
    profile-name change must not rewrite an old webhook)."""
    return (phone.display_phone_number, phone.id, contact.name, contact.wa_id,
            contact.user_id)


def status_value_later(snapshot: StatusSnapshot, message: OutboundMessage,
                       event: StatusEvent) -> Callable[[], dict[str, Any]]:
    """``status_value`` as it reads now, built only when called (``Webhook.later``).

    The message's fields it reads (id, recipient, callback data) and the event never
    change; one ``snapshot`` serves every status of a step.
    """
    return partial(_snapshot_value, snapshot, message, event)


def _snapshot_value(snapshot: StatusSnapshot, message: OutboundMessage,
                    event: StatusEvent) -> dict[str, Any]:
    return _status_value(*snapshot, message, event)


def _status_value(display_phone_number: str, phone_number_id: str, name: str, wa_id: str,
                  user_id: str, message: OutboundMessage,
                  event: StatusEvent) -> dict[str, Any]:
    value = _metadata(display_phone_number, phone_number_id)
    value["contacts"] = [_status_contact(name, wa_id, user_id)]
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
