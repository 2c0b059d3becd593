"""The records of sent messages and their statuses, kept compact (§5.2).

A served simulator keeps tens of thousands of these; :mod:`wasim.world.compact` has the
small forms they keep. Every read answers what the plain fields answered before
(``wasim.world.models`` re-exports both classes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from wasim.clock import parse_instant
from wasim.world.compact import (
    ConversationRef,
    SharedConversation,
    SharedField,
    conversation_view,
    kept,
    pack_body,
    packed_json,
    shared,
    unpack_body,
)


class StatusEvent:
    """One status an outbound message reached, with what its webhook carried (§5.2).

    Treat as read-only once recorded. ``conversation`` may be kept as the message's
    :class:`~wasim.world.compact.ConversationRef` (shared, not copied); it reads as the
    dict this status's webhook shows (``expiration_timestamp`` on ``sent`` only).
    """

    __slots__ = ("_conversation", "at", "errors", "pricing", "status")

    def __init__(self, status: str, at: datetime, pricing: dict[str, Any] | None = None,
                 conversation: dict[str, Any] | SharedConversation | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        self.status = status
        self.at = at
        self.pricing = pricing
        self._conversation = conversation
        self.errors = errors

    @property
    def conversation(self) -> dict[str, Any] | None:
        shown: dict[str, Any] | None = conversation_view(self._conversation, self.status)
        return shown

    @conversation.setter
    def conversation(self, value: dict[str, Any] | SharedConversation | None) -> None:
        self._conversation = value

    def _fields(self) -> tuple[Any, ...]:
        return (self.status, self.at, self.pricing, self.conversation, self.errors)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusEvent):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"StatusEvent(status={self.status!r}, at={self.at!r}, "
                f"pricing={self.pricing!r}, conversation={self.conversation!r}, "
                f"errors={self.errors!r})")

    def keeps(self, conversation: SharedConversation | None) -> bool:
        """Whether this status keeps ``conversation`` itself (shares the message's)."""
        return conversation is not None and self._conversation is conversation

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "at": self.at.isoformat(), "pricing": self.pricing,
                "conversation": self.conversation, "errors": self.errors}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StatusEvent:
        return cls(d["status"], parse_instant(d["at"]), d.get("pricing"),
                   d.get("conversation"), d.get("errors"))


class MessageProfile(NamedTuple):
    """The fields many messages share, kept once for all of them (:func:`message_profile`)."""

    phone_number_id: str
    waba_id: str
    type: str
    api_version: str
    in_window: bool
    pricing: dict[str, Any] | None
    category: str | None
    template_name: str | None
    template_language: str | None


_PROFILES: dict[tuple[Any, ...], MessageProfile] = {}


def message_profile(phone_number_id: str, waba_id: str, type: str, api_version: str,
                    in_window: bool, pricing: dict[str, Any] | None, category: str | None,
                    template_name: str | None,
                    template_language: str | None) -> MessageProfile:
    """One profile for every message that shares these fields: the sending number and its
    account, the type, the Graph version, whether the window was open, the pricing
    object (one per price, ``wasim.platform.charging``) and the template (a handful in
    any run; :func:`~wasim.world.compact.kept`). The pricing object is a dict, so the key
    names it by ``id()``: the kept profile holds it, so no other object takes its id."""
    key = (phone_number_id, waba_id, type, api_version, in_window,
           None if pricing is None else id(pricing), category, template_name,
           template_language)
    return _PROFILES.get(key) or kept(
        _PROFILES, key, _new_profile, phone_number_id, waba_id, type, api_version, in_window,
        pricing, category, template_name, template_language)


def _new_profile(phone_number_id: str, waba_id: str, type: str, api_version: str,
                 in_window: bool, pricing: dict[str, Any] | None, category: str | None,
                 template_name: str | None, template_language: str | None) -> MessageProfile:
    return MessageProfile(shared(phone_number_id), shared(waba_id), shared(type),
                          shared(api_version), in_window, pricing, category, template_name,
                          template_language)


_MESSAGE_FIELDS = ("id", "phone_number_id", "waba_id", "to", "input", "type", "body",
                   "created_at", "in_window", "category", "template_name",
                   "template_language", "api_version", "pricing",
                   "biz_opaque_callback_data", "conversation", "statuses", "error")


