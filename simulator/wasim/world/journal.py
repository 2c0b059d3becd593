"""Recorded calls and events: the assertion surface of a simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def envelope(waba_id: str, field: str, value: dict[str, Any],
             time: datetime | None = None) -> dict[str, Any]:
    """``{"object": "whatsapp_business_account", "entry": [...]}`` with one change.

    Template webhooks carry an integer ``entry[].time`` (§2.6); message webhooks do not.
    """
    entry: dict[str, Any] = {"id": waba_id}
    if time is not None:
        entry["time"] = int(time.timestamp())
    entry["changes"] = [{"value": value, "field": field}]
    return {"object": "whatsapp_business_account", "entry": [entry]}


class Journal(Generic[T]):
    """An append-only list with ``.last``, ``len()`` and ``filter()``."""

    def __init__(self, items: list[T] | None = None) -> None:
        self._items: list[T] = list(items or [])

    def append(self, item: T) -> None:
        self._items.append(item)

    def clear(self) -> None:
        self._items.clear()

    def drop_oldest(self, count: int) -> None:
        """Forget the ``count`` oldest items (a retention limit)."""
        del self._items[:count]

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


class Webhook:
    """A webhook the platform emitted: its field, owner WABA, body and time.

    The body is either given built (``payload``) or made when first read: :meth:`later`
    takes a function that builds the ``value``, so a send whose status webhooks nobody
    reads (no webhook target, no assertion) never pays for building them.
    """

    __slots__ = ("_entry_time", "_make_value", "_payload", "created_at", "field", "id",
                 "waba_id")

    def __init__(self, id: str, field: str, waba_id: str, payload: dict[str, Any] | None,
                 created_at: datetime) -> None:
        self.id = id
        self.field = field
        self.waba_id = waba_id
        self.created_at = created_at
        self._payload = payload
        self._make_value: Callable[[], dict[str, Any]] | None = None
        self._entry_time: datetime | None = None

    @classmethod
    def later(cls, id: str, field: str, waba_id: str, created_at: datetime,
              make_value: Callable[[], dict[str, Any]],
              entry_time: datetime | None = None) -> Webhook:
        """A webhook whose envelope around ``make_value()`` is built when first read."""
        webhook = cls.__new__(cls)  # __init__'s fields, each set once
        webhook.id = id
        webhook.field = field
        webhook.waba_id = waba_id
        webhook.created_at = created_at
        webhook._payload = None
        webhook._make_value = make_value
        webhook._entry_time = entry_time
        return webhook

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            make_value, self._make_value = self._make_value, None
            if make_value is None:
                raise RuntimeError(f"webhook {self.id} has no body")
            self._payload = envelope(self.waba_id, self.field, make_value(),
                                     self._entry_time)
        return self._payload

    @property
    def value(self) -> dict[str, Any]:
        value: dict[str, Any] = self.payload["entry"][0]["changes"][0]["value"]
        return value

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "field": self.field, "waba_id": self.waba_id,
                "payload": self.payload, "created_at": self.created_at.isoformat()}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Webhook):
            return NotImplemented
        return (self.id, self.field, self.waba_id, self.created_at, self.payload) == (
            other.id, other.field, other.waba_id, other.created_at, other.payload)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Webhook(id={self.id!r}, field={self.field!r}, waba_id={self.waba_id!r}, "
                f"payload={self.payload!r}, created_at={self.created_at!r})")


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

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "status_code": self.status_code,
                "at": self.at.isoformat(), "api_version": self.api_version,
                "error_code": self.error_code, "implemented": self.implemented}
