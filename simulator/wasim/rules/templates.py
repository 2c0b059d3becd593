"""Send-time template rules (§2.3, §3 "Template components at send", §4.3).

Only an APPROVED template in the requested language may be sent: unknown name or
language, or any other status → 132001; PAUSED → 132015; DISABLED → 132016. The
parameters given per component must match the template: count → 132000, positional vs
named or media kind → 132012, a parameter value the platform refuses → 132018.
"""

from __future__ import annotations

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
from wasim.rules.template_lengths import (
    BODY_ALONE_MAX,
    BODY_WITH_OTHERS_MAX,
    PARAMETER_MAX,
    check_lengths,
    planned_length,
)
from wasim.rules.template_shape import MEDIA_FORMATS, TemplateShape, shape_of
from wasim.world.models import Template


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


def _check_header(shape: TemplateShape, given: list[dict[str, Any]]) -> None:
    fmt = shape.header_format
    if fmt in MEDIA_FORMATS:
        if len(given) != 1:
            raise _count_error("header", len(given), 1)
        if str(given[0].get("type", "")).upper() != fmt:
            raise PARAM_FORMAT(
                f"header: Format mismatch, expected {fmt}, received "
                f"{str(given[0].get('type', '')).upper()}"
            )
        check_media_header(fmt, given[0])
        return
    expected = shape.header_expected
    if len(given) != len(expected):
        raise _count_error("header", len(given), len(expected))
    for param in given:
        if param.get("type") != "text":  # a TEXT header takes text only (§3)
            raise PARAM_FORMAT(f"header: parameter type {param.get('type')!r} where text "
                               "is expected")
        _check_text_value("header", param)


def _check_body(shape: TemplateShape, given: list[dict[str, Any]]) -> None:
    expected = shape.body_expected
    if len(given) != len(expected):
        raise _count_error("body", len(given), len(expected))
    named = shape.named
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


def check_parameters(template: Template, components: list[dict[str, Any]]) -> None:
    """Raise 132000/132012/132018 unless ``components`` fit ``template``, 132005 when
    the text they render is too long (§3, §4.3).

    The template's side of each check is read once (``wasim.rules.template_shape``);
    the send's components are walked once, into its header and body parameters. A send
    that plainly fits (:func:`plainly_fits`) is done with; any doubt and each rule
    checks it in turn, naming what is wrong."""
    shape = shape_of(template)
    header, body, buttons = grouped(components)
    if not header and not buttons and plainly_fits(shape, body):
        return
    check_carefully(shape, components, header, body, buttons)


def grouped(components: list[dict[str, Any]]) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], bool]:
    """A send's header parameters, body parameters, and whether it has a button
    component."""
    header: list[dict[str, Any]] = []
    body: list[dict[str, Any]] = []
    buttons = False
    for component in components:
        kind = component.get("type")
        if kind == "body":
            body.extend(component.get("parameters", []))
        elif kind == "header":
            header.extend(component.get("parameters", []))
        elif kind == "button":
            buttons = True
    return header, body, buttons


def check_carefully(shape: TemplateShape, components: list[dict[str, Any]],
                    header: list[dict[str, Any]], body: list[dict[str, Any]],
                    buttons: bool) -> None:
    """Each rule of :func:`check_parameters` in turn; the first that fails raises."""
    _check_header(shape, header)
    _check_body(shape, body)
    if buttons or shape.buttons_need_parameters:
        check_buttons(shape.buttons, components)
    check_lengths(shape, header, body)


def plainly_fits(shape: TemplateShape, body: list[dict[str, Any]]) -> bool:
    """Whether a send with these body parameters and no header or button component
    passes every check of :func:`check_parameters` with no case that needs its care: a
    template with no header, positional parameters and no buttons that need one, not an
    authentication template, and plain non-empty texts, one per placeholder, that
    render within the limit. ``False`` is no verdict, only a doubt."""
    if (not shape.plain or len(body) != len(shape.body_expected)):
        return False
    for param in body:
        if param.get("type") != "text" or param.get("parameter_name") is not None:
            return False
        text = param.get("text")
        if (type(text) is not str or len(text) > PARAMETER_MAX or not text.strip()
                or "\n" in text or "\t" in text or "     " in text):
            return False
    if shape.body_plan is None:
        return True
    limit = BODY_ALONE_MAX if shape.body_alone else BODY_WITH_OTHERS_MAX
    return planned_length(shape.body_plan, body, False) <= limit