class OutboundMessage:
    """A message the business sent and the platform accepted (HTTP 200 + wamid).

    Kept compact, read as usual (:mod:`wasim.world.compact`): ``body`` is stored as the
    bytes of its JSON and reads as a fresh, equal dict; ``conversation`` as a
    :class:`~wasim.world.compact.ConversationRef` shared with the statuses; ``input``
    not stored when it equals ``to``; short repeated strings (type, Graph version) shared.
    """

    __slots__ = ("_body", "_conversation", "_rare", "created_at", "id", "profile",
                 "statuses", "to")

    def __init__(self, id: str, phone_number_id: str, waba_id: str, to: str, input: str,
                 type: str, body: dict[str, Any], created_at: datetime, in_window: bool,
                 category: str | None = None, template_name: str | None = None,
                 template_language: str | None = None, api_version: str = "",
                 pricing: dict[str, Any] | None = None,
                 biz_opaque_callback_data: str | None = None,
                 conversation: dict[str, Any] | SharedConversation | None = None,
                 statuses: Sequence[StatusEvent] | None = None,
                 error: dict[str, Any] | None = None) -> None:
        self.id = id
        self.to = to
        self.profile = message_profile(phone_number_id, waba_id, type, api_version,
                                       in_window, pricing, category, template_name,
                                       template_language)
        self._body = pack_body(body)
        self.created_at = created_at
        self._conversation = conversation
        self.statuses: tuple[StatusEvent, ...] = () if statuses is None else tuple(statuses)
        """The statuses reached, oldest first (a tuple: a new status makes a new one)."""
        self._rare: tuple[str | None, str | None, dict[str, Any] | None] | None = None
        if input != to or biz_opaque_callback_data is not None or error is not None:
            self._keep_rare(None if input == to else input, biz_opaque_callback_data, error)

    # the fields most messages leave unset share one slot (``_rare``); the number, the
    # type, the version, the window, the pricing and the template another (``profile``,
    # one tuple shared by every message with the same ones)

    def _keep_rare(self, given_input: str | None, callback_data: str | None,
                   error: dict[str, Any] | None) -> None:
        """Keep the rarely set fields (``given_input``: ``None`` when it equals ``to``)."""
        self._rare = (None if given_input is None and callback_data is None and error is None
                      else (given_input, callback_data, error))

    def _given_input(self) -> str | None:
        return None if self._rare is None else self._rare[0]

    @property
    def input(self) -> str:
        """The recipient as the request gave it."""
        rare = self._rare
        return self.to if rare is None or rare[0] is None else rare[0]

    @input.setter
    def input(self, value: str) -> None:
        self._keep_rare(None if value == self.to else value, self.biz_opaque_callback_data,
                        self.error)

    @property
    def biz_opaque_callback_data(self) -> str | None:
        return None if self._rare is None else self._rare[1]

    @biz_opaque_callback_data.setter
    def biz_opaque_callback_data(self, value: str | None) -> None:
        self._keep_rare(self._given_input(), value, self.error)

    @property
    def error(self) -> dict[str, Any] | None:
        """The error of a failed message (its webhook's ``errors[0]``)."""
        return None if self._rare is None else self._rare[2]

    @error.setter
    def error(self, value: dict[str, Any] | None) -> None:
        self._keep_rare(self._given_input(), self.biz_opaque_callback_data, value)

    phone_number_id: SharedField[str] = SharedField("profile", 0)
    waba_id: SharedField[str] = SharedField("profile", 1)
    type: SharedField[str] = SharedField("profile", 2)
    api_version: SharedField[str] = SharedField("profile", 3)
    in_window: SharedField[bool] = SharedField("profile", 4)
    """Whether the customer service window was open when it was sent (§1)."""
    pricing: SharedField[dict[str, Any] | None] = SharedField("profile", 5)
    """The ``pricing`` object of its statuses (§7), the same object for every message
    priced the same."""
    category: SharedField[str | None] = SharedField("profile", 6)
    template_name: SharedField[str | None] = SharedField("profile", 7)
    template_language: SharedField[str | None] = SharedField("profile", 8)

    @property
    def body(self) -> dict[str, Any]:
        """The request body (a fresh, equal dict at every read)."""
        body: dict[str, Any] = unpack_body(self._body)
        return body

    @body.setter
    def body(self, value: dict[str, Any]) -> None:
        self._body = pack_body(value)

    @property
    def conversation(self) -> dict[str, Any] | None:
        """The ``conversation`` object of the ``sent`` status (§5.2), or ``None``."""
        shown: dict[str, Any] | None = conversation_view(self._conversation)
        return shown

    @conversation.setter
    def conversation(self, value: dict[str, Any] | SharedConversation | None) -> None:
        self._conversation = value

    @property
    def conversation_ref(self) -> SharedConversation | None:
        """The conversation as kept, when it is kept in a shared form (its statuses keep
        the same one)."""
        stored = self._conversation
        return None if isinstance(stored, dict) else stored

    @property
    def status(self) -> str:
        """The latest status reached (``accepted`` before the first webhook)."""
        return self.statuses[-1].status if self.statuses else "accepted"

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _MESSAGE_FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OutboundMessage):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _MESSAGE_FIELDS)
        return f"OutboundMessage({shown})"

    def body_json(self) -> str | None:
        """The body's JSON text as kept (``None`` when it is kept as a dict)."""
        return packed_json(self._body)

    def to_dict(self, bare: bool = False) -> dict[str, Any]:
        """The export form; ``bare``: without the body, the conversation (``None``) and
        the statuses (as if none was reached yet), which the store writes its own way."""
        shown = {"id": self.id, "phone_number_id": self.phone_number_id,
                 "waba_id": self.waba_id, "to": self.to, "input": self.input,
                 "type": self.type, "body": None if bare else self.body,
                 "created_at": self.created_at.isoformat(),
                 "in_window": self.in_window, "category": self.category,
                 "template_name": self.template_name,
                 "template_language": self.template_language,
                 "api_version": self.api_version, "pricing": self.pricing,
                 "biz_opaque_callback_data": self.biz_opaque_callback_data,
                 "conversation": None if bare else self.conversation,
                 "status": "accepted" if bare else self.status,
                 "statuses": [] if bare else [s.to_dict() for s in self.statuses],
                 "error": self.error}
        if bare:
            del shown["body"]
        return shown

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OutboundMessage:
        """A message from its export, kept as compact as a sent one: a ``conversation``
        (and each status's) becomes a shared ref where that shows exactly the same."""
        data = {k: v for k, v in d.items() if k != "status"}
        data["created_at"] = parse_instant(data["created_at"])
        statuses = [StatusEvent.from_dict(s) for s in data.get("statuses", [])]
        data["statuses"] = statuses
        ref = ConversationRef.of(data.get("conversation"))
        if ref is not None:
            data["conversation"] = ref
            for event in statuses:
                shown = event.conversation
                if shown is not None and (shown == ref.as_dict(event.status == "sent")
                                          and list(shown) == list(ref.as_dict(
                                              event.status == "sent"))):
                    event.conversation = ref
        return cls(**data)
