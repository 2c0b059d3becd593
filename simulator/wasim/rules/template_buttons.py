"""Template button and media header parameters at send time, checked against the
template (§3 "Template components at send"; the audit's H2).

Each ``{"type": "button", "sub_type", "index", "parameters"}`` component must match the
template's button at ``index``:

* a URL button whose URL ends in a variable: ``sub_type`` ``url`` and one ``text``
  parameter, the URL suffix (not empty); an authentication template's OTP button takes
  its code the same way;
* a quick reply: ``sub_type`` ``quick_reply``, ``payload`` parameters (optional: without
  one the button's text comes back as the payload);
* a copy-code button: ``sub_type`` ``copy_code`` and one ``coupon_code`` parameter;
* flow and catalog buttons: ``sub_type`` ``flow`` / ``catalog`` and one ``action``.

A ``sub_type`` or parameter type other than the button's is 132012 (the exact code the
platform uses is UNCERTAIN: 131008, 131009 and 132012 are all reported); a missing or empty
value is 132018; a count mismatch 132000. A media header parameter must carry exactly one
of ``id`` or ``link`` (131008, as for media messages), a location header its latitude and
longitude; a TEXT header takes ``text`` parameters only (132012).
"""

from __future__ import annotations

import re
from typing import Any

from wasim.errors import MISSING_PARAMETER, PARAM_COUNT, PARAM_FORMAT, TEMPLATE_VALIDATION
from wasim.world.models import PLACEHOLDER

BUTTON_PARAMETERS: dict[str, tuple[str, str]] = {
    "URL": ("url", "text"),
    "OTP": ("url", "text"),
    "QUICK_REPLY": ("quick_reply", "payload"),
    "COPY_CODE": ("copy_code", "coupon_code"),
    "FLOW": ("flow", "action"),
    "CATALOG": ("catalog", "action"),
}
"""Template button type → the ``sub_type`` and parameter ``type`` a send gives it."""

_TAKES_ONE = ("COPY_CODE", "OTP")
_OPTIONAL = ("QUICK_REPLY", "FLOW", "CATALOG")


def _count_error(where: str, given: int, expected: int) -> Exception:
    return PARAM_COUNT(
        f"{where}: number of localizable_params ({given}) does not match the expected "
        f"number of params ({expected})"
    )


def needs_parameter(button: dict[str, Any]) -> bool:
    """Whether a template button takes a parameter at send (§3)."""
    kind = str(button.get("type", "")).upper()
    if kind == "URL":
        return PLACEHOLDER.search(str(button.get("url", ""))) is not None
    return kind in _TAKES_ONE


def _index(component: dict[str, Any]) -> str:
    index = component.get("index")
    if isinstance(index, bool) or not isinstance(index, int | str):
        raise MISSING_PARAMETER("button: the parameter index (0 to 9) is required")
    return str(index)


def check_buttons(buttons: list[dict[str, Any]], components: list[dict[str, Any]]) -> None:
    """Raise unless the ``button`` components fit the template's ``buttons``."""
    given: dict[str, dict[str, Any]] = {}
    for component in components:
        if component.get("type") == "button":
            given[_index(component)] = component
    for position, button in enumerate(buttons):
        supplied = given.pop(str(position), None)
        kind = str(button.get("type", "")).upper()
        where = f"button at index {position}"
        params = supplied.get("parameters", []) if supplied else []
        if needs_parameter(button) and len(params) != 1:
            raise _count_error(where, len(params), 1)
        if supplied is None or kind not in BUTTON_PARAMETERS:
            continue
        if kind not in _OPTIONAL and not needs_parameter(button) and params:
            raise _count_error(where, len(params), 0)
        _check_button(where, kind, supplied, params)
    if given:
        extra = next(iter(given))
        raise PARAM_COUNT(f"button at index {extra}: the template has no such button "
                          "that takes parameters")


def _check_button(where: str, kind: str, supplied: dict[str, Any],
                  params: list[dict[str, Any]]) -> None:
    sub_type, param_type = BUTTON_PARAMETERS[kind]
    if supplied.get("sub_type") != sub_type:
        raise PARAM_FORMAT(f"{where}: the template's {kind} button takes sub_type "
                           f"{sub_type!r}, not {supplied.get('sub_type')!r}")
    for param in params:
        if param.get("type") != param_type:
            raise PARAM_FORMAT(f"{where}: a {kind} button takes a {param_type!r} parameter, "
                               f"not {param.get('type')!r}")
        value = param.get(param_type)
        if param_type == "action":
            if not isinstance(value, dict):
                raise TEMPLATE_VALIDATION(f"{where}: the action parameter needs an object")
        elif not isinstance(value, str) or not value.strip():
            raise TEMPLATE_VALIDATION(f"{where}: the {param_type} value is missing or empty")


def check_media_header(fmt: str, param: dict[str, Any]) -> None:
    """A media or location header parameter carries its object (§3)."""
    kind = fmt.lower()
    media = param.get(kind)
    if not isinstance(media, dict):
        raise MISSING_PARAMETER(f"header: the {kind} parameter needs its {kind} object")
    if kind == "location":
        for key in ("latitude", "longitude"):
            value = media.get(key)
            if value is None or isinstance(value, bool):
                raise MISSING_PARAMETER(f"header: location.{key} is required")
        return
    has_id, has_link = media.get("id") is not None, media.get("link") is not None
    if has_id == has_link:
        raise MISSING_PARAMETER(f"header: the {kind} parameter requires exactly one of "
                                "'id' or 'link'")
    link = media.get("link")
    if has_link and (not isinstance(link, str) or not re.match(r"^https?://\S+$", link)):
        raise TEMPLATE_VALIDATION(f"header: {kind}.link must be an http(s) URL")
