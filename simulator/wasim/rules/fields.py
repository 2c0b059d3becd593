"""Field checkers shared by the payload rules (§3): each reads one key of a JSON object
and raises the Graph error a bad value gets (``131008`` missing, ``131009`` invalid),
naming the offending parameter by its dotted path.
"""

from __future__ import annotations

from typing import Any

from wasim.errors import INVALID_VALUE, MISSING_PARAMETER


def missing(path: str) -> Exception:
    return MISSING_PARAMETER(f"The parameter {path} is required.")


def invalid(path: str, why: str) -> Exception:
    return INVALID_VALUE(f"Parameter {path} {why}.")


def obj(parent: dict[str, Any], key: str, path: str, *, required: bool = True) -> Any:
    value = parent.get(key)
    if value is None:
        if required:
            raise missing(path)
        return None
    if not isinstance(value, dict):
        raise invalid(path, "must be an object")
    return value


def text(
    parent: dict[str, Any],
    key: str,
    path: str,
    *,
    max_len: int | None = None,
    required: bool = True,
    allow_empty: bool = False,
) -> str | None:
    value = parent.get(key)
    if value is None or (value == "" and not allow_empty):
        if required:
            raise missing(path)
        return None
    if not isinstance(value, str):
        raise invalid(path, "must be a string")
    if max_len is not None and len(value) > max_len:
        raise invalid(path, f"must be at most {max_len} characters long (got {len(value)})")
    return value


def number(parent: dict[str, Any], key: str, path: str, low: float, high: float) -> float:
    value = parent.get(key)
    if value is None:
        raise missing(path)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise invalid(path, "must be a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(path, "must be a number")
    if not low <= value <= high:
        raise invalid(path, f"must be between {low:g} and {high:g}")
    return float(value)


def items(
    parent: dict[str, Any], key: str, path: str, low: int, high: int
) -> list[Any]:
    value = parent.get(key)
    if value is None:
        raise missing(path)
    if not isinstance(value, list):
        raise invalid(path, "must be an array")
    if not low <= len(value) <= high:
        raise invalid(path, f"must hold {low} to {high} items (got {len(value)})")
    return value


def each_obj(items: list[Any], path: str) -> list[dict[str, Any]]:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise invalid(f"{path}[{i}]", "must be an object")
    return items
