"""JSON for the send path: orjson (a dependency of wasim on CPython), else the standard
library; the same values and bytes either way.

orjson parses a request body about twice as fast as ``json`` and refuses by itself what
the simulator refuses anyway (lone surrogates, ``NaN``), so a body it accepts needs no
further walk. Anything it refuses goes the standard library's way, which gives the exact
Graph error (§9: code 100 with its message). The one value it would read differently, a
whole number past 64 bits (a float for orjson, an int for ``json``), never reaches it: a
body with 19 digits in a row goes the standard library's way too.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # another interpreter than CPython: the standard library
    orjson = None  # type: ignore[assignment]

ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
"""Starlette's ``JSONResponse`` settings, in one encoder made once (``json.dumps`` with
options makes a new one for every call); it holds no state, so threads may share it."""
DECODER = json.JSONDecoder()
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
"""19 digits in a row (a whole number past 64 bits has at least 19): found by a byte
translation and a substring search, a fraction of a regular expression's cost."""


def render(content: Any) -> bytes:
    """The bytes of Starlette's ``JSONResponse`` for ``content`` (any JSON value)."""
    return ENCODER.encode(content).encode("utf-8")


def render_strings(content: Any) -> bytes:
    """:func:`render` for a value whose leaves are strings, bools or small whole numbers
    (a send's answer), where orjson writes the same bytes."""
    if orjson is None:
        return render(content)
    return orjson.dumps(content)


NOT_PARSED = object()
"""What :func:`fast_loads` answers when the standard library must parse the body."""


def fast_loads(raw: bytes) -> Any:
    """``raw`` parsed by orjson, or :data:`NOT_PARSED` (orjson missing, or it refused the
    body, or the body has a number it would read differently)."""
    if orjson is None or _LONG_NUMBER in raw.translate(_DIGITS_AS_ZERO):
        return NOT_PARSED
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return NOT_PARSED
