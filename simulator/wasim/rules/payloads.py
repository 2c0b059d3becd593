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

from wasim.errors import (
    INVALID_PARAMETER,
    INVALID_VALUE,
    MISSING_PARAMETER,
    UNSUPPORTED_TYPE,
)

SEND_TYPES = (
    "text", "image", "audio", "video", "document", "sticker", "location", "contacts",
    "interactive", "reaction", "template",
)
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
INTERACTIVE_TYPES = (
    "button", "list", "cta_url", "flow", "product", "product_list", "catalog_message",
    "location_request_message", "call_permission_request",
)
_PHONE_CHARS = re.compile(r"[+\s\-()]")
_URL = re.compile(r"^https?://\S+$")


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

    @property
    def interactive_type(self) -> str | None:
        return self.content.get("type") if self.type == "interactive" else None


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """Mark an inbound message read, optionally showing a typing indicator."""

    message_id: str
    typing_indicator: bool


# --- small checkers -----------------------------------------------------------------


def _missing(path: str) -> Exception:
    return MISSING_PARAMETER(f"The parameter {path} is required.")


def _invalid(path: str, why: str) -> Exception:
    return INVALID_VALUE(f"Parameter {path} {why}.")


def _obj(parent: dict[str, Any], key: str, path: str, *, required: bool = True) -> Any:
    value = parent.get(key)
    if value is None:
        if required:
            raise _missing(path)
        return None
    if not isinstance(value, dict):
        raise _invalid(path, "must be an object")
    return value


def _text(
    parent: dict[str, Any],
    key: str,
    path: str,
    *,
    max_len: int | None = None,
    required: bool = True,
    allow_empty: bool = False,
) -> str | None:
    value = parent.get(key)
    if value is None or (value == "" and not allow_empty):
        if required:
            raise _missing(path)
        return None
    if not isinstance(value, str):
        raise _invalid(path, "must be a string")
    if max_len is not None and len(value) > max_len:
        raise _invalid(path, f"must be at most {max_len} characters long (got {len(value)})")
    return value


