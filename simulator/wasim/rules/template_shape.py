"""What the send-time template rules read from a template (§2.2, §3, §4.3), read once.

Every send of a template checks its parameters against the template's header, body and
buttons (``wasim.rules.templates``) and the lengths they render to
(``wasim.rules.template_lengths``). Those facts are the same for every send until the
template changes, so :func:`shape_of` reads them once and keeps them on the template.

A kept shape is used while the template still has the same ``components`` list (the same
object: an edit or import gives a template new components, it does not change the old list
in place), the same ``parameter_format`` and the same ``category`` (review and the
category rules change those two on the template itself). Code that changes a
template's ``components`` list in place must give it a new list instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from wasim.rules.template_buttons import needs_parameter
from wasim.world.models import PLACEHOLDER, Template

MEDIA_FORMATS = ("IMAGE", "VIDEO", "DOCUMENT", "LOCATION")


def _placeholders(text: str) -> tuple[str, ...]:
    """The distinct parameter names of ``text``, in order of first appearance."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text):
        if name not in seen:
            seen.append(name)
    return tuple(seen)


RenderPlan = tuple[int, tuple[tuple[str, str, int], ...]]
"""How a text renders (:func:`render_plan`)."""


@functools.lru_cache(maxsize=1024)
def render_plan(text: str) -> RenderPlan:
    """How ``text`` renders: the length of what is not a placeholder, and each
    placeholder's name, its text as written and, when the name is a position written
    plainly (``"1"``, not ``"01"``), that position (else ``0``)."""
    literal = len(PLACEHOLDER.sub("", text))
    slots = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        plain = name.isdecimal() and name.isascii() and str(int(name)) == name
        slots.append((name, match.group(0), int(name) if plain else 0))
    return literal, tuple(slots)


@dataclass(frozen=True, slots=True)
class TemplateShape:
    """The send-time facts of one template."""

    components: list[dict[str, Any]]
    """The template's components these facts were read from (kept: identity is the key)."""
    parameter_format: str
    category: str
    header_format: str | None
    """The first HEADER's format, upper case (``None``: the template has no header)."""
    header_expected: tuple[str, ...]
    """Parameter names of the first HEADER's text (empty for a media header)."""
    body_expected: tuple[str, ...]
    """Parameter names of the first BODY's text (empty without a body)."""
    buttons: list[dict[str, Any]]
    """The first BUTTONS component's buttons (empty without one)."""
    named: bool
    """The template takes named parameters (``parameter_format`` NAMED)."""
    authentication: bool
    """The template's category is AUTHENTICATION (its code has a length limit)."""
    body_plan: RenderPlan | None
    """How the text whose rendered length is limited renders: the last BODY's
    (``None``: no body)."""
    body_alone: bool
    """The body is the template's only kind of component (a larger limit)."""
    header_plan: RenderPlan | None
    """How the last HEADER's text renders when that header is TEXT (``None`` otherwise)."""
    buttons_need_parameters: bool
    """One of the buttons needs a parameter at send (a URL with a variable, a copy
    code, an OTP): a send that gives no button component is refused."""
    plain: bool
    """No header, positional parameters, not an authentication template and no
    button that needs a parameter: a send's body texts are all that it gives."""

    def fits(self, template: Template) -> bool:
        """Whether this shape still describes ``template``."""
        return (template.components is self.components
                and template.parameter_format == self.parameter_format
                and template.category == self.category)


def _first(components: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    for component in components:
        if str(component.get("type", "")).upper() == kind:
            return component
    return None


def read_shape(template: Template) -> TemplateShape:
    """The send-time facts of ``template``, read now."""
    components = template.components
    header = _first(components, "HEADER")
    header_format = str(header.get("format", "TEXT")).upper() if header else None
    header_expected = (_placeholders(str(header.get("text", "")))
                       if header and header_format not in MEDIA_FORMATS else ())
    body = _first(components, "BODY")
    buttons_block = _first(components, "BUTTONS")
    last = {str(c.get("type", "")).upper(): c for c in components}
    last_header = last.get("HEADER")
    header_plan = (render_plan(str(last_header.get("text", ""))) if last_header is not None
                   and str(last_header.get("format", "TEXT")).upper() == "TEXT" else None)
    buttons = buttons_block.get("buttons", []) if buttons_block else []
    buttons_need_parameters = any(needs_parameter(b) for b in buttons)
    named = template.parameter_format.upper() == "NAMED"
    authentication = template.category.upper() == "AUTHENTICATION"
    return TemplateShape(
        components=components,
        parameter_format=template.parameter_format,
        category=template.category,
        header_format=header_format,
        header_expected=header_expected,
        body_expected=_placeholders(str(body.get("text", ""))) if body else (),
        buttons=buttons,
        named=named,
        authentication=authentication,
        body_plan=render_plan(str(last["BODY"].get("text", ""))) if "BODY" in last else None,
        body_alone=len(last) == 1,
        header_plan=header_plan,
        buttons_need_parameters=buttons_need_parameters,
        plain=(header is None and not named and not authentication
               and not buttons_need_parameters))


def shape_of(template: Template) -> TemplateShape:
    """``template``'s send-time facts: the kept ones while they still describe it, else
    read again and kept."""
    shape = template.shape
    if shape is None or not shape.fits(template):
        shape = template.shape = read_shape(template)
    return shape  # type: ignore[no-any-return]
