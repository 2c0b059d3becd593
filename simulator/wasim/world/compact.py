"""Compact forms of what every stored message keeps, so a long run stays small (§5.2, §7).

A served simulator keeps tens of thousands of messages; each is read rarely (a listing,
an export, a webhook built for delivery) and written once. So the records keep small
forms and build the usual dicts when read, every read answering an equal value:

- :class:`ConversationRef` (any :class:`SharedConversation`): a ``conversation``
  object (§5.2) as its id, expiry and origin; shared by a message and its statuses,
  shown with ``expiration_timestamp`` on ``sent`` only.
- :func:`pack_body` / :func:`unpack_body`: a request body as the bytes of its JSON (with
  orjson, a dependency on CPython; without it the dict is kept as it is).
- :func:`shared`: one string object for the many equal short strings (message types,
  Graph versions, request paths), from a bounded table; :func:`interned`: the same for
  tuples of fields many records share, read back through :class:`SharedField`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, cast, overload

try:
    import orjson
except ImportError:  # another interpreter than CPython: bodies are kept as given
    orjson = None  # type: ignore[assignment]


class ConversationRef(NamedTuple):
    """A ``conversation`` object of §5.2 as three fields (a tuple, about 64 bytes, where
    the dict form takes about 500)."""

    id: str
    expires: int
    """``expiration_timestamp`` as Unix seconds."""
    origin: str
    """``origin.type``."""

    def as_dict(self, with_expiration: bool = True) -> dict[str, Any]:
        """The object as statuses carry it: ``expiration_timestamp`` only on ``sent``."""
        if with_expiration:
            return {"id": self.id, "expiration_timestamp": str(self.expires),
                    "origin": {"type": self.origin}}
        return {"id": self.id, "origin": {"type": self.origin}}

    @classmethod
    def of(cls, value: Any) -> ConversationRef | None:
        """The ref that shows exactly ``value`` (keys in the same order), if there is one:
        for records loaded from an export."""
        if (type(value) is not dict or list(value) != ["id", "expiration_timestamp", "origin"]
                or not isinstance(value["id"], str)):
            return None
        expires, origin = value["expiration_timestamp"], value["origin"]
        if (type(expires) is not str or not expires.isdigit() or str(int(expires)) != expires
                or type(origin) is not dict or list(origin) != ["type"]
                or type(origin["type"]) is not str):
            return None
        return cls(value["id"], int(expires), origin["type"])


class SharedConversation(Protocol):
    """A ``conversation`` kept in a compact form that a message and its statuses share:
    :class:`ConversationRef`, or a form that works its fields out when read (the
    per-message conversations of ``wasim.platform.charging``)."""

    def as_dict(self, with_expiration: bool = True) -> dict[str, Any]:
        """The object as statuses carry it: ``expiration_timestamp`` only on ``sent``."""
        ...


def conversation_view(value: Any, status: str | None = None) -> Any:
    """What a record shows of its stored ``conversation`` (a shared form, a dict or
    ``None``); ``status``: as that status's webhook shows it (expiry on ``sent``
    only)."""
    if value is None or type(value) is dict:
        return value
    return value.as_dict(status is None or status == "sent")


_BODY_OPTIONS = 0 if orjson is None else (
    orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS)
"""orjson refuses (so the dict is kept) what it would otherwise write as something else:
subclasses of str/int/dict/list, datetimes, dataclasses."""


_USUAL_START = b'{"messaging_product":"whatsapp"'
"""How almost every send body's JSON starts: kept once here, not in every message."""
_USUAL_CUT = len(_USUAL_START)


def pack_body(body: Any) -> Any:
    """``body`` as the bytes of its JSON (about a fifth of the dict's memory), or
    ``body`` itself when it is no JSON object orjson writes as it is (or orjson is not
    installed).

    The bytes kept leave out how the JSON starts: ``{"messaging_product":"whatsapp"``
    when it starts so and goes on (what is kept then starts with the comma after it),
    else only the opening ``{`` (what is kept then starts with a quote, or is the closing
    brace). The slice is also what copies the bytes out of the 4 KB
    buffer orjson writes into. Read back, a tuple in the body reads as a list and a NaN
    as ``None``, as any JSON of it would show them (neither comes through HTTP).
    """
    if orjson is None or type(body) is not dict:
        return body
    try:
        raw = orjson.dumps(body, option=_BODY_OPTIONS)
    except orjson.JSONEncodeError:
        return body
    if raw.startswith(_USUAL_START) and raw[_USUAL_CUT] == 44:  # a comma follows
        return raw[_USUAL_CUT:]
    return raw[1:]


def unpack_body(stored: Any) -> Any:
    """The body :func:`pack_body` kept, as a fresh dict (equal at every read)."""
    if type(stored) is not bytes:
        return stored
    if stored[0] == 44:  # a comma: the usual start was cut
        return orjson.loads(_USUAL_START + stored)
    return orjson.loads(b"{" + stored)


def packed_json(stored: Any) -> str | None:
    """The JSON text of a body :func:`pack_body` kept as bytes (``None``: kept as is)."""
    if type(stored) is not bytes:
        return None
    whole = _USUAL_START + stored if stored[0] == 44 else b"{" + stored
    return whole.decode()


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
KEPT_LIMIT = 4096
"""How many values one table of :func:`kept` (and so :func:`interned`, :func:`shared`)
holds at most."""


def kept(table: dict[K, V], key: K, make: Callable[..., V], *args: Any) -> V:
    """The value ``table`` holds for ``key``, made by ``make(*args)`` the first time and
    kept while the table has room (:data:`KEPT_LIMIT`): past that each call makes its own,
    so unbounded keys (paths with ids, error texts) cannot grow a table without limit.

    The tables are process-wide caches of values that never change (a pricing object, a
    tuple of shared fields, a string), not simulation state: equal keys give equal values
    in every simulator."""
    found = table.get(key)
    if found is None:
        found = make(*args)
        if len(table) < KEPT_LIMIT:
            table[key] = found
    return found


def _itself(value: V) -> V:
    return value


def interned(table: dict[K, K], fields: K) -> K:
    """One object for equal ``fields`` (a tuple of what many records share: an outcome, a
    version), the first one seen (:func:`kept`; the lookup first, a tuple of fields is
    never empty)."""
    return table.get(fields) or kept(table, fields, _itself, fields)


_SHARED: dict[str, str] = {}


def shared(value: str) -> str:
    """One object for equal strings (``text``, ``v23.0``, a request path): the first one
    seen (:func:`kept`; a subclass of ``str`` is not kept)."""
    found = _SHARED.get(value)
    if found is not None:
        return found
    return kept(_SHARED, value, _itself, value) if type(value) is str else value


class SharedField(Generic[T]):
    """A read-only field kept in a shared tuple of its record (``record.<holder>[index]``):
    declared like a plain field, read like one."""

    __slots__ = ("holder", "index")

    def __init__(self, holder: str, index: int) -> None:
        self.holder = holder
        self.index = index

    @overload
    def __get__(self, record: None, owner: type[Any] | None = None) -> SharedField[T]: ...

    @overload
    def __get__(self, record: object, owner: type[Any] | None = None) -> T: ...

    def __get__(self, record: object | None,
                owner: type[Any] | None = None) -> T | SharedField[T]:
        if record is None:
            return self
        return cast(T, getattr(record, self.holder)[self.index])
