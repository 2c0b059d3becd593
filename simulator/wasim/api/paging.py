"""Pages of the ``/_sim/`` listings, so no answer grows with the history kept.

Every listing answers ``{"data": [...], "paging": {...}}`` (``paging`` is left out when
``data`` is empty). Items are in the order they happened, oldest first. Without a cursor
a listing answers its **newest** ``limit`` items (default 100, at most 1,000), like the end
of a chat; ``paging.cursors.before`` / ``after`` are the ids of the first and last item
of the page, and ``paging.previous`` / ``paging.next`` are ready-made URLs of the older /
newer page, given only when there is one. ``?before=ID`` answers the ``limit`` items just
older than the item ``ID``, ``?after=ID`` the ``limit`` items just newer. A cursor is the
item's own id (a wamid, a webhook id, a delivery id...), so it stays valid as new items
arrive; one that is no longer kept (retention) is a code 100 error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

from starlette.requests import Request

from wasim.errors import INVALID_PARAMETER

T = TypeVar("T")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def limit_of(request: Request) -> int:
    """``?limit=`` as a whole number from 0 to 1,000 (default 100)."""
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or int(raw) > MAX_LIMIT:
        raise INVALID_PARAMETER(f"limit must be a whole number from 0 to {MAX_LIMIT}")
    return int(raw)


def _position(keys: Sequence[str], cursor: str, name: str) -> int:
    for index in range(len(keys) - 1, -1, -1):  # recent cursors are found first
        if keys[index] == cursor:
            return index
    raise INVALID_PARAMETER(f"{name} cursor {cursor!r} is not in this listing (no such "
                            "item, or no longer kept: see the retention setting)")


def window(request: Request, keys: Sequence[str]) -> tuple[int, int]:
    """The slice ``[start:end]`` of a listing whose items have ``keys`` that the query
    (``limit``, ``before``, ``after``) asks for."""
    query = request.query_params
    limit = limit_of(request)
    before, after = query.get("before"), query.get("after")
    if before is not None and after is not None:
        raise INVALID_PARAMETER("give before or after, not both")
    if after is not None:
        start = _position(keys, after, "after") + 1
        return start, min(start + limit, len(keys))
    end = _position(keys, before, "before") if before is not None else len(keys)
    return max(0, end - limit), end


def paging(request: Request, keys: Sequence[str], start: int, end: int) -> dict[str, Any]:
    """The ``paging`` object of the page ``keys[start:end]`` (empty for an empty page)."""
    if start >= end:
        return {}
    first, last = keys[start], keys[end - 1]
    found: dict[str, Any] = {"cursors": {"before": first, "after": last}}
    kept = [(k, v) for k, v in request.query_params.multi_items()
            if k not in ("before", "after")]
    if start > 0:
        found["previous"] = f"{request.url.path}?{urlencode([*kept, ('before', first)])}"
    if end < len(keys):
        found["next"] = f"{request.url.path}?{urlencode([*kept, ('after', last)])}"
    return found


class Keys(Sequence[str]):
    """The keys of ``items``, each computed when asked for: a page reads the few it
    needs (its ends, a cursor found from the newest end), so rendering one page of a
    listing of 100,000 items costs about what a page of a short one does."""

    def __init__(self, items: Sequence[T], key: Callable[[T], str]) -> None:
        self._items: Sequence[Any] = items
        self._key: Callable[[Any], str] = key

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._key(item) for item in self._items[index]]
        return self._key(self._items[index])


def page(request: Request, items: Sequence[T], key: Callable[[T], str],
         render: Callable[[T], Any]) -> dict[str, Any]:
    """One page of ``items`` (oldest first) as the listing's answer."""
    keys = Keys(items, key)
    start, end = window(request, keys)
    answer: dict[str, Any] = {"data": [render(items[i]) for i in range(start, end)]}
    found = paging(request, keys, start, end)
    if found:
        answer["paging"] = found
    return answer
