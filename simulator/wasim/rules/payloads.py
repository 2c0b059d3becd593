"""Shape and limits of every ``POST /{phone-number-id}/messages`` payload (§3).

``parse_request`` turns a JSON body into a :class:`SendRequest` or :class:`ReadRequest`,
or raises the Graph error a malformed payload gets:

* ``100`` for the envelope itself (``messaging_product`` missing or not ``whatsapp``,
  body not an object);
* ``131008`` when a required parameter is missing;
* ``131009`` when a value is of the wrong type or beyond a limit;
* ``131051`` for a ``type`` the platform does not send.

Simulator deviation: Graph's exact wording differs per field; the simulator keeps the
codes and names the offending parameter (``text.body``) in ``error_data.details``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from wasim.errors import INVALID_PARAMETER, UNSUPPORTED_TYPE
from wasim.rules import fields as field
from wasim.rules.content import check_content
from wasim.rules.template_object import checked_template

SEND_TYPES = (
    "text", "image", "audio", "video", "document", "sticker", "location", "contacts",
    "interactive", "reaction", "template",
)
_PHONE_CHARS = re.compile(r"[+\s\-().]")


class SendRequest(NamedTuple):
    """A validated send: the type, whom it is for, and its type object.

    A named tuple: immutable, and made per request at a fraction of a frozen
    dataclass's cost.
    """

    type: str
    input: str
    to: str | None
    recipient: str | None
    content: Any
    context_id: str | None
    biz_opaque_callback_data: str | None
    scalars_only: bool = False
    """The type object is known to hold no object or array below the lists and objects
    of its kind's shape (a template's ``language``, ``components`` and their
    ``parameters``): so no media object."""

    @property
    def interactive_type(self) -> str | None:
        return self.content.get("type") if self.type == "interactive" else None


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """Mark an inbound message read, optionally showing a typing indicator."""

    message_id: str
    typing_indicator: bool


# --- entry points --------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def normalize_phone(raw: str) -> str | None:
    """``+1 (650) 555-1234`` → ``16505551234``; ``None`` if it is not a phone number."""
    digits = _PHONE_CHARS.sub("", raw)
    return (digits if digits.isascii() and digits.isdigit() and 5 <= len(digits) <= 15
            else None)


def _recipient(body: dict[str, Any]) -> tuple[str, str | None, str | None]:
    to, recipient = body.get("to"), body.get("recipient")
    if to is None and recipient is None:
        raise field.missing("to")
    if to is not None:
        if not isinstance(to, str | int) or isinstance(to, bool):
            raise field.invalid("to", "must be a phone number string")
        if normalize_phone(str(to)) is None:
            raise field.invalid("to", f"is not a valid WhatsApp phone number: {to!r}")
        # the wa_id depends on the sending number's country code (rules.numbers)
        return str(to), str(to), None
    if not isinstance(recipient, str) or not recipient:
        raise field.invalid("recipient", "must be a business-scoped user id string")
    return recipient, None, recipient


def _check_envelope(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise INVALID_PARAMETER("The request body must be a JSON object.")
    product = body.get("messaging_product")
    if product is None:
        raise INVALID_PARAMETER("The parameter messaging_product is required.")
    if product != "whatsapp":
        raise INVALID_PARAMETER("Param messaging_product must be 'whatsapp'.")
    return body


def _check_recipient_type(recipient_type: Any) -> None:
    """§3: ``recipient_type`` is ``individual`` (the default) or ``group``, where ``to`` is
    a group id (Meta's ``BaseMessageProperties.to``). Groups are not simulated, so a group
    send is refused with 131009 instead of reaching the number in ``to`` as a one-to-one
    message (it was delivered so; the platform's exact answer for a phone number given as
    a group id is not documented)."""
    if recipient_type not in ("individual", "group"):
        raise field.invalid("recipient_type", "must be 'individual' or 'group'")
    if recipient_type == "group":
        raise field.invalid("to", "must be a group id when recipient_type is 'group'; "
                            "wasim does not simulate groups, so group sends are refused")


def parse_request(body: Any) -> SendRequest | ReadRequest:
    """Validate a ``/messages`` body: a send of any type of §3, or mark-as-read."""
    body = _check_envelope(body)
    if body.get("status") is not None:
        return _parse_read(body)
    kind = body.get("type", "text")
    if not isinstance(kind, str) or kind not in SEND_TYPES:
        raise UNSUPPORTED_TYPE(f"Message type {kind!r} is not currently supported. "
                               f"Supported types: {', '.join(SEND_TYPES)}.")
    _check_recipient_type(body.get("recipient_type", "individual"))
    given, to, bsuid = _recipient(body)
    content = body.get(kind)
    if content is None:
        raise field.missing(kind)
    scalars_only = False
    if kind == "template":
        content, scalars_only = checked_template(content)
    else:
        check_content(kind, content)
    context = field.obj(body, "context", "context", required=False)
    context_id = field.text(context, "message_id", "context.message_id") if context else None
    opaque = field.text(body, "biz_opaque_callback_data", "biz_opaque_callback_data",
                   max_len=512, required=False)
    return SendRequest(kind, given, to, bsuid, content, context_id, opaque, scalars_only)


def _parse_read(body: dict[str, Any]) -> ReadRequest:
    if body.get("status") != "read":
        raise field.invalid("status", "must be 'read'")
    message_id = field.text(body, "message_id", "message_id")
    typing = field.obj(body, "typing_indicator", "typing_indicator", required=False)
    if typing is not None and typing.get("type") != "text":
        raise field.invalid("typing_indicator.type", "must be 'text'")
    return ReadRequest(str(message_id), typing is not None)
