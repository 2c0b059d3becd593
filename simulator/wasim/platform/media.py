"""Media of a world (§8): uploads, URLs that expire, downloads, deletes,
and the check that sends by id refer to media that exists.

Files and URLs live in ``world.media`` (a :class:`~wasim.world.parts.MediaState`), so
media survives a state export/import and goes away on reset, like every other part of
the world.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from wasim.core import Core, Feature, locked
from wasim.errors import INVALID_PARAMETER, INVALID_VALUE, GraphError
from wasim.platform.messaging import unknown_object
from wasim.platform.send_hooks import SendAttempt, SendHook
from wasim.rules import media as rules
from wasim.world.parts import MediaFile, MediaUrl

DOWNLOAD_PATH = "/whatsapp_business/attachments/"


def expired_url() -> GraphError:
    """A download with an expired, unknown or deleted URL: HTTP 404 (§8)."""
    return INVALID_PARAMETER(
        message="(#100) The media URL has expired or the media is gone; request a new URL "
        "with GET /{media-id}.", details="", http_status=404)


class MediaStore(Feature, SendHook):
    """The media of the world.

    Args:
        core: The world, the clock, and the ids that mint media ids and URL hashes.
    """

    def __init__(self, core: Core) -> None:
        self._core = core
        self._clock = core.clock
        self._ids = core.ids
        self._last: tuple[SendAttempt, list[tuple[str, str, str]]] | None = None

    def _records(self) -> dict[str, MediaFile]:
        return self._core.world.media.files

    def _urls(self) -> dict[str, MediaUrl]:
        return self._core.world.media.urls

    # --- upload --------------------------------------------------------------------

    @locked
    def upload(self, data: bytes, mime_type: str, phone_number_id: str | None = None, *,
               filename: str | None = None, inbound: bool = False,
               media_id: str | None = None) -> str:
        """Store a file as ``POST /{phone-number-id}/media`` does; returns the media id.

        Args:
            data: The bytes.
            mime_type: One of §8's types (else the Graph 100 error).
            phone_number_id: The number it is uploaded on (default the first).
            filename: Kept for the download's ``Content-Disposition``.
            inbound: Media a customer sent (valid 7 days instead of 30).
            media_id: Pin the id (tests and scenarios that name their media); default a
                fresh one.
        """
        world = self._core.world
        phone = phone_number_id or world.first_phone().id
        if world.phone(phone) is None:
            raise unknown_object(phone)
        mime = rules.normalize_mime(mime_type)
        rules.check_upload(mime, len(data), data)
        now = self._clock.now()
        lifetime = rules.INBOUND_LIFETIME if inbound else rules.UPLOAD_LIFETIME
        if media_id is not None and (not media_id.isdigit() or media_id in self._records()):
            raise INVALID_PARAMETER(f"media id {media_id!r} must be digits and not yet used")
        media_id = media_id or self._ids.numeric(16)
        self._records()[media_id] = MediaFile(
            media_id, phone, mime, hashlib.sha256(data).hexdigest(), len(data), filename,
            "inbound" if inbound else "upload", now, now + lifetime, bytes(data))
        return media_id

    # --- lookups -------------------------------------------------------------------

    def record(self, media_id: str, phone_number_id: str | None = None) -> MediaFile:
        """The live record of ``media_id`` (Graph 100 / 33 when unknown, deleted or
        expired; 100 when ``phone_number_id`` is not the number that uploaded it, which
        is always the case for media a customer sent)."""
        found = self._records().get(media_id)
        if found is None or found.expires_at <= self._clock.now():
            raise unknown_object(media_id, "get")
        if phone_number_id is not None and (phone_number_id != found.phone_number_id
                                            or found.origin == "inbound"):
            raise INVALID_PARAMETER(
                f"Param phone_number_id is not a valid whatsapp business phone number id ID: "
                f"media {media_id} was not uploaded on {phone_number_id}")
        return found

    @locked
    def describe(self, media_id: str, base_url: str,
                 phone_number_id: str | None = None) -> dict[str, Any]:
        """``GET /{media-id}``: a fresh download URL, valid ``media_url_ttl`` seconds."""
        found = self.record(media_id, phone_number_id)
        expires = self._clock.now() + timedelta(seconds=self._core.world.settings.media_url_ttl)
        token = self._ids.token(16)
        self._urls()[token] = MediaUrl(media_id, expires)
        url = (f"{base_url.rstrip('/')}{DOWNLOAD_PATH}?mid={media_id}"
               f"&ext={int(expires.timestamp())}&hash={token}")
        return {"messaging_product": "whatsapp", "url": url, "mime_type": found.mime_type,
                "sha256": found.sha256, "file_size": str(found.file_size), "id": media_id}

    @locked
    def download(self, token: str | None) -> MediaFile:
        """The file behind a URL from :meth:`describe` (404 once it has expired)."""
        url = self._urls().get(token or "")
        if url is None or url.expires_at <= self._clock.now():
            raise expired_url()
        found = self._records().get(url.media_id)
        if found is None:
            raise expired_url()
        return found

    @locked
    def delete(self, media_id: str, phone_number_id: str | None = None) -> dict[str, Any]:
        """``DELETE /{media-id}``: ``{"success": true}``; its URLs stop working."""
        self.record(media_id, phone_number_id)
        del self._records()[media_id]
        for token in [t for t, u in self._urls().items() if u.media_id == media_id]:
            del self._urls()[token]
        return {"success": True}

    @locked
    def info(self, media_id: str) -> dict[str, Any] | None:
        """``sim.media_info``: the media's id, type, hash and size, or ``None``."""
        try:
            found = self.record(media_id)
        except GraphError:
            return None
        return {"id": found.id, "mime_type": found.mime_type, "sha256": found.sha256,
                "file_size": found.file_size}

    # --- sends by id ---------------------------------------------------------------

    def _referenced(self, attempt: SendAttempt) -> list[tuple[str, str, str]]:
        """(message type, path, media id) for each media id the send refers to.

        ``check`` and ``async_failure`` both ask for one send: the answer for the latest
        send is kept, so its body is walked once.
        """
        if self._last is not None and self._last[0] is attempt:
            return self._last[1]
        request = attempt.request
        found: list[tuple[str, str, str]] = []
        if request.type in rules.MEDIA_TYPES and isinstance(request.content, dict):
            if request.content.get("id") is not None:
                found.append((request.type, f"{request.type}.id", str(request.content["id"])))
        elif (request.type in ("template", "interactive") and not request.scalars_only
              and isinstance(request.content, dict) and _names_media_id(request.content)):
            found.extend(_nested_ids(request.content, request.type))
        self._last = (attempt, found)
        return found

    def check(self, attempt: SendAttempt) -> None:
        """A send that names a media id needs live media (else 131009, sync).

        §8: uploaded ids are valid 30 days, customers' media 7 days; deleted media is
        gone. ``link`` media is accepted without fetching anything.
        """
        if not self._core.world.settings.media_checks:
            return
        for _, path, media_id in self._referenced(attempt):
            found = self._records().get(media_id)
            if found is None or found.expires_at <= attempt.now:
                raise INVALID_VALUE(f"Param {path} is not a valid media id: no live media "
                                    f"has id {media_id!r} (never uploaded, deleted or "
                                    "expired).")

    def async_failure(self, attempt: SendAttempt, in_window: bool,
                      category: str | None) -> GraphError | None:
        if not self._core.world.settings.media_checks:
            return None
        for message_type, _, media_id in self._referenced(attempt):
            found = self._records().get(media_id)
            if found is not None:
                error = rules.fits_message(message_type, found.mime_type)
                if error is not None:
                    return error
        return None


_MEDIA_KEYS = frozenset(rules.MEDIA_TYPES)


def _names_media_id(content: dict[str, Any]) -> bool:
    """Whether any media object with an ``id`` sits anywhere inside ``content``: the
    walk of :func:`_nested_ids` without the paths it builds, which most template and
    interactive sends (no media, or media by ``link``) end with."""
    pending: list[Any] = [content]
    while pending:
        node = pending.pop()
        if type(node) is dict:
            for key, value in node.items():
                if type(value) is dict:
                    if key in _MEDIA_KEYS and value.get("id") is not None:
                        return True
                    pending.append(value)
                elif type(value) is list:
                    pending.extend(value)
        elif type(node) is list:
            pending.extend(node)
    return False


def _nested_ids(content: dict[str, Any], root: str) -> list[tuple[str, str, str]]:
    """Media ids inside template parameters or interactive headers."""
    found: list[tuple[str, str, str]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in rules.MEDIA_TYPES and isinstance(value, dict) \
                        and value.get("id") is not None:
                    found.append((key, f"{path}.{key}.id", str(value["id"])))
                else:
                    walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(content, root)
    return found
