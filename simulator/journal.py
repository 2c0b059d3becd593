"""Recorded calls and events: the assertion surface of a simulator (style.md §14)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Journal(Generic[T]):
    """An append-only list with ``.last``, ``len()`` and ``filter()``."""

    def __init__(self, items: list[T] | None = None) -> None:
        self._items: list[T] = list(items or [])

    def append(self, item: T) -> None:
        self._items.append(item)

    def clear(self) -> None:
        self._items.clear()

    @property
    def last(self) -> T:
        if not self._items:
            raise IndexError("nothing has been recorded yet")
        return self._items[-1]

    def filter(self, predicate: Callable[[T], bool]) -> Journal[T]:
        return Journal([item for item in self._items if predicate(item)])

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __getitem__(self, index: int) -> T:
        return self._items[index]

    def __bool__(self) -> bool:
        return bool(self._items)

    def __repr__(self) -> str:
        return f"Journal({self._items!r})"


@dataclass(frozen=True, slots=True)
class Webhook:
    """A webhook the platform emitted: its field, owner WABA, body and time."""

    id: str
    field: str
    waba_id: str
    payload: dict[str, Any]
    created_at: datetime

    @property
    def value(self) -> dict[str, Any]:
        value: dict[str, Any] = self.payload["entry"][0]["changes"][0]["value"]
        return value

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "field": self.field, "waba_id": self.waba_id,
                "payload": self.payload, "created_at": self.created_at.isoformat()}


@dataclass(slots=True)
class RequestRecord:
    """A Graph API call as the HTTP edge saw it."""

    method: str
    path: str
    status_code: int
    at: datetime
    api_version: str | None = None
    error_code: int | None = None
    implemented: bool = True
    body: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "status_code": self.status_code,
                "at": self.at.isoformat(), "api_version": self.api_version,
                "error_code": self.error_code, "implemented": self.implemented}
