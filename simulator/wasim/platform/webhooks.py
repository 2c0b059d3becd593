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
from typing import Any, cast

from wasim.ids import token_hex
from wasim.world.journal import Webhook, envelope
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
        status["pricing"] = dict(event.pricing)  # shared by many records: a copy to show
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


StatusSnapshot = tuple[str, str, str, str, str, str]
"""What a status webhook shows of the account, number and contact, as it was when
emitted: WABA id, display number, phone number id, profile name, ``wa_id``, BSUID."""


_SNAPSHOTS: dict[tuple[int, int], StatusSnapshot] = {}
"""The last snapshot taken per number and contact (by identity), shared by every status
webhook while their fields stay the same."""


def status_snapshot(waba_id: str, phone: PhoneNumber, contact: Contact) -> StatusSnapshot:
    """The account's, number's and contact's fields a status webhook shows, taken now (a
    later profile-name change must not rewrite an old webhook).

    An equal snapshot taken before is answered instead of a new tuple, so the status
    webhooks of one conversation share one; the table forgets everything when it passes
    4,096 pairs.
    """
    snapshot = (waba_id, phone.display_phone_number, phone.id, contact.name, contact.wa_id,
                contact.user_id)
    key = (id(phone), id(contact))
    known = _SNAPSHOTS.get(key)
    if known == snapshot:
        return known
    if len(_SNAPSHOTS) >= 4096:
        _SNAPSHOTS.clear()
    _SNAPSHOTS[key] = snapshot
    return snapshot


class _MessagesWebhook(Webhook):
    """A ``messages`` webhook kept as what its body is made from: its id as a number and a
    snapshot whose first field is the account's id; a subclass keeps the rest and builds
    ``value`` (and the envelope around it) on every read."""

    __slots__ = ("_number", "_snapshot")
    _number: int
    _snapshot: tuple[Any, ...]

    @property
    def id(self) -> str:
        """The 16 hex digits of ``IdGenerator.token(8)``, from the number kept."""
        return token_hex(self._number, 8)

    @property
    def field(self) -> str:
        return "messages"

    @property
    def waba_id(self) -> str:
        return str(self._snapshot[0])

    @property
    def payload(self) -> dict[str, Any]:
        return envelope(self._snapshot[0], "messages", self.value)


class StatusWebhook(_MessagesWebhook):
    """A status webhook (§5.2) kept as what its body is made from: its id as a number,
    the account's, number's and contact's fields at emission (``snapshot``), the message
    and the status event. 64 bytes and a number, where a built body is about two
    kilobytes.

    The body is built on every read, the same JSON each time: the fields it reads of
    the message (id, recipient, callback data) and the event never change, and the
    snapshot was taken when the status was reached (a later profile-name change does not
    rewrite an old webhook). It was emitted when the status was reached (``created_at``
    is the event's time).
    """

    __slots__ = ("_event", "_message")

    def __init__(self, number: int, snapshot: StatusSnapshot, message: OutboundMessage,
                 event: StatusEvent) -> None:
        self._number = number
        self._snapshot = snapshot
        self._message = message
        self._event = event

    @property
    def created_at(self) -> datetime:
        return self._event.at

    def source(self) -> tuple[StatusSnapshot, OutboundMessage, StatusEvent]:
        """What the body is built from: the snapshot, the message and the status event
        (the store writes a status webhook as a reference to them)."""
        return cast(StatusSnapshot, self._snapshot), self._message, self._event

    @property
    def value(self) -> dict[str, Any]:
        _, display, phone_id, name, wa_id, user_id = cast(StatusSnapshot, self._snapshot)
        return _status_value(display, phone_id, name, wa_id, user_id, self._message,
                             self._event)


class InboundWebhook(_MessagesWebhook):
    """An inbound message webhook (§5.1) kept as what its body is made from: its id as a
    number, the time, the account's and number's fields (``snapshot``: with the
    contact's, except for a system message, which carries no contacts) and the message
    object, the same dict the inbound record keeps. Built on every read, the same JSON
    each time."""

    __slots__ = ("_at", "_message")

    def __init__(self, number: int, at: datetime, snapshot: tuple[str, ...],
                 message: dict[str, Any]) -> None:
        self._number = number
        self._at = at
        self._snapshot = snapshot
        self._message = message

    @classmethod
    def of(cls, number: int, at: datetime, waba_id: str, phone: PhoneNumber,
           contact: Contact | None, message: dict[str, Any]) -> InboundWebhook:
        """The webhook of ``message`` from ``contact`` (``None``: a system message)."""
        return cls(number, at, inbound_snapshot(waba_id, phone, contact), message)

    @property
    def created_at(self) -> datetime:
        return self._at

    @property
    def value(self) -> dict[str, Any]:
        snapshot = self._snapshot
        value = _metadata(snapshot[1], snapshot[2])
        if len(snapshot) > 3:
            value["contacts"] = [_contact_entry(snapshot[3], snapshot[4], snapshot[5])]
        value["messages"] = [self._message]
        return value


def inbound_snapshot(waba_id: str, phone: PhoneNumber,
                     contact: Contact | None) -> tuple[str, ...]:
    """What an inbound webhook shows of the account, number and sender (no sender: a
    system message), taken now; shared as :func:`status_snapshot` is."""
    if contact is None:
        return (waba_id, phone.display_phone_number, phone.id)
    return status_snapshot(waba_id, phone, contact)


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
