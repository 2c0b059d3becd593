"""Typed, located access to loaded YAML: every wrong value names its file and line."""

from __future__ import annotations

import difflib
from typing import Any

from wasim.world.source import Mark, MarkedDict, MarkedList, SourceError


class Reader:
    """Reads one YAML mapping with typed getters that raise :class:`SourceError`.

    Args:
        data: The loaded mapping.
        path: The file name used in error messages.
        columns: Include the column in messages (``file:line:column:``).
    """

    def __init__(self, data: Any, path: str, *, columns: bool = False,
                 where: str = "document") -> None:
        self.path = path
        self.columns = columns
        if not isinstance(data, dict):
            mark = getattr(data, "mark", (1, 1))
            raise self.error(mark, f"{where} must be a mapping, got {_kind(data)}")
        self.data: dict[str, Any] = data

    def error(self, mark: Mark, problem: str) -> SourceError:
        return SourceError(self.path, mark[0], mark[1] if self.columns else None, problem)

    @property
    def mark(self) -> Mark:
        return self.data.mark if isinstance(self.data, MarkedDict) else (1, 1)

    def mark_of(self, key: str) -> Mark:
        if isinstance(self.data, MarkedDict):
            return self.data.mark_of(key)
        return (1, 1)

    def value_mark(self, key: str) -> Mark:
        value = self.data.get(key)
        return getattr(value, "mark", None) or self.mark_of(key)

    def only(self, *allowed: str) -> None:
        """Refuse keys outside ``allowed``, suggesting the closest known one."""
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else (
                    f" (known keys: {', '.join(allowed)})")
                raise self.error(self.mark_of(key), f"unknown key {key!r}{hint}")

    def require(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            raise self.error(self.mark, f"missing required key {key!r}")
        return self.data[key]

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        if key not in self.data or self.data[key] is None:
            if required or default is None:
                raise self.error(self.mark, f"missing required key {key!r}")
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(self.mark_of(key), f"{key!r} must be a string, got {_kind(value)}")
        return str(value)

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.data.get(key) is not None else None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(self.mark_of(key), f"{key!r} must be true or false")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(self.mark_of(key), f"{key!r} must be a whole number")
        return value

    def mapping(self, key: str, *, required: bool = False) -> Reader | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(self.mark, f"missing required key {key!r}")
            return None
        if not isinstance(value, dict):
            raise self.error(self.mark_of(key), f"{key!r} must be a mapping, got {_kind(value)}")
        return Reader(value, self.path, columns=self.columns, where=key)

    def items(self, key: str, *, required: bool = False) -> list[tuple[Mark, Any]]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(self.mark, f"missing required key {key!r}")
            return []
        if not isinstance(value, list):
            raise self.error(self.mark_of(key), f"{key!r} must be a list, got {_kind(value)}")
        marks = value.item_marks if isinstance(value, MarkedList) else []
        return [(marks[i] if i < len(marks) else self.mark_of(key), item)
                for i, item in enumerate(value)]

    def readers(self, key: str, *, required: bool = False) -> list[Reader]:
        return [Reader(item, self.path, columns=self.columns, where=f"each item of {key!r}")
                if isinstance(item, dict) else _raise(self.error(mark, (
                    f"each item of {key!r} must be a mapping, got {_kind(item)}")))
                for mark, item in self.items(key, required=required)]


def _raise(error: SourceError) -> Reader:
    raise error


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in ((bool, "a boolean"), (dict, "a mapping"), (list, "a list"),
                       (str, "a string"), (int, "a number"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def plain(value: Any) -> Any:
    """Strip the marks: plain dicts and lists, safe to store and export."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
