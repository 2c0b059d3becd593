"""The shape of a template send's type object (§3): name, language, components and
their parameters, with the values the platform reads in any case lowered first. What
the parameters must be for the template itself is checked by ``wasim.rules.templates``.
"""

from __future__ import annotations

from typing import Any

from wasim.rules import fields as field

CASE_INSENSITIVE = ("components[].type", "components[].sub_type",
                    "components[].parameters[].type")
"""Template send fields whose values the platform matches in any case (§3): a client that
sends ``{"type": "BODY"}``, ``"sub_type": "QUICK_REPLY"`` or ``{"type": "TEXT"}`` sends
its template (Meta's own example sends ``"sub_type": "CATALOG"``)."""


def normalized_template(content: Any) -> Any:
    """A template send's type object with the ``CASE_INSENSITIVE`` values in lower case,
    which the rules compare (a copy when one of them is not; the object itself when all
    are, as clients send them); anything malformed is left for the checks."""
    if not isinstance(content, dict) or not isinstance(content.get("components"), list):
        return content
    if not _any_upper(content["components"]):
        return content
    components = []
    for component in content["components"]:
        if isinstance(component, dict):
            component = _lowered(component, "type", "sub_type")
            params = component.get("parameters")
            if isinstance(params, list):
                component["parameters"] = [_lowered(p, "type") if isinstance(p, dict) else p
                                           for p in params]
        components.append(component)
    return {**content, "components": components}


def _upper(value: Any) -> bool:
    """Whether ``value`` is a string that lower-casing changes."""
    return isinstance(value, str) and not value.islower() and value.lower() != value


def _any_upper(components: list[Any]) -> bool:
    """Whether :func:`normalized_template` has anything to lower in ``components``."""
    for component in components:
        if isinstance(component, dict):
            if _upper(component.get("type")) or _upper(component.get("sub_type")):
                return True
            params = component.get("parameters")
            if isinstance(params, list):
                for param in params:
                    if isinstance(param, dict) and _upper(param.get("type")):
                        return True
    return False


def _lowered(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    copy = dict(obj)
    for key in keys:
        if isinstance(copy.get(key), str):
            copy[key] = copy[key].lower()
    return copy


def _check_language_policy(language: dict[str, Any]) -> None:
    """§8 / §3: ``template.language.policy`` may be left out or be ``deterministic``, the
    only value of the spec's ``LanguageObject.policy`` (the old ``fallback`` is gone);
    anything else answers 131009."""
    policy = language.get("policy")
    if policy is not None and (not isinstance(policy, str)
                               or policy.lower() != "deterministic"):
        raise field.invalid("template.language.policy", "must be deterministic")


_COMPONENT_TYPES = frozenset({"header", "body", "button", "footer", "carousel",
                              "limited_time_offer"})


def check_template_object(content: dict[str, Any]) -> None:
    """The shape of a template send (§3). Most sends are well formed: a quick pass checks
    them; any doubt and the careful pass names the offending field."""
    if not _plainly_fine(content):
        _check_template_fields(content)


def checked_template(content: Any) -> tuple[Any, bool]:
    """A template send's type object, checked (§3) and with its ``CASE_INSENSITIVE``
    values in lower case (:func:`normalized_template`), and whether it is known to hold
    no object below its parameters, components and language (so no media object, by id
    or link). Most sends are well formed and in lower case already: one quick pass
    finds that and returns ``content`` itself."""
    if type(content) is dict:
        verdict = _quick_pass(content)
        if verdict:
            return content, verdict == SCALARS_ONLY
    content = normalized_template(content)
    if not isinstance(content, dict):
        raise field.invalid("template", "must be an object")
    check_template_object(content)
    return content, False


FINE, SCALARS_ONLY = 1, 2
""":func:`_quick_pass`'s verdicts besides ``0`` (a doubt)."""


def _plainly_fine(content: dict[str, Any]) -> bool:
    """Whether ``content`` passes every check of :func:`_check_template_fields` with no
    case that needs its care, and has nothing for :func:`normalized_template` to lower."""
    return _quick_pass(content) != 0


def _quick_pass(content: dict[str, Any]) -> int:
    """:func:`_plainly_fine` in a single pass, no paths built: ``0`` when in doubt,
    else :data:`SCALARS_ONLY` when no value below the template's ``language``,
    ``components`` and their ``parameters`` is an object or array, else :data:`FINE`."""
    name, language = content.get("name"), content.get("language")
    if type(name) is not str or not name or len(name) > 512 or type(language) is not dict:
        return 0
    code = language.get("code")
    if type(code) is not str or not code or language.get("policy") is not None:
        return 0
    components = content.get("components", [])
    if type(components) is not list:
        return 0
    nested = _holds_objects(content, _TEMPLATE_LISTS)
    for value in language.values():
        if type(value) is dict or type(value) is list:
            nested = True
    for component in components:
        if type(component) is not dict:
            return 0
        kind = component.get("type")
        if type(kind) is not str or kind not in _COMPONENT_TYPES:
            return 0
        sub_type = component.get("sub_type")
        if sub_type is not None and (type(sub_type) is not str or not sub_type.islower()):
            return 0
        params = component.get("parameters", [])
        if type(params) is not list:
            return 0
        if _holds_objects(component, _COMPONENT_LISTS):
            nested = True
        for param in params:
            if type(param) is not dict:
                return 0
            kind = param.get("type")
            if type(kind) is not str or not kind.islower():
                return 0
            for value in param.values():
                if type(value) is dict or type(value) is list:
                    nested = True
    return FINE if nested else SCALARS_ONLY


_TEMPLATE_LISTS = ("language", "components")
_COMPONENT_LISTS = ("parameters",)


def _holds_objects(obj: dict[str, Any], besides: tuple[str, ...]) -> bool:
    """Whether a value of ``obj`` other than those under ``besides`` is an object or an
    array."""
    for key, value in obj.items():
        if (type(value) is dict or type(value) is list) and key not in besides:
            return True
    return False


def _check_template_fields(content: dict[str, Any]) -> None:
    field.text(content, "name", "template.name", max_len=512)
    language = field.obj(content, "language", "template.language")
    field.text(language, "code", "template.language.code")
    _check_language_policy(language)
    components = content.get("components", [])
    if not isinstance(components, list):
        raise field.invalid("template.components", "must be an array")
    for i, component in enumerate(field.each_obj(components, "template.components")):
        kind = field.text(component, "type", f"template.components[{i}].type")
        if kind not in _COMPONENT_TYPES:
            raise field.invalid(f"template.components[{i}].type",
                           "must be one of header, body, button")
        params = component.get("parameters", [])
        if not isinstance(params, list):
            raise field.invalid(f"template.components[{i}].parameters", "must be an array")
        field.each_obj(params, f"template.components[{i}].parameters")
        for j, param in enumerate(params):
            field.text(param, "type", f"template.components[{i}].parameters[{j}].type")


