"""Value objects and records of the simulated platform.

Immutable facts (tokens, status events, inbound messages) are frozen dataclasses; records
that the backend updates in place (templates, outbound messages) are plain dataclasses.
Every class converts to and from JSON for state export/import.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from wasim.clock import parse_instant
from wasim.world.compact import (
    ConversationRef,
    SharedConversation,
    conversation_view,
    pack_body,
    shared,
    unpack_body,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(value: Any) -> datetime | None:
    return parse_instant(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class Token:
    """An access token with its permission scopes and optional expiry (§9)."""

    value: str
    scopes: frozenset[str] = frozenset({"messaging", "management"})
    expires_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "scopes": sorted(self.scopes),
                "expires_at": _iso(self.expires_at)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Token:
        return cls(d["value"], frozenset(d["scopes"]), _at(d.get("expires_at")))


@dataclass(slots=True)
class PhoneNumber:
    """A business phone number of a WABA."""

    id: str
    display_phone_number: str
    verified_name: str
    waba_id: str
    quality_rating: str = "GREEN"
    registered: bool = True
    throughput: int = 80
    pin: str | None = None
    """The two-step verification PIN set by the first registration."""
    registration_attempts: list[datetime] = field(default_factory=list)
    """Recent (de)registrations (at most 10 in 72 hours)."""
    profile: dict[str, Any] = field(default_factory=dict)
    """The business profile fields set so far."""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "display_phone_number": self.display_phone_number,
                "verified_name": self.verified_name, "waba_id": self.waba_id,
                "quality_rating": self.quality_rating, "registered": self.registered,
                "throughput": self.throughput, "pin": self.pin,
                "registration_attempts": [a.isoformat() for a in self.registration_attempts],
                "profile": self.profile}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PhoneNumber:
        data = dict(d)
        data.update(data.pop("extra", None) or {})  # a format-1 export
        known = {"id", "display_phone_number", "verified_name", "waba_id", "quality_rating",
                 "registered", "throughput", "pin", "profile"}
        phone = cls(**{k: v for k, v in data.items() if k in known})
        phone.registration_attempts = [parse_instant(a)
                                       for a in data.get("registration_attempts", [])]
        return phone


@dataclass(slots=True)
class Contact:
    """A WhatsApp user known to the world: ``wa_id``, profile name and BSUID (§11)."""

    wa_id: str
    name: str
    user_id: str
    opted_out_marketing: bool = False
    alias: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"wa_id": self.wa_id, "name": self.name, "user_id": self.user_id,
                "opted_out_marketing": self.opted_out_marketing, "alias": self.alias}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Contact:
        return cls(**d)


@dataclass(slots=True)
class Template:
    """A message template of a WABA as the management API shows it (§2)."""

    id: str
    name: str
    language: str
    category: str
    status: str
    components: list[dict[str, Any]]
    parameter_format: str = "POSITIONAL"
    previous_category: str | None = None
    correct_category: str | None = None
    sub_category: str | None = None
    rejected_reason: str | None = None
    quality_score: str = "UNKNOWN"
    created_at: datetime | None = None
    requested_category: str | None = None
    """The category the business asked for (create or last edit; review may change it)."""
    revision: int = 0
    """Edits so far: a review scheduled for an older revision does not apply."""
    edits: list[datetime] = field(default_factory=list)
    message_send_ttl_seconds: Any = None
    decision: dict[str, Any] | None = None
    """Which rule (or control verb) decided the status, as ``decision()`` shows it."""
    pauses: int = 0
    flagged: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "language": self.language,
                "category": self.category, "status": self.status,
                "components": self.components, "parameter_format": self.parameter_format,
                "previous_category": self.previous_category,
                "correct_category": self.correct_category,
                "sub_category": self.sub_category, "rejected_reason": self.rejected_reason,
                "quality_score": self.quality_score, "created_at": _iso(self.created_at),
                "requested_category": self.requested_category, "revision": self.revision,
                "edits": [e.isoformat() for e in self.edits],
                "message_send_ttl_seconds": self.message_send_ttl_seconds,
                "decision": self.decision, "pauses": self.pauses, "flagged": self.flagged}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Template:
        data = dict(d)
        data.update(data.pop("extra", None) or {})  # a format-1 export
        data["created_at"] = _at(data.get("created_at"))
        data["edits"] = [parse_instant(e) for e in data.get("edits") or []]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


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

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "at": self.at.isoformat(), "pricing": self.pricing,
                "conversation": self.conversation, "errors": self.errors}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StatusEvent:
        return cls(d["status"], parse_instant(d["at"]), d.get("pricing"),
                   d.get("conversation"), d.get("errors"))


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

    __slots__ = ("_body", "_conversation", "_input", "api_version",
                 "biz_opaque_callback_data", "category", "created_at", "error", "id",
                 "in_window", "phone_number_id", "pricing", "statuses", "template_language",
                 "template_name", "to", "type", "waba_id")

    def __init__(self, id: str, phone_number_id: str, waba_id: str, to: str, input: str,
                 type: str, body: dict[str, Any], created_at: datetime, in_window: bool,
                 category: str | None = None, template_name: str | None = None,
                 template_language: str | None = None, api_version: str = "",
                 pricing: dict[str, Any] | None = None,
                 biz_opaque_callback_data: str | None = None,
                 conversation: dict[str, Any] | SharedConversation | None = None,
                 statuses: list[StatusEvent] | None = None,
                 error: dict[str, Any] | None = None) -> None:
        self.id = id
        self.phone_number_id = phone_number_id
        self.waba_id = waba_id
        self.to = to
        self._input = None if input == to else input
        self.type = shared(type)
        self._body = pack_body(body)
        self.created_at = created_at
        self.in_window = in_window
        self.category = category
        self.template_name = template_name
        self.template_language = template_language
        self.api_version = shared(api_version)
        self.pricing = pricing
        self.biz_opaque_callback_data = biz_opaque_callback_data
        self._conversation = conversation
        self.statuses = [] if statuses is None else statuses
        self.error = error

    @property
    def input(self) -> str:
        """The recipient as the request gave it."""
        return self.to if self._input is None else self._input

    @input.setter
    def input(self, value: str) -> None:
        self._input = None if value == self.to else value

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

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "phone_number_id": self.phone_number_id,
                "waba_id": self.waba_id, "to": self.to, "input": self.input,
                "type": self.type, "body": self.body, "created_at": self.created_at.isoformat(),
                "in_window": self.in_window, "category": self.category,
                "template_name": self.template_name,
                "template_language": self.template_language, "api_version": self.api_version,
                "pricing": self.pricing,
                "biz_opaque_callback_data": self.biz_opaque_callback_data,
                "conversation": self.conversation,
                "status": self.status,
                "statuses": [s.to_dict() for s in self.statuses], "error": self.error}

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


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message a customer sent to a business number (§5.1)."""

    id: str
    phone_number_id: str
    from_wa_id: str
    type: str
    message: dict[str, Any]
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "phone_number_id": self.phone_number_id,
                "from": self.from_wa_id, "type": self.type, "message": self.message,
                "at": self.at.isoformat()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> InboundMessage:
        return cls(d["id"], d["phone_number_id"], d["from"], d["type"], d["message"],
                   parse_instant(d["at"]))
