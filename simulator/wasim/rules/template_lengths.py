"""Lengths of a template send's parameters and of the text they render (§2.2, §3, §4.3;
the audit's M1), checked once the parameters fit the template:

* a body ``text`` parameter holds at most 32,768 characters;
* the body as rendered (each ``{{n}}`` replaced by its value; a currency or date_time by
  its ``fallback_value``) holds at most 1,024 characters when the template has other
  components, 32,768 when the body is all it has;
* a TEXT header as rendered holds at most 60 characters;
* an authentication template's code holds at most 15 characters.

Each is refused with 132005, "Translated text too long". Simulator deviation: the exact
code the platform answers for each of these is UNCERTAIN (132005 is its documented code
for text that renders too long).
"""

from __future__ import annotations

from typing import Any

from wasim.errors import TEXT_TOO_LONG
from wasim.rules.template_shape import RenderPlan, TemplateShape, render_plan

PARAMETER_MAX = 32_768
BODY_WITH_OTHERS_MAX = 1_024
BODY_ALONE_MAX = 32_768
HEADER_MAX = 60
CODE_MAX = 15


def _value(param: dict[str, Any]) -> str:
    kind = param.get("type")
    if kind == "text":
        return str(param.get("text", ""))
    inner = param.get(str(kind))
    return str(inner.get("fallback_value", "")) if isinstance(inner, dict) else ""


def rendered_length(text: str, params: list[dict[str, Any]], named: bool) -> int:
    """The length of ``text`` with each placeholder replaced by its parameter's value
    (§3; positional ``{{1}}`` is the first parameter; a placeholder with no parameter
    stays as written), without building the text."""
    return planned_length(render_plan(text), params, named)


def planned_length(plan: RenderPlan, params: list[dict[str, Any]], named: bool) -> int:
    """:func:`rendered_length` of the text whose :func:`render_plan` is ``plan``."""
    literal, slots = plan
    if not slots:
        return literal
    if named:
        values = {str(p.get("parameter_name")): _value(p) for p in params}
        return literal + sum(len(values.get(name, written)) for name, written, _ in slots)
    count = len(params)
    for _, written, position in slots:
        if 0 < position <= count:
            param = params[position - 1]
            literal += len(str(param.get("text", "")) if param.get("type") == "text"
                           else _value(param))
        else:
            literal += len(written)
    return literal


def _too_long(where: str, length: int, limit: int) -> Exception:
    return TEXT_TOO_LONG(f"{where} is {length} characters long; at most {limit} are allowed")


def check_lengths(shape: TemplateShape, header: list[dict[str, Any]],
                  body: list[dict[str, Any]]) -> None:
    """Raise 132005 when a parameter or the text it renders is too long (``header`` and
    ``body``: the send's parameters of each)."""
    for param in body:
        if param.get("type") == "text" and len(str(param.get("text", ""))) > PARAMETER_MAX:
            raise _too_long("body: a text parameter", len(_value(param)), PARAMETER_MAX)
    if shape.authentication and body:
        code = _value(body[0])
        if len(code) > CODE_MAX:
            raise _too_long("body: the authentication code", len(code), CODE_MAX)
    if shape.body_plan is not None:
        length = planned_length(shape.body_plan, body, shape.named)
        limit = BODY_ALONE_MAX if shape.body_alone else BODY_WITH_OTHERS_MAX
        if length > limit:
            raise _too_long("body: the rendered text", length, limit)
    if shape.header_plan is not None:
        length = planned_length(shape.header_plan, header, False)
        if length > HEADER_MAX:
            raise _too_long("header: the rendered text", length, HEADER_MAX)
