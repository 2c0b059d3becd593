"""Send-time template rules (§2.3, §3 "Template components at send", §4.3).

Only an APPROVED template in the requested language may be sent: unknown name or
language, or any other status → 132001; PAUSED → 132015; DISABLED → 132016. The
parameters given per component must match the template: count → 132000, positional vs
named or media kind → 132012, a parameter value the platform refuses → 132018.
"""

from __future__ import annotations

import functools
from typing import Any

from wasim.errors import (
    PARAM_COUNT,
    PARAM_FORMAT,
    TEMPLATE_DISABLED,
    TEMPLATE_MISSING,
    TEMPLATE_PAUSED,
    TEMPLATE_VALIDATION,
)
from wasim.rules.template_buttons import check_buttons, check_media_header
from wasim.rules.template_lengths import check_lengths
from wasim.world.models import PLACEHOLDER, Template

_MEDIA_FORMATS = ("IMAGE", "VIDEO", "DOCUMENT", "LOCATION")


def placeholders(text: str) -> list[str]:
    """The distinct parameter names of a text, in order of first appearance."""
    return list(_placeholders(text))


@functools.lru_cache(maxsize=1024)
def _placeholders(text: str) -> tuple[str, ...]:
    """:func:`placeholders`, read once per text (a template's text changes only by an
    edit, which makes a new text)."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text):
        if name not in seen:
            seen.append(name)
    return tuple(seen)


def check_status(template: Template | None, name: str, language: str) -> Template:
    """The template to send, or the status error of §2.3.

    Args:
        template: The WABA's template with this name and language, if any.
        name: The requested name (for the details text).
        language: The requested language code.
    """
    if template is None:
        raise TEMPLATE_MISSING(f"template name ({name}) does not exist in {language}")
    if template.status == "PAUSED":
        raise TEMPLATE_PAUSED()
    if template.status == "DISABLED":
        raise TEMPLATE_DISABLED()
    if template.status != "APPROVED":
        raise TEMPLATE_MISSING(
            f"template name ({name}) does not exist in {language} or is not approved "
            f"(status {template.status})"
        )
    return template


def _component(template: Template, kind: str) -> dict[str, Any] | None:
    for component in template.components:
        if str(component.get("type", "")).upper() == kind:
            return component
    return None


def _given(components: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for component in components:
        if component.get("type") == kind:
            params.extend(component.get("parameters", []))
    return params


def _count_error(where: str, given: int, expected: int) -> Exception:
    return PARAM_COUNT(
        f"{where}: number of localizable_params ({given}) does not match the expected "
        f"number of params ({expected})"
    )


def _check_text_value(where: str, param: dict[str, Any]) -> None:
    kind = param.get("type")
    if kind == "text":
        text = param.get("text")
        if not isinstance(text, str) or not text.strip():
            raise TEMPLATE_VALIDATION(f"{where}: text parameter value is missing or empty")
        if where == "body" and ("\n" in text or "\t" in text or "     " in text):
            raise TEMPLATE_VALIDATION(
                f"{where}: Param text cannot have new-line/tab characters or more than 4 "
                "consecutive spaces"
            )
    elif kind == "currency":
        currency = param.get("currency")
        if not isinstance(currency, dict) or not {"fallback_value", "code",
                                                  "amount_1000"} <= currency.keys():
            raise TEMPLATE_VALIDATION(
                f"{where}: currency needs fallback_value, code and amount_1000"
            )
    elif kind == "date_time":
        if not isinstance(param.get("date_time"), dict):
            raise TEMPLATE_VALIDATION(f"{where}: date_time needs a fallback_value")
    else:
        raise PARAM_FORMAT(f"{where}: parameter type {kind!r} where text is expected")


def _check_header(template: Template, components: list[dict[str, Any]]) -> None:
    header = _component(template, "HEADER")
    given = _given(components, "header")
    fmt = str(header.get("format", "TEXT")).upper() if header else None
    if fmt in _MEDIA_FORMATS:
        if len(given) != 1:
            raise _count_error("header", len(given), 1)
        if str(given[0].get("type", "")).upper() != fmt:
            raise PARAM_FORMAT(
                f"header: Format mismatch, expected {fmt}, received "
                f"{str(given[0].get('type', '')).upper()}"
            )
        check_media_header(fmt, given[0])
        return
    expected = placeholders(str(header.get("text", ""))) if header else []
    if len(given) != len(expected):
        raise _count_error("header", len(given), len(expected))
    for param in given:
        if param.get("type") != "text":  # a TEXT header takes text only (§3)
            raise PARAM_FORMAT(f"header: parameter type {param.get('type')!r} where text "
                               "is expected")
        _check_text_value("header", param)


def _check_body(template: Template, components: list[dict[str, Any]]) -> None:
    body = _component(template, "BODY")
    expected = placeholders(str(body.get("text", ""))) if body else []
    given = _given(components, "body")
    if len(given) != len(expected):
        raise _count_error("body", len(given), len(expected))
    named = template.parameter_format.upper() == "NAMED"
    for param in given:
        has_name = param.get("parameter_name") is not None
        if named != has_name:
            want = "named (parameter_name)" if named else "positional"
            raise PARAM_FORMAT(f"body: the template takes {want} parameters")
        _check_text_value("body", param)
    if named:
        names = sorted(str(p["parameter_name"]) for p in given)
        if names != sorted(expected):
            raise PARAM_COUNT(
                f"body: parameter names {names} do not match the template's {sorted(expected)}"
            )


def _check_buttons(template: Template, components: list[dict[str, Any]]) -> None:
    block = _component(template, "BUTTONS")
    check_buttons(block.get("buttons", []) if block else [], components)


def check_parameters(template: Template, components: list[dict[str, Any]]) -> None:
    """Raise 132000/132012/132018 unless ``components`` fit ``template``, 132005 when
    the text they render is too long (§3, §4.3)."""
    _check_header(template, components)
    _check_body(template, components)
    _check_buttons(template, components)
    check_lengths(template, components)
