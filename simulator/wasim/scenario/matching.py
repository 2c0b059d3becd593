"""Comparing what a scenario expects with what happened.

An expected string written ``/pattern/`` (or ``/pattern/i``) is a regular expression
searched in the actual text; an expected mapping matches when each of its keys matches
(other keys of the actual value are ignored); lists match item by item. Names such as
``utility`` and ``UTILITY`` match whatever their case.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PATTERN = re.compile(r"^/(.*)/([imsx]*)$", re.DOTALL)
_WORD = re.compile(r"^[A-Za-z_]+$")


def pattern(expected: str) -> re.Pattern[str] | None:
    """The regular expression of a ``/.../flags`` string, else ``None``."""
    found = _PATTERN.match(expected)
    if found is None or len(expected) < 2:
        return None
    flags = 0
    for letter in found.group(2):
        flags |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X}[letter]
    return re.compile(found.group(1), flags)


def bad_pattern(expected: Any) -> str | None:
    """Why ``expected`` is a broken ``/.../`` pattern, or ``None``."""
    if isinstance(expected, str) and _PATTERN.match(expected):
        try:
            pattern(expected)
        except re.error as exc:
            return f"bad regular expression {expected}: {exc}"
    return None


def matches(expected: Any, actual: Any) -> bool:
    """Whether ``actual`` satisfies ``expected`` (see the module docstring)."""
    if isinstance(expected, str):
        regex = pattern(expected)
        if regex is not None:
            return actual is not None and regex.search(str(actual)) is not None
        if not isinstance(actual, str | int | float) or isinstance(actual, bool):
            return False
        text = str(actual)
        return text == expected or (_WORD.match(text) is not None
                                    and _WORD.match(expected) is not None
                                    and text.lower() == expected.lower())
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and matches(value, actual[key]) for key, value in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            matches(e, a) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return bool(expected == actual)


def show(value: Any) -> str:
    """A compact one-line rendering for reports."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
