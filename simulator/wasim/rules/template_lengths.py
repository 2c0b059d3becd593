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

import functools
from typing import Any

from wasim.errors import TEXT_TOO_LONG
from wasim.world.models import PLACEHOLDER, Template

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


@functools.lru_cache(maxsize=1024)
def _plan(text: str) -> tuple[int, tuple[tuple[str, str, int], ...]]:
    """How ``text`` renders: the length of what is not a placeholder, and each
    placeholder's name, its text as written and its position as a number (``0`` when
    the name is not one) (a template's text is read once)."""
    literal = len(PLACEHOLDER.sub("", text))
    return literal, tuple((m.group(1), m.group(0),
                           int(m.group(1)) if m.group(1).isdecimal() and m.group(1).isascii()
                           else 0)
                          for m in PLACEHOLDER.finditer(text))


def rendered_length(text: str, params: list[dict[str, Any]], named: bool) -> int:
    """The length of ``text`` with each placeholder replaced by its parameter's value
    (§3; positional ``{{1}}`` is the first parameter; a placeholder with no parameter
    stays as written), without building the text."""
    literal, slots = _plan(text)
    if not slots:
        return literal
    if named:
        values = {str(p.get("parameter_name")): _value(p) for p in params}
        return literal + sum(len(values.get(name, written)) for name, written, _ in slots)
    count = len(params)
    for name, written, position in slots:
        # a positional name is its number written plainly: "01" is not parameter 1
        if 0 < position <= count and str(position) == name:
            literal += len(_value(params[position - 1]))
        else:
            literal += len(written)
    return literal


def _too_long(where: str, length: int, limit: int) -> Exception:
    return TEXT_TOO_LONG(f"{where} is {length} characters long; at most {limit} are allowed")


def check_lengths(template: Template, components: list[dict[str, Any]]) -> None:
    """Raise 132005 when a parameter or the text it renders is too long."""
    parts = {str(c.get("type", "")).upper(): c for c in template.components}
    given: dict[str, list[dict[str, Any]]] = {}
    for component in components:
        given.setdefault(str(component.get("type")), []).extend(
            component.get("parameters", []))
    named = template.parameter_format.upper() == "NAMED"
    body = given.get("body", [])
    for param in body:
        if param.get("type") == "text" and len(_value(param)) > PARAMETER_MAX:
            raise _too_long("body: a text parameter", len(_value(param)), PARAMETER_MAX)
    if template.category.upper() == "AUTHENTICATION" and body:
        code = _value(body[0])
        if len(code) > CODE_MAX:
            raise _too_long("body: the authentication code", len(code), CODE_MAX)
    if "BODY" in parts:
        length = rendered_length(str(parts["BODY"].get("text", "")), body, named)
        limit = BODY_ALONE_MAX if len(parts) == 1 else BODY_WITH_OTHERS_MAX
        if length > limit:
            raise _too_long("body: the rendered text", length, limit)
    header = parts.get("HEADER")
    if header is not None and str(header.get("format", "TEXT")).upper() == "TEXT":
        length = rendered_length(str(header.get("text", "")), given.get("header", []), False)
        if length > HEADER_MAX:
            raise _too_long("header: the rendered text", length, HEADER_MAX)
