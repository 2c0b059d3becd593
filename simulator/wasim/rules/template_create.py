"""Create-time validation of message templates (§2.1, §2.4).

``validate_create(body, era)`` checks a ``POST /{WABA-ID}/message_templates`` body and
returns the cleaned :class:`TemplateSpec`; every refusal is a code 100 ``GraphError``
with the subcode the reference gives (2388040 length, 2388047 header, 2388072 body,
2388073 footer, 2388293 too many parameters, 2388299 leading/trailing parameter).
Account-level limits (uniqueness 2388024, count and rate 2388019) are in
:mod:`wasim.rules.template_limits`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wasim.rules import template_special as special
from wasim.rules.categories import ERAS
from wasim.rules.template_auth import (
    AUTH_CATEGORIES,
    FOOTER_FORMAT,
    otp_button,
    preset_auth,
    refuse,
)
from wasim.world.models import PLACEHOLDER

NAME = re.compile(r"^[a-z0-9_]+$")
NAMED_PARAM = re.compile(r"^[a-z][a-z0-9_]*$")
NAME_MAX = 512
HEADER_MAX = 60
BODY_MAX = 1024
FOOTER_MAX = 60
BUTTON_TEXT_MAX = 25
PHONE_MAX = 20
COPY_CODE_MAX = 20
BUTTONS_MAX = 10
WORDS_PER_PARAM = 2
"""Simulator deviation: Meta does not publish its "too many parameters for the length"
threshold (2388293); wasim asks for at least this many words per parameter in the body."""

_LANGUAGE_CODES = (
    "af sq ar az bn bg ca zh_CN zh_HK zh_TW hr cs da nl en en_GB en_US et fil fi fr ka de "
    "el gu ha he hi hu id ga it ja kn kk rw_RW ko ky_KG lo lv lt mk ms ml mr nb fa pl "
    "pt_BR pt_PT pa ro ru sr sk sl es es_AR es_ES es_MX sw sv ta te th tr uk ur uz vi zu"

)
LANGUAGES = frozenset(_LANGUAGE_CODES.split())
"""Template language codes the platform supports (M-TMGMT's list)."""

HEADER_FORMATS = ("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "GIF")
BUTTON_TYPES = ("QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "MPM",
                "SPM", "CATALOG", "VOICE_CALL")
_BUTTON_LIMITS = {"QUICK_REPLY": 10, "URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1, "OTP": 1}

LENGTH = 2388040
HEADER_FORMAT = 2388047
BODY_FORMAT = 2388072
TOO_MANY_PARAMS = 2388293
EDGE_PARAM = 2388299


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """A create request that passed validation."""

    name: str
    language: str
    category: str
    parameter_format: str
    components: list[dict[str, Any]]


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None or value == "":
        raise refuse(f"The parameter {key} is required.")
    if not isinstance(value, str):
        raise refuse(f"Param {key} must be a string.")
    return value


def check_name(name: str) -> None:
    """Names match ``^[a-z0-9_]+$`` and have at most 512 characters (§2.4) → 100."""
    if not NAME.match(name) or len(name) > NAME_MAX:
        raise refuse(f"Param name must contain only lowercase letters, digits and "
                     f"underscores and have at most {NAME_MAX} characters: {name!r}.")


def check_language(language: str) -> None:
    """The language must be a supported locale code (§2.4) → 100."""
    if language not in LANGUAGES:
        raise refuse(f"Param language is not a supported template language: {language!r}.")


def check_category(category: Any, era: str, extra: tuple[str, ...] = ()) -> str:
    """The category must be one of the era's (§2.1), or of ``extra`` (what the request's
    version still accepts); details name the accepted ones → 100.

    Categories are case-insensitive on create (M-TOV examples); the stored value is upper.
    """
    names = ERAS.get(era)
    if names is None:
        raise refuse(f"unknown category era {era!r}; known: {', '.join(ERAS)}")
    accepted = (*names, *(name for name in extra if name not in names))
    if not isinstance(category, str) or not category:
        raise refuse(f"The parameter category is required. Accepted categories: "
                     f"{', '.join(accepted)}.")
    upper = category.upper()
    if upper not in accepted:
        raise refuse(f"Invalid category {category!r}. Accepted categories: "
                     f"{', '.join(accepted)}.")
    return upper


def _param_names(text: str) -> list[str]:
    return [m.strip() for m in PLACEHOLDER.findall(text)]


def check_params(text: str, fmt: str, subcode: int, where: str) -> list[str]:
    """Placeholders follow the format: ``{{1}}..{{n}}`` in order, or unique lowercase names.

    Returns the distinct parameter names in order (§2.4 positional / named rows).
    """
    raw = re.findall(r"\{\{(.*?)\}\}", text)
    names = _param_names(text)
    if len(raw) != len(names):
        raise refuse(f"{where} has a malformed parameter placeholder.", subcode,
                     f"{where.capitalize()} Format Is Incorrect")
    distinct = list(dict.fromkeys(names))
    if fmt == "POSITIONAL":
        if any(not n.isdigit() for n in distinct):
            raise refuse(f"{where} uses named parameters but parameter_format is POSITIONAL.",
                         subcode, f"{where.capitalize()} Format Is Incorrect")
        if [int(n) for n in distinct] != list(range(1, len(distinct) + 1)):
            raise refuse(f"{where} parameters must be sequential, starting at {{{{1}}}}.",
                         subcode, f"{where.capitalize()} Format Is Incorrect")
    else:
        bad = [n for n in names if not NAMED_PARAM.match(n)]
        if bad:
            raise refuse(f"{where} named parameters must be lowercase letters, digits and "
                         f"underscores: {bad[0]!r}.", subcode,
                         f"{where.capitalize()} Format Is Incorrect")
        if len(distinct) != len(names):
            raise refuse(f"{where} named parameters must be unique.", subcode,
                         f"{where.capitalize()} Format Is Incorrect")
    return distinct


def _length(text: str, limit: int, where: str) -> None:
    if len(text) > limit:
        raise refuse(f"{where} text has {len(text)} characters; the limit is {limit}.",
                     LENGTH, "Character Limit Exceeded")


def _examples(component: dict[str, Any], key: str, named_key: str, fmt: str,
              params: list[str], subcode: int, where: str) -> None:
    """Examples are mandatory when a component has parameters (§2.4, M-TCOMP)."""
    if not params:
        return
    example = component.get("example")
    title = f"{where.capitalize()} Format Is Incorrect"
    if not isinstance(example, dict):
        raise refuse(f"{where} has parameters, so example values are required.", subcode,
                     title)
    if fmt == "NAMED":
        given = example.get(named_key)
        if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
            raise refuse(f"{where} has named parameters, so example.{named_key} is required.",
                         subcode, title)
        names = sorted(str(g.get("param_name")) for g in given)
        if names != sorted(params):
            raise refuse(f"example.{named_key} must give one example per parameter "
                         f"({', '.join(params)}).", subcode, title)
        if not all(isinstance(g.get("example"), str) for g in given):
            raise refuse(f"example.{named_key} examples must be strings.", subcode, title)
        return
    given_values = example.get(key)
    if key == "body_text":  # §2.4: one array of values inside the array, as the spec has it
        if not (isinstance(given_values, list) and len(given_values) == 1
                and isinstance(given_values[0], list)):
            raise refuse(f"example.body_text must hold one array of {len(params)} example "
                         "value(s).", subcode, title)
        given_values = given_values[0]
    if not isinstance(given_values, list) or len(given_values) != len(params):
        raise refuse(f"example.{key} must give {len(params)} example value(s).", subcode,
                     title)
    if not all(isinstance(value, str) for value in given_values):
        # found by fuzzing: a number was stored, and every template listing then showed it
        raise refuse(f"example.{key} values must be strings.", subcode, title)


def _header(component: dict[str, Any], fmt: str, category: str) -> None:
    """A HEADER (§2.4): its format, text and examples; LOCATION for UTILITY and MARKETING
    only; no media on AUTHENTICATION (§2.2); GIF is the Marketing Messages API's."""
    kind = str(component.get("format", "")).upper()
    title = "Header Format Is Incorrect"
    if kind not in HEADER_FORMATS:
        raise refuse(f"Header format must be one of {', '.join(HEADER_FORMATS)}.",
                     HEADER_FORMAT, title)
    if kind == "TEXT":
        text = component.get("text")
        if not isinstance(text, str) or not text:
            raise refuse("A TEXT header needs text.", HEADER_FORMAT, title)
        _length(text, HEADER_MAX, "Header")
        params = check_params(text, fmt, HEADER_FORMAT, "header")
        if len(params) > 1:
            raise refuse("A header may have at most one parameter.", HEADER_FORMAT, title)
        _examples(component, "header_text", "header_text_named_params", fmt, params,
                  HEADER_FORMAT, "header")
    elif kind == "GIF":
        raise refuse("GIF headers are for the Marketing Messages API, not the Cloud API.",
                     HEADER_FORMAT, title)
    elif kind == "LOCATION":
        if category not in ("UTILITY", "MARKETING"):
            raise refuse("LOCATION headers are for UTILITY and MARKETING templates.",
                         HEADER_FORMAT, title)
    elif category in AUTH_CATEGORIES:
        raise refuse(f"AUTHENTICATION templates cannot have a {kind} header.",
                     HEADER_FORMAT, title)
    else:
        example = component.get("example")
        handle = example.get("header_handle") if isinstance(example, dict) else None
        if not isinstance(handle, list) or not handle:
            raise refuse(f"A {kind} header needs example.header_handle (a Resumable Upload "
                         "handle).", HEADER_FORMAT, title)


def _body(component: dict[str, Any], fmt: str) -> None:
    text = component.get("text")
    title = "Body Format Is Incorrect"
    if not isinstance(text, str) or not text.strip():
        raise refuse("The BODY component needs text.", BODY_FORMAT, title)
    _length(text, BODY_MAX, "Body")
    params = check_params(text, fmt, BODY_FORMAT, "body")
    stripped = text.strip()
    if params and (stripped.startswith("{{") or stripped.endswith("}}")):
        raise refuse("Variable parameters can't be at the start or end of the template.",
                     EDGE_PARAM, "Parameters Can't Be at the Start or End")
    words = len(PLACEHOLDER.sub(" ", text).split())
    if params and words < WORDS_PER_PARAM * len(params) + 1:
        raise refuse("This template has too many variable parameters relative to its "
                     "message length.", TOO_MANY_PARAMS, "Too Many Variables For Length")
    _examples(component, "body_text", "body_text_named_params", fmt, params, BODY_FORMAT,
              "body")


def _footer(component: dict[str, Any]) -> None:
    text = component.get("text")
    title = "Footer Format Is Incorrect"
    if not isinstance(text, str) or not text:
        raise refuse("The FOOTER component needs text.", FOOTER_FORMAT, title)
    _length(text, FOOTER_MAX, "Footer")
    if PLACEHOLDER.search(text) or "{{" in text:
        raise refuse("The footer can't contain variable parameters.", FOOTER_FORMAT, title)


def _button(button: Any, category: str) -> str:
    if not isinstance(button, dict):
        raise refuse("Each button must be an object.")
    kind = str(button.get("type", "")).upper()
    if kind not in BUTTON_TYPES:
        raise refuse(f"Unknown button type {button.get('type')!r}; known: "
                     f"{', '.join(BUTTON_TYPES)}.")
    if kind == "OTP":
        otp_button(button, category)
    label = button.get("text")
    if kind in ("QUICK_REPLY", "URL", "PHONE_NUMBER") and (
            not isinstance(label, str) or not label):
        raise refuse(f"{kind} buttons need a text label.")
    if isinstance(label, str) and len(label) > BUTTON_TEXT_MAX:
        raise refuse(f"Button text has {len(label)} characters; the limit is "
                     f"{BUTTON_TEXT_MAX}.", LENGTH, "Character Limit Exceeded")
    if kind == "URL":
        _url_button(button)
    elif kind == "PHONE_NUMBER":
        number = button.get("phone_number")
        if not isinstance(number, str) or not number or len(number) > PHONE_MAX:
            raise refuse(f"PHONE_NUMBER buttons need a phone_number of at most {PHONE_MAX} "
                         "characters.")
    elif kind == "COPY_CODE":
        example = button.get("example")
        sample = example[0] if isinstance(example, list) and example else example
        if not isinstance(sample, str) or not sample or len(sample) > COPY_CODE_MAX:
            raise refuse(f"COPY_CODE buttons need an example of at most {COPY_CODE_MAX} "
                         "characters.")
    return kind


def _url_button(button: dict[str, Any]) -> None:
    url = button.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise refuse("URL buttons need a url starting with http:// or https://.")
    params = _param_names(url)
    if len(params) > 1 or (params and not url.rstrip().endswith("}}")):
        raise refuse("A URL button may have one variable, at the end of the URL.")
    if params:
        example = button.get("example")
        if not isinstance(example, list) or not example:
            raise refuse("A URL button with a variable needs an example URL.")


def _buttons(component: dict[str, Any], category: str) -> None:
    """Button counts and grouping (M-TCOMP): ≤10, per-type limits, quick replies together."""
    buttons = component.get("buttons")
    if not isinstance(buttons, list) or not buttons:
        raise refuse("The BUTTONS component needs a non-empty buttons list.")
    if len(buttons) > BUTTONS_MAX:
        raise refuse(f"A template may have at most {BUTTONS_MAX} buttons.")
    kinds = [_button(b, category) for b in buttons]
    if category in AUTH_CATEGORIES and set(kinds) != {"OTP"}:
        raise refuse("AUTHENTICATION templates take one OTP button and no other button.")
    for kind, limit in _BUTTON_LIMITS.items():
        if kinds.count(kind) > limit:
            raise refuse(f"A template may have at most {limit} {kind} button(s).")
    quick = [i for i, k in enumerate(kinds) if k == "QUICK_REPLY"]
    if quick and quick[-1] - quick[0] + 1 != len(quick):
        raise refuse("Quick reply buttons must be grouped together, not mixed with other "
                     "button types.")


def check_components(components: Any, fmt: str, category: str) -> list[dict[str, Any]]:
    """One BODY; at most one HEADER, FOOTER and BUTTONS block, each within its limits."""
    if not isinstance(components, list) or not components:
        raise refuse("The parameter components is required.")
    seen: dict[str, int] = {}
    cleaned: list[dict[str, Any]] = []
    for component in components:
        if not isinstance(component, dict):
            raise refuse("Each component must be an object.")
        kind = str(component.get("type", "")).upper()
        if category == "AUTHENTICATION":
            component = preset_auth(component, kind)
        cleaned.append({**component, "type": kind})
        seen[kind] = seen.get(kind, 0) + 1
        if kind == "HEADER":
            _header(component, fmt, category)
        elif kind == "BODY":
            _body(component, fmt)
        elif kind == "FOOTER":
            _footer(component)
        elif kind == "BUTTONS":
            _buttons(component, category)
        elif kind == "CAROUSEL":
            cleaned[-1] = special.check_carousel(
                component, lambda cards: check_components(cards, fmt, category))
        elif kind == "LIMITED_TIME_OFFER":
            cleaned[-1] = special.check_offer(component, category)
        else:
            raise refuse(f"Unknown component type {component.get('type')!r}; use HEADER, "
                         "BODY, FOOTER, BUTTONS, CAROUSEL or LIMITED_TIME_OFFER.")
    special.check_layout([c["type"] for c in cleaned])
    if seen.get("BODY", 0) != 1:
        raise refuse("A template needs exactly one BODY component.", BODY_FORMAT,
                     "Body Format Is Incorrect")
    for kind in ("HEADER", "FOOTER", "BUTTONS"):
        if seen.get(kind, 0) > 1:
            raise refuse(f"A template may have at most one {kind} component.")
    return cleaned


def parameter_format(body: dict[str, Any]) -> str:
    """``POSITIONAL`` (the default) or ``NAMED`` (§2.4)."""
    fmt = body.get("parameter_format", "POSITIONAL")
    if not isinstance(fmt, str) or fmt.upper() not in ("POSITIONAL", "NAMED"):
        raise refuse("Param parameter_format must be POSITIONAL or NAMED.")
    return fmt.upper()


def validate_create(body: Any, era: str, extra: tuple[str, ...] = ()) -> TemplateSpec:
    """Validate a create body against §2.4 under the category ``era`` (§2.1); ``extra``:
    categories the request's Graph version accepts besides the era's."""
    if not isinstance(body, dict):
        raise refuse("The request body must be a JSON object.")
    name = _text(body, "name")
    check_name(name)
    language = _text(body, "language")
    check_language(language)
    category = check_category(body.get("category"), era, extra)
    fmt = parameter_format(body)
    components = check_components(body.get("components"), fmt, category)
    return TemplateSpec(name, language, category, fmt, components)
