"""Recorded calls and events: the assertion surface of a simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from wasim.world.compact import SharedField, interned, shared

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

    ``Webhook(id, field, waba_id, payload, created_at)`` keeps its body built. A
    subclass may keep only what the body is made from and build it on every read
    instead (the status webhooks of ``wasim.platform.webhooks.StatusWebhook``): nothing
    built is kept, so a long run holds a few references per webhook, not a tree of
    dicts, whether or not its webhooks were listed or delivered. Each read answers a
    fresh, equal body.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Webhook:
        # ``Webhook(...)`` makes the kind that keeps its body; a subclass makes itself
        return object.__new__(_BuiltWebhook if cls is Webhook else cls)

    def __init__(self, id: str, field: str, waba_id: str, payload: dict[str, Any] | None,
                 created_at: datetime) -> None:
        built = cast(_BuiltWebhook, self)
        built.id = id
        built.field = field
        built.waba_id = waba_id
        built.created_at = created_at
        built._payload = payload

    @property
    def id(self) -> str:
        raise NotImplementedError

    @property
    def field(self) -> str:
        raise NotImplementedError

    @property
    def waba_id(self) -> str:
        raise NotImplementedError

    @property
    def created_at(self) -> datetime:
        raise NotImplementedError

    @property
    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

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


class _BuiltWebhook(Webhook):
    """A :class:`Webhook` that keeps its body built (what ``Webhook(...)`` makes)."""

    __slots__ = ("_payload", "created_at", "field", "id", "waba_id")
    id: str
    field: str
    waba_id: str
    created_at: datetime
    _payload: dict[str, Any] | None

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            raise RuntimeError(f"webhook {self.id} has no body")
        return self._payload


_Outcome = tuple[int, str | None, int | None, bool]
_OUTCOMES: dict[_Outcome, _Outcome] = {}


class RequestRecord:
    """A Graph API call as the HTTP edge saw it.

    Its method and path are kept as shared strings (every send to one number has the
    same path), and its status, version, error code and ``implemented`` as one tuple
    shared by every call that answered the same: four references per recorded call.
    """

    __slots__ = ("_outcome", "at", "method", "path")

    def __init__(self, method: str, path: str, status_code: int, at: datetime,
                 api_version: str | None = None, error_code: int | None = None,
                 implemented: bool = True) -> None:
        self.method = shared(method)
        self.path = shared(path)
        self.at = at
        self._outcome = interned(_OUTCOMES, (
            status_code, None if api_version is None else shared(api_version), error_code,
            implemented))

    status_code: SharedField[int] = SharedField("_outcome", 0)
    api_version: SharedField[str | None] = SharedField("_outcome", 1)
    error_code: SharedField[int | None] = SharedField("_outcome", 2)
    implemented: SharedField[bool] = SharedField("_outcome", 3)

    def _fields(self) -> tuple[Any, ...]:
        return (self.method, self.path, self.status_code, self.at, self.api_version,
                self.error_code, self.implemented)

    def __eq__(self, other: object) -> bool:
        if type(other) is not RequestRecord:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable

    def __repr__(self) -> str:
        return (f"RequestRecord(method={self.method!r}, path={self.path!r}, "
                f"status_code={self.status_code!r}, at={self.at!r}, "
                f"api_version={self.api_version!r}, error_code={self.error_code!r}, "
                f"implemented={self.implemented!r})")

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "status_code": self.status_code,
                "at": self.at.isoformat(), "api_version": self.api_version,
                "error_code": self.error_code, "implemented": self.implemented}