def _number(parent: dict[str, Any], key: str, path: str, low: float, high: float) -> float:
    value = parent.get(key)
    if value is None:
        raise _missing(path)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise _invalid(path, "must be a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(path, "must be a number")
    if not low <= value <= high:
        raise _invalid(path, f"must be between {low:g} and {high:g}")
    return float(value)


def _list(
    parent: dict[str, Any], key: str, path: str, low: int, high: int
) -> list[Any]:
    value = parent.get(key)
    if value is None:
        raise _missing(path)
    if not isinstance(value, list):
        raise _invalid(path, "must be an array")
    if not low <= len(value) <= high:
        raise _invalid(path, f"must hold {low} to {high} items (got {len(value)})")
    return value


def _each_obj(items: list[Any], path: str) -> list[dict[str, Any]]:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _invalid(f"{path}[{i}]", "must be an object")
    return items


# --- media, location, contacts, reaction, text ---------------------------------------


def _check_media(kind: str, media: dict[str, Any]) -> None:
    has_id, has_link = media.get("id") is not None, media.get("link") is not None
    if has_id == has_link:
        raise MISSING_PARAMETER(f"The parameter {kind} requires exactly one of 'id' or 'link'.")
    if has_id:
        _text(media, "id", f"{kind}.id")
    else:
        link = _text(media, "link", f"{kind}.link")
        if link is not None and not _URL.match(link):
            raise _invalid(f"{kind}.link", "must be an http(s) URL")
    if kind in ("audio", "sticker"):
        if "caption" in media:
            raise _invalid(f"{kind}.caption", f"is not allowed: {kind} messages have no caption")
    else:
        _text(media, "caption", f"{kind}.caption", max_len=1024, required=False)
    if kind == "document":
        _text(media, "filename", "document.filename", max_len=240, required=False)


def _check_text(content: dict[str, Any]) -> None:
    _text(content, "body", "text.body", max_len=4096)
    preview = content.get("preview_url")
    if preview is not None and not isinstance(preview, bool):
        raise _invalid("text.preview_url", "must be a boolean")


def _check_location(content: dict[str, Any]) -> None:
    _number(content, "latitude", "location.latitude", -90, 90)
    _number(content, "longitude", "location.longitude", -180, 180)
    _text(content, "name", "location.name", max_len=1000, required=False)
    _text(content, "address", "location.address", max_len=1000, required=False)


def _check_contacts(content: Any) -> None:
    if not isinstance(content, list):
        raise _invalid("contacts", "must be an array")
    if not 1 <= len(content) <= 5:
        raise _invalid("contacts", f"must hold 1 to 5 contacts (got {len(content)})")
    for i, card in enumerate(_each_obj(content, "contacts")):
        name = _obj(card, "name", f"contacts[{i}].name")
        _text(name, "formatted_name", f"contacts[{i}].name.formatted_name")
        phones = card.get("phones", [])
        if not isinstance(phones, list):
            raise _invalid(f"contacts[{i}].phones", "must be an array")


def _check_reaction(content: dict[str, Any]) -> None:
    _text(content, "message_id", "reaction.message_id")
    emoji = content.get("emoji")
    if emoji is None:
        raise _missing("reaction.emoji")
    if not isinstance(emoji, str):
        raise _invalid("reaction.emoji", "must be a string (empty removes the reaction)")
    if len(emoji) > 10:
        raise _invalid("reaction.emoji", "must be a single emoji")


# --- interactive ---------------------------------------------------------------------


def _check_header(header: dict[str, Any] | None, path: str) -> None:
    if header is None:
        return
    kind = _text(header, "type", f"{path}.type")
    if kind == "text":
        _text(header, "text", f"{path}.text", max_len=60)
    elif kind in ("image", "video", "document"):
        _check_media(kind, _obj(header, kind, f"{path}.{kind}"))
    else:
        raise _invalid(f"{path}.type", "must be one of text, image, video, document")


def _check_body_footer(content: dict[str, Any], *, body_required: bool) -> None:
    body = _obj(content, "body", "interactive.body", required=body_required)
    if body is not None:
        _text(body, "text", "interactive.body.text", max_len=1024)
    footer = _obj(content, "footer", "interactive.footer", required=False)
    if footer is not None:
        _text(footer, "text", "interactive.footer.text", max_len=60)
    _check_header(_obj(content, "header", "interactive.header", required=False),
                  "interactive.header")


def _check_buttons(action: dict[str, Any]) -> None:
    buttons = _each_obj(_list(action, "buttons", "interactive.action.buttons", 1, 3),
                        "interactive.action.buttons")
    titles: set[str] = set()
    for i, button in enumerate(buttons):
        path = f"interactive.action.buttons[{i}]"
        if button.get("type") != "reply":
            raise _invalid(f"{path}.type", "must be 'reply'")
        reply = _obj(button, "reply", f"{path}.reply")
        _text(reply, "id", f"{path}.reply.id", max_len=256)
        title = _text(reply, "title", f"{path}.reply.title", max_len=20)
        if title in titles:
            raise _invalid(f"{path}.reply.title", "must be unique among the buttons")
        titles.add(str(title))


def _check_list(action: dict[str, Any]) -> None:
    _text(action, "button", "interactive.action.button", max_len=20)
    sections = _each_obj(_list(action, "sections", "interactive.action.sections", 1, 10),
                         "interactive.action.sections")
    total_rows = 0
    for i, section in enumerate(sections):
        path = f"interactive.action.sections[{i}]"
        _text(section, "title", f"{path}.title", max_len=24, required=len(sections) > 1)
        rows = _each_obj(_list(section, "rows", f"{path}.rows", 1, 10), f"{path}.rows")
        total_rows += len(rows)
        for j, row in enumerate(rows):
            _text(row, "id", f"{path}.rows[{j}].id", max_len=200)
            _text(row, "title", f"{path}.rows[{j}].title", max_len=24)
            _text(row, "description", f"{path}.rows[{j}].description", max_len=72,
                  required=False)
    if total_rows > 10:
        raise _invalid("interactive.action.sections", "must hold at most 10 rows in all")


def _check_cta_url(action: dict[str, Any]) -> None:
    if action.get("name") != "cta_url":
        raise _invalid("interactive.action.name", "must be 'cta_url'")
    params = _obj(action, "parameters", "interactive.action.parameters")
    _text(params, "display_text", "interactive.action.parameters.display_text", max_len=20)
    url = _text(params, "url", "interactive.action.parameters.url")
    if url is not None and not _URL.match(url):
        raise _invalid("interactive.action.parameters.url", "must be an http(s) URL")


def _check_flow(action: dict[str, Any]) -> None:
    if action.get("name") != "flow":
        raise _invalid("interactive.action.name", "must be 'flow'")
    params = _obj(action, "parameters", "interactive.action.parameters")
    path = "interactive.action.parameters"
    _text(params, "flow_message_version", f"{path}.flow_message_version")
    _text(params, "flow_cta", f"{path}.flow_cta", max_len=30)
    if (params.get("flow_id") is None) == (params.get("flow_name") is None):
        raise MISSING_PARAMETER(f"The parameter {path} requires exactly one of "
                                "'flow_id' or 'flow_name'.")
    mode = params.get("mode")
    if mode is not None and mode not in ("draft", "published"):
        raise _invalid(f"{path}.mode", "must be 'draft' or 'published'")


def _check_interactive(content: dict[str, Any]) -> None:
    kind = _text(content, "type", "interactive.type")
    if kind not in INTERACTIVE_TYPES:
        raise _invalid("interactive.type", f"must be one of {', '.join(INTERACTIVE_TYPES)}")
    action = _obj(content, "action", "interactive.action",
                  required=kind != "location_request_message")
    checks = {"button": _check_buttons, "list": _check_list, "cta_url": _check_cta_url,
              "flow": _check_flow}
    needs_body = kind in ("button", "list", "cta_url", "flow", "product_list",
                          "catalog_message", "location_request_message",
                          "call_permission_request")
    _check_body_footer(content, body_required=needs_body)
    if kind in checks:
        checks[kind](action)


# --- template (shape only; the template rules are in rules.templates) -------------------


def _check_template(content: dict[str, Any]) -> None:
    _text(content, "name", "template.name", max_len=512)
    language = _obj(content, "language", "template.language")
    _text(language, "code", "template.language.code")
    components = content.get("components", [])
    if not isinstance(components, list):
        raise _invalid("template.components", "must be an array")
    for i, component in enumerate(_each_obj(components, "template.components")):
        kind = _text(component, "type", f"template.components[{i}].type")
        if kind not in ("header", "body", "button", "footer", "carousel",
                        "limited_time_offer"):
            raise _invalid(f"template.components[{i}].type",
                           "must be one of header, body, button")
        params = component.get("parameters", [])
        if not isinstance(params, list):
            raise _invalid(f"template.components[{i}].parameters", "must be an array")
        _each_obj(params, f"template.components[{i}].parameters")
        for j, param in enumerate(params):
            _text(param, "type", f"template.components[{i}].parameters[{j}].type")


_CHECKS = {
    "text": _check_text,
    "location": _check_location,
    "reaction": _check_reaction,
    "interactive": _check_interactive,
    "template": _check_template,
}


# --- entry points --------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def normalize_phone(raw: str) -> str | None:
    """``+1 (650) 555-1234`` → ``16505551234``; ``None`` if it is not a phone number."""
    digits = _PHONE_CHARS.sub("", raw)
    return digits if digits.isdigit() and 5 <= len(digits) <= 15 else None


def _recipient(body: dict[str, Any]) -> tuple[str, str | None, str | None]:
    to, recipient = body.get("to"), body.get("recipient")
    if to is None and recipient is None:
        raise _missing("to")
    if to is not None:
        if not isinstance(to, str | int) or isinstance(to, bool):
            raise _invalid("to", "must be a phone number string")
        normalized = normalize_phone(str(to))
        if normalized is None:
            raise _invalid("to", f"is not a valid WhatsApp phone number: {to!r}")
        return str(to), normalized, None
    if not isinstance(recipient, str) or not recipient:
        raise _invalid("recipient", "must be a business-scoped user id string")
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


def parse_request(body: Any) -> SendRequest | ReadRequest:
    """Validate a ``/messages`` body: a send of any type of §3, or mark-as-read."""
    body = _check_envelope(body)
    if body.get("status") is not None:
        return _parse_read(body)
    kind = body.get("type", "text")
    if not isinstance(kind, str) or kind not in SEND_TYPES:
        raise UNSUPPORTED_TYPE(f"Message type {kind!r} is not currently supported. "
                               f"Supported types: {', '.join(SEND_TYPES)}.")
    recipient_type = body.get("recipient_type", "individual")
    if recipient_type not in ("individual", "group"):
        raise _invalid("recipient_type", "must be 'individual' or 'group'")
    given, to, bsuid = _recipient(body)
    content = body.get(kind)
    if content is None:
        raise _missing(kind)
    if kind in MEDIA_TYPES:
        if not isinstance(content, dict):
            raise _invalid(kind, "must be an object")
        _check_media(kind, content)
    elif kind == "contacts":
        _check_contacts(content)
    else:
        if not isinstance(content, dict):
            raise _invalid(kind, "must be an object")
        _CHECKS[kind](content)
    context = _obj(body, "context", "context", required=False)
    context_id = _text(context, "message_id", "context.message_id") if context else None
    opaque = _text(body, "biz_opaque_callback_data", "biz_opaque_callback_data",
                   max_len=512, required=False)
    return SendRequest(kind, given, to, bsuid, content, context_id, opaque)


def _parse_read(body: dict[str, Any]) -> ReadRequest:
    if body.get("status") != "read":
        raise _invalid("status", "must be 'read'")
    message_id = _text(body, "message_id", "message_id")
    typing = _obj(body, "typing_indicator", "typing_indicator", required=False)
    if typing is not None and typing.get("type") != "text":
        raise _invalid("typing_indicator.type", "must be 'text'")
    return ReadRequest(str(message_id), typing is not None)
