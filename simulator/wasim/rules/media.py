"""Media rules (§8): accepted MIME types, size limits, lifetimes.

Pure checks: the :class:`~wasim.platform.media.MediaStore` calls them with what it knows.
"""

from __future__ import annotations

from datetime import timedelta

from wasim.errors import INVALID_PARAMETER, MEDIA_UPLOAD, GraphError

MB = 1024 * 1024
KB = 1024
AUDIO = ("audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg")
"""§8: OPUS audio travels as ``audio/ogg``; ``audio/opus`` itself is not on the list."""
DOCUMENT = (
    "application/vnd.ms-powerpoint", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf", "text/plain", "application/vnd.ms-excel",
)
IMAGE = ("image/jpeg", "image/png")
STICKER = ("image/webp",)
VIDEO = ("video/mp4", "video/3gpp")
ACCEPTED = AUDIO + DOCUMENT + IMAGE + STICKER + VIDEO
"""Every MIME type the upload endpoint takes, in the order Graph lists them."""

MAX_BYTES = {"audio": 16 * MB, "document": 100 * MB, "image": 5 * MB,
             "sticker": 100 * KB, "video": 16 * MB}
ANIMATED_STICKER_BYTES = 500 * KB
"""§8: a static sticker may be 100 KB, an animated one 500 KB."""
UPLOAD_LIFETIME = timedelta(days=30)
INBOUND_LIFETIME = timedelta(days=7)
MEDIA_TYPES = ("audio", "document", "image", "sticker", "video")


def normalize_mime(value: str | None) -> str:
    """``image/JPEG; q=1`` → ``image/jpeg``."""
    return (value or "").split(";")[0].strip().lower()


def kind_of(mime_type: str) -> str | None:
    """The media kind (``image``, ``audio`` ...) of an accepted MIME type."""
    for kind, types in (("audio", AUDIO), ("document", DOCUMENT), ("image", IMAGE),
                        ("sticker", STICKER), ("video", VIDEO)):
        if mime_type in types:
            return kind
    return None


def is_animated_webp(data: bytes) -> bool:
    """Whether ``data`` is an animated WebP: a RIFF/WEBP file whose ``VP8X`` header has
    the animation flag (bit 1 of the byte after the chunk size), as the WebP container
    specification lays it out. Anything else counts as static."""
    return (len(data) > 20 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"
            and data[12:16] == b"VP8X" and bool(data[20] & 0x02))


def max_bytes(kind: str, data: bytes = b"") -> int:
    """The largest file of ``kind`` §8 takes (an animated sticker 500 KB, a static 100 KB)."""
    if kind == "sticker" and is_animated_webp(data):
        return ANIMATED_STICKER_BYTES
    return MAX_BYTES[kind]


def check_upload(mime_type: str, size: int, data: bytes = b"") -> str:
    """Refuse an upload Graph refuses; answer the media kind.

    §8 (M-MEDIA): only the listed MIME types (else 100 "Param file must be a file with
    one of the following types: … Received file of type '…'"; ``audio/opus`` is not one,
    OPUS audio is ``audio/ogg``), and each kind's maximum size (image 5 MB, audio/video
    16 MB, document 100 MB, sticker 100 KB static and 500 KB animated, told apart by the
    WebP header in ``data``).

    Simulator deviation: an oversized file is refused at upload with 131053 (the
    platform may accept it and fail the send later); image contents are not decoded.
    """
    kind = kind_of(mime_type)
    if kind is None:
        raise INVALID_PARAMETER(
            message="(#100) Param file must be a file with one of the following types: "
            f"{', '.join(ACCEPTED)}. Received file of type '{mime_type}'.", details="")
    if size == 0:
        raise INVALID_PARAMETER("Param file must not be empty.")
    limit = max_bytes(kind, data)
    if size > limit:
        raise MEDIA_UPLOAD(f"The {kind} file is {size} bytes; {mime_type} media may be at "
                           f"most {limit} bytes.")
    return kind


def fits_message(message_type: str, mime_type: str) -> GraphError | None:
    """A media id sent as ``message_type`` must carry a MIME type that type takes.

    §8: images are JPEG/PNG, stickers WebP, audio and video their own lists; a document
    may carry any accepted file. A mismatch fails the message with 131053 (async).
    """
    kind = kind_of(mime_type)
    if message_type == "document" or kind == message_type:
        return None
    return MEDIA_UPLOAD(f"Media of type {mime_type} cannot be sent as a {message_type} "
                        "message.")
