"""The type object of each kind of send (§3): text, media, location, contacts,
reaction and interactive; a template send's shape is checked by
:mod:`wasim.rules.template_object` (its rules for the template by :mod:`wasim.rules.templates`).
"""

from __future__ import annotations

import re
from typing import Any

from wasim.errors import MISSING_PARAMETER
from wasim.rules import commerce
from wasim.rules import fields as field
from wasim.rules.template_object import check_template_object

MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
INTERACTIVE_TYPES = (
    "button", "list", "cta_url", "flow", "product", "product_list", "catalog_message",
    "location_request_message", "call_permission_request",
)
_URL = re.compile(r"^https?://\S+$")


# --- media, location, contacts, reaction, text ---------------------------------------


def _check_media(kind: str, media: dict[str, Any]) -> None:
    has_id, has_link = media.get("id") is not None, media.get("link") is not None
    if has_id == has_link:
        raise MISSING_PARAMETER(f"The parameter {kind} requires exactly one of 'id' or 'link'.")
    if has_id:
        field.text(media, "id", f"{kind}.id")
    else:
        link = field.text(media, "link", f"{kind}.link")
        if link is not None and not _URL.match(link):
            raise field.invalid(f"{kind}.link", "must be an http(s) URL")
    if kind in ("audio", "sticker"):
        if "caption" in media:
            raise field.invalid(f"{kind}.caption",
                                f"is not allowed: {kind} messages have no caption")
    else:
        field.text(media, "caption", f"{kind}.caption", max_len=1024, required=False)
    if kind == "document":
        field.text(media, "filename", "document.filename", max_len=240, required=False)


def _check_text(content: dict[str, Any]) -> None:
    field.text(content, "body", "text.body", max_len=4096)
    preview = content.get("preview_url")
    if preview is not None and not isinstance(preview, bool):
        raise field.invalid("text.preview_url", "must be a boolean")


def _check_location(content: dict[str, Any]) -> None:
    field.number(content, "latitude", "location.latitude", -90, 90)
    field.number(content, "longitude", "location.longitude", -180, 180)
    field.text(content, "name", "location.name", max_len=1000, required=False)
    field.text(content, "address", "location.address", max_len=1000, required=False)


def _check_contacts(content: Any) -> None:
    if not isinstance(content, list):
        raise field.invalid("contacts", "must be an array")
    if not 1 <= len(content) <= 5:
        raise field.invalid("contacts", f"must hold 1 to 5 contacts (got {len(content)})")
    for i, card in enumerate(field.each_obj(content, "contacts")):
        name = field.obj(card, "name", f"contacts[{i}].name")
        field.text(name, "formatted_name", f"contacts[{i}].name.formatted_name")
        phones = card.get("phones", [])
        if not isinstance(phones, list):
            raise field.invalid(f"contacts[{i}].phones", "must be an array")


NAME_PARTS = ("first_name", "last_name", "middle_name", "suffix", "prefix")


def check_contact_name_parts(content: Any) -> None:
    """§3 contacts: besides ``formatted_name``, each contact's ``name`` needs at least one
    of ``first_name``, ``last_name``, ``middle_name``, ``suffix``, ``prefix`` (Meta's older
    Cloud API reference; UNCERTAIN today, setting ``contacts_need_name_part``). Missing:
    131008. ``content`` has passed the contacts check."""
    for i, card in enumerate(content):
        name = card["name"]
        if not any(isinstance(name.get(part), str) and name[part] for part in NAME_PARTS):
            raise MISSING_PARAMETER(
                f"The parameter contacts[{i}].name needs at least one of "
                f"{', '.join(NAME_PARTS)} beside formatted_name.")


def _check_reaction(content: dict[str, Any]) -> None:
    field.text(content, "message_id", "reaction.message_id")
    emoji = content.get("emoji")
    if emoji is None:
        raise field.missing("reaction.emoji")
    if not isinstance(emoji, str):
        raise field.invalid("reaction.emoji", "must be a string (empty removes the reaction)")


# --- interactive ---------------------------------------------------------------------


def _check_header(header: dict[str, Any] | None, path: str) -> None:
    if header is None:
        return
    kind = field.text(header, "type", f"{path}.type")
    if kind == "text":
        field.text(header, "text", f"{path}.text", max_len=60)
    elif kind in ("image", "video", "document"):
        _check_media(kind, field.obj(header, kind, f"{path}.{kind}"))
    else:
        raise field.invalid(f"{path}.type", "must be one of text, image, video, document")


_BODY_MAX = {"list": 4096}
"""A list message's body may hold 4,096 characters; the others' 1,024 (§3)."""


def _check_body_footer(content: dict[str, Any], kind: str, *, body_required: bool) -> None:
    body = field.obj(content, "body", "interactive.body", required=body_required)
    if body is not None:
        field.text(body, "text", "interactive.body.text", max_len=_BODY_MAX.get(kind, 1024))
    footer = field.obj(content, "footer", "interactive.footer", required=False)
    if footer is not None:
        field.text(footer, "text", "interactive.footer.text", max_len=60)
    header = field.obj(content, "header", "interactive.header",
                       required=kind == "product_list")
    if header is not None and kind == "product":
        raise field.invalid("interactive.header", "cannot be set for a product message")
    if header is not None and kind in ("list", "product_list") and header.get("type") != "text":
        raise field.invalid("interactive.header.type", f"must be 'text' for a {kind} message")
    _check_header(header, "interactive.header")


