"""The typed state of each platform feature, held by the :class:`~wasim.world.state.World`.

One dataclass per feature (media, pricing, status progression, app subscriptions,
template bookkeeping), so mypy sees every field and a state export carries it. Each
converts to and from JSON for export/import.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wasim.clock import parse_instant


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(value: Any) -> datetime | None:
    return parse_instant(value) if value else None


@dataclass(slots=True)
class MediaFile:
    """An uploaded file, or media a customer sent (§8)."""

    id: str
    phone_number_id: str
    mime_type: str
    sha256: str
    file_size: int
    filename: str | None
    origin: str
    """``upload`` (the business uploaded it) or ``inbound`` (a customer sent it)."""
    created_at: datetime
    expires_at: datetime
    data: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "phone_number_id": self.phone_number_id,
                "mime_type": self.mime_type, "sha256": self.sha256,
                "file_size": self.file_size, "filename": self.filename,
                "origin": self.origin, "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat(),
                "data": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MediaFile:
        return cls(d["id"], d["phone_number_id"], d["mime_type"], d["sha256"],
                   int(d["file_size"]), d.get("filename"), d["origin"],
                   parse_instant(d["created_at"]), parse_instant(d["expires_at"]),
                   base64.b64decode(d["data"]))


@dataclass(slots=True)
class MediaUrl:
    """A download URL handed out by ``GET /{media-id}``, valid until ``expires_at``."""

    media_id: str
    expires_at: datetime


@dataclass(slots=True)
class MediaState:
    """The media feature: files by media id, download URLs by their hash token."""

    files: dict[str, MediaFile] = field(default_factory=dict)
    urls: dict[str, MediaUrl] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files.values()],
                "urls": {token: {"media_id": u.media_id, "expires_at": u.expires_at.isoformat()}
                         for token, u in self.urls.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MediaState:
        files = [MediaFile.from_dict(f) for f in d.get("files", [])]
        return cls({f.id: f for f in files},
                   {token: MediaUrl(u["media_id"], parse_instant(u["expires_at"]))
                    for token, u in d.get("urls", {}).items()})


@dataclass(slots=True)
class FreeEntryPoint:
    """A free entry point window of one customer with one number (§7.3): when the
    ad-referral message came and, once the business replied, when the window opened."""

    referral_at: datetime | None
    opened_at: datetime | None = None
    id: str | None = None
    expires_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"referral_at": _iso(self.referral_at), "opened_at": _iso(self.opened_at),
                "id": self.id, "expires_at": _iso(self.expires_at)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FreeEntryPoint:
        return cls(_at(d.get("referral_at")), _at(d.get("opened_at")), d.get("id"),
                   _at(d.get("expires_at")))


@dataclass(slots=True)
class Conversation:
    """An open conversation of the conversation-based pricing model (§7.2)."""

    id: str
    category: str
    opened_at: datetime
    expires_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category,
                "opened_at": self.opened_at.isoformat(),
                "expires_at": self.expires_at.isoformat()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Conversation:
        return cls(d["id"], d["category"], parse_instant(d["opened_at"]),
                   parse_instant(d["expires_at"]))


@dataclass(slots=True)
class PricingState:
    """The charging feature, keyed ``"{phone_number_id}:{wa_id}"``: free entry point
    windows and open CBP conversations."""

    fep: dict[str, FreeEntryPoint] = field(default_factory=dict)
    conversations: dict[str, list[Conversation]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"fep": {k: e.to_dict() for k, e in self.fep.items()},
                "conversations": {k: [c.to_dict() for c in v]
                                  for k, v in self.conversations.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PricingState:
        return cls({k: FreeEntryPoint.from_dict(e) for k, e in d.get("fep", {}).items()},
                   {k: [Conversation.from_dict(c) for c in v]
                    for k, v in d.get("conversations", {}).items()})


@dataclass(slots=True)
class TemplateBook:
    """The template feature's WABA-wide bookkeeping (§2.4): recent creation times per
    WABA (the hourly creation limit) and when each approved template name was deleted
    (a deleted name is blocked for 30 days)."""

    creations: dict[str, list[datetime]] = field(default_factory=dict)
    deleted_names: dict[str, dict[str, datetime]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"creations": {w: [t.isoformat() for t in times]
                              for w, times in self.creations.items()},
                "deleted_names": {w: {n: t.isoformat() for n, t in names.items()}
                                  for w, names in self.deleted_names.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TemplateBook:
        return cls({w: [parse_instant(t) for t in times]
                    for w, times in d.get("creations", {}).items()},
                   {w: {n: parse_instant(t) for n, t in names.items()}
                    for w, names in d.get("deleted_names", {}).items()})


Delays = dict[str, float | None]
"""``delivered_after`` and/or ``read_after`` seconds of one customer's progression."""


def legacy_parts(extra: dict[str, Any]) -> dict[str, Any]:
    """The parts of a format-1 export's ``world.extra`` bag, in format 2's shape."""
    media = {"files": list(extra.get("media", {}).values()),
             "urls": extra.get("media_urls", {})}
    templates = {"creations": extra.get("template_creations", {}),
                 "deleted_names": extra.get("deleted_template_names", {})}
    return {"media": media,
            "pricing": {"fep": extra.get("fep", {}),
                        "conversations": extra.get("conversations", {})},
            "progression": extra.get("progression", {}),
            "subscribed_apps": extra.get("subscribed_apps", {}),
            "template_book": templates}
