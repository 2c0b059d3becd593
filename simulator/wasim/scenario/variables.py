"""``${name}`` and ``${name.field}`` references in scenario values.

A value that is exactly one reference keeps the referenced value's type (a list stays a
list); a reference inside longer text is replaced by its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\s*\}")


class MissingVariable(Exception):
    """A reference that does not resolve (unknown name or field)."""


def references(value: Any) -> Iterator[tuple[str, str]]:
    """Every ``(name, whole reference)`` used anywhere inside ``value``."""
    if isinstance(value, str):
        for match in REFERENCE.finditer(value):
            yield match.group(1), match.group(0)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from references(key)
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def _lookup(variables: dict[str, Any], name: str, path: str) -> Any:
    if name not in variables:
        raise MissingVariable(f"unknown variable {name!r}")
    value = variables[name]
    for part in filter(None, path.split(".")):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise MissingVariable(f"${{{name}{path}}}: {name!r} has no field {part!r}")
    return value


def resolve(value: Any, variables: dict[str, Any]) -> Any:
    """``value`` with every reference replaced from ``variables``."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value.strip())
        if whole is not None:
            return _lookup(variables, whole.group(1), whole.group(2))
        if "${" not in value:
            return value
        return REFERENCE.sub(
            lambda m: _text(_lookup(variables, m.group(1), m.group(2))), value)
    if isinstance(value, dict):
        return {resolve(k, variables): resolve(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(item, variables) for item in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
