"""JSON text from outside, read within bounds: a nesting limit and no unpaired surrogates.

Python's JSON decoder recurses once per nesting level, and so does any walk over what it
returns: a body nested a thousand levels deep would end in a ``RecursionError`` (a 500)
instead of a refusal. :func:`too_deep` measures the nesting of the raw bytes before
they are parsed, without recursion, and :func:`lone_surrogate` walks a parsed value with
an explicit stack. Both are linear in the size of the text.

Limits (the server documentation lists them): :data:`MAX_DEPTH` levels of ``[`` and
``{`` for a request body, :data:`MAX_STATE_DEPTH` for a state import (an export nests a
request body, as recorded, a few levels deeper than it came in).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from wasim.errors import INVALID_PARAMETER, GraphError

MAX_DEPTH = 64
"""Most levels of arrays and objects in a request body (a send nests about 8)."""
MAX_STATE_DEPTH = 128
"""Most levels in a state import (``PUT /_sim/state``)."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_DELTA = [0] * 256
_DELTA[ord("[")] = _DELTA[ord("{")] = 1
_DELTA[ord("]")] = _DELTA[ord("}")] = -1


def too_deep(raw: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``raw`` nests arrays and objects more than ``limit`` deep.

    Brackets inside strings do not count. A text with no more than ``limit`` brackets
    in all (nearly every body) is answered by two counts; otherwise the strings are cut
    out and the depth summed over what is left, without recursion.
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    return max(accumulate(map(_DELTA.__getitem__, brackets)), default=0) > limit


def depth_error(limit: int = MAX_DEPTH) -> GraphError:
    """The refusal of a body nested too deep (code 100)."""
    return INVALID_PARAMETER(f"The request body nests arrays and objects more than {limit} "
                             "levels deep.")


def lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a string with an unpaired UTF-16 surrogate (the
    decoder joins a valid pair into one character, so any surrogate left is unpaired).
    Walks with an explicit stack: no recursion, whatever the nesting."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def surrogate_error() -> GraphError:
    """The refusal of a string that is not text (code 100)."""
    return INVALID_PARAMETER("The request body is not valid text: a string holds an unpaired "
                             "UTF-16 surrogate (such as \\ud800).")


def loads_bounded(text: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` within the nesting ``limit`` (a ``ValueError`` for bad JSON; the
    Graph 100 error of :func:`depth_error` for a text nested too deep)."""
    if too_deep(text, limit):
        raise depth_error(limit)
    try:
        return json.loads(text)
    except RecursionError:  # the scan above makes this unreachable; kept as a net
        raise depth_error(limit) from None
