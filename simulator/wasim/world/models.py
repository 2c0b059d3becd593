"""Value objects and records of the simulated platform.

Immutable facts (tokens, inbound messages) are frozen dataclasses; records that the
backend updates in place (templates) are plain dataclasses; outbound messages and their
status events are compact classes of ``wasim.world.messages``, re-exported here.
Every class converts to and from JSON for state export/import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from wasim.clock import parse_instant
from wasim.world.messages import OutboundMessage, StatusEvent  # kept compact there


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(value: Any) -> datetime | None:
    return parse_instant(value) if value is not None else None



PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
"""A parameter in a template's text, ``{{1}}`` or ``{{first_name}}`` (spaces allowed
inside the braces); group 1 is its name (§2.2)."""

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


CONTACT_WATCHERS: list[dict[int, Contact]] = []
"""Who is told of every contact made or changed (``wasim serve --data``'s store, which
writes contacts one by one instead of with the whole state): each gets the contact under
its ``id()``. Empty unless a store is writing."""


@dataclass(slots=True)
class Contact:
    """A WhatsApp user known to the world: ``wa_id``, profile name and BSUID (§11)."""

    wa_id: str
    name: str
    user_id: str
    opted_out_marketing: bool = False
    alias: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        for seen in CONTACT_WATCHERS:
            seen[id(self)] = self

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
    shape: Any = field(default=None, init=False, repr=False, compare=False)
    """What the send-time rules read from the template, kept between sends
    (``wasim.rules.template_shape``; not part of the template's state)."""

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
        known = {f.name for f in fields(cls) if f.init}
        return cls(**{k: v for k, v in data.items() if k in known})


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

__all__ = ["Contact", "InboundMessage", "OutboundMessage", "PhoneNumber", "StatusEvent",
           "Template", "Token"]