def _check_buttons(action: dict[str, Any]) -> None:
    """§3 reply buttons: 1 to 3, ``type: reply``, ids (at most 256) and titles (at most 20)
    each unique among the buttons (the spec: "Unique identifier for your button")."""
    buttons = field.each_obj(field.items(action, "buttons", "interactive.action.buttons", 1, 3),
                        "interactive.action.buttons")
    titles: set[str] = set()
    ids: set[str] = set()
    for i, button in enumerate(buttons):
        path = f"interactive.action.buttons[{i}]"
        if button.get("type") != "reply":
            raise field.invalid(f"{path}.type", "must be 'reply'")
        reply = field.obj(button, "reply", f"{path}.reply")
        button_id = field.text(reply, "id", f"{path}.reply.id", max_len=256)
        if button_id in ids:
            raise field.invalid(f"{path}.reply.id", "must be unique among the buttons")
        ids.add(str(button_id))
        title = field.text(reply, "title", f"{path}.reply.title", max_len=20)
        if title in titles:
            raise field.invalid(f"{path}.reply.title", "must be unique among the buttons")
        titles.add(str(title))


def _check_list(action: dict[str, Any]) -> None:
    """§3 list messages; each row id is unique in the whole list (the spec: "Unique row
    identifier"), across its sections."""
    field.text(action, "button", "interactive.action.button", max_len=20)
    sections = field.each_obj(field.items(action, "sections", "interactive.action.sections", 1, 10),
                         "interactive.action.sections")
    total_rows = 0
    row_ids: set[str] = set()
    for i, section in enumerate(sections):
        path = f"interactive.action.sections[{i}]"
        field.text(section, "title", f"{path}.title", max_len=24, required=len(sections) > 1)
        rows = field.each_obj(field.items(section, "rows", f"{path}.rows", 1, 10), f"{path}.rows")
        total_rows += len(rows)
        for j, row in enumerate(rows):
            row_id = field.text(row, "id", f"{path}.rows[{j}].id", max_len=200)
            if row_id in row_ids:
                raise field.invalid(f"{path}.rows[{j}].id", "must be unique in the list")
            row_ids.add(str(row_id))
            field.text(row, "title", f"{path}.rows[{j}].title", max_len=24)
            field.text(row, "description", f"{path}.rows[{j}].description", max_len=72,
                  required=False)
    if total_rows > 10:
        raise field.invalid("interactive.action.sections", "must hold at most 10 rows in all")


def _check_cta_url(action: dict[str, Any]) -> None:
    if action.get("name") != "cta_url":
        raise field.invalid("interactive.action.name", "must be 'cta_url'")
    params = field.obj(action, "parameters", "interactive.action.parameters")
    field.text(params, "display_text", "interactive.action.parameters.display_text", max_len=20)
    url = field.text(params, "url", "interactive.action.parameters.url")
    if url is not None and not _URL.match(url):
        raise field.invalid("interactive.action.parameters.url", "must be an http(s) URL")


def _check_flow(action: dict[str, Any]) -> None:
    if action.get("name") != "flow":
        raise field.invalid("interactive.action.name", "must be 'flow'")
    params = field.obj(action, "parameters", "interactive.action.parameters")
    path = "interactive.action.parameters"
    if field.text(params, "flow_message_version", f"{path}.flow_message_version") != "3":
        raise field.invalid(f"{path}.flow_message_version", "must be '3'")
    field.text(params, "flow_cta", f"{path}.flow_cta", max_len=30)
    if (params.get("flow_id") is None) == (params.get("flow_name") is None):
        raise MISSING_PARAMETER(f"The parameter {path} requires exactly one of "
                                "'flow_id' or 'flow_name'.")
    mode = params.get("mode")
    if mode is not None and mode not in ("draft", "published"):
        raise field.invalid(f"{path}.mode", "must be 'draft' or 'published'")


def _check_interactive(content: dict[str, Any]) -> None:
    kind = field.text(content, "type", "interactive.type")
    if kind not in INTERACTIVE_TYPES:
        raise field.invalid("interactive.type", f"must be one of {', '.join(INTERACTIVE_TYPES)}")
    action = field.obj(content, "action", "interactive.action")
    checks = {"button": _check_buttons, "list": _check_list, "cta_url": _check_cta_url,
              "flow": _check_flow, **commerce.CHECKS}
    needs_body = kind in ("button", "list", "cta_url", "flow", "product_list",
                          "catalog_message", "location_request_message",
                          "call_permission_request")
    _check_body_footer(content, str(kind), body_required=needs_body)
    checks[str(kind)](action)


_CHECKS = {
    "text": _check_text,
    "location": _check_location,
    "reaction": _check_reaction,
    "interactive": _check_interactive,
    "template": check_template_object,
}


def check_content(kind: str, content: Any) -> None:
    """Check the type object of a send of ``kind`` (one of ``SEND_TYPES``), §3."""
    if kind in MEDIA_TYPES:
        if not isinstance(content, dict):
            raise field.invalid(kind, "must be an object")
        _check_media(kind, content)
    elif kind == "contacts":
        _check_contacts(content)
    else:
        if not isinstance(content, dict):
            raise field.invalid(kind, "must be an object")
        _CHECKS[kind](content)
