"""GraphError → the Graph error response (§4.1), and the answers for unknown paths."""

from __future__ import annotations

from starlette.responses import JSONResponse

from wasim.errors import INVALID_PARAMETER, UNKNOWN_PATH, GraphError
from wasim.world.state import World

SUPPORTED_HINT = "See docs/reference/endpoints.md in wasim's documentation for what it implements."


def error_response(error: GraphError, fbtrace_id: str) -> JSONResponse:
    """The Graph error envelope with its HTTP status and the trace id header."""
    return JSONResponse(error.envelope(fbtrace_id), status_code=error.http_status,
                        headers={"x-fb-trace-id": fbtrace_id,
                                 "www-authenticate": 'OAuth "Facebook Platform" '
                                 f'"{_auth_kind(error)}" "{header_text(error.message)}"'})


HEADER_TEXT_MAX = 200
"""Most characters of a message copied into a header (``WWW-Authenticate``): a message
may echo a request field of any length, and a header line of hundreds of kilobytes is
more than HTTP clients parse (the body carries the whole message)."""


def header_text(text: str) -> str:
    """``text`` made safe inside a quoted header value: a message may echo a request path
    with any character in it, while a header value allows no control characters and
    nothing outside Latin-1, and a quoted string ends at ``"``. Printable ASCII stays;
    ``"`` and ``\\`` get a backslash; anything else becomes ``\\uXXXX``. Cut to
    :data:`HEADER_TEXT_MAX` characters (``...`` marks the cut)."""
    if len(text) > HEADER_TEXT_MAX:
        text = text[:HEADER_TEXT_MAX - 3] + "..."
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def _auth_kind(error: GraphError) -> str:
    return "invalid_token" if error.code == 190 else "invalid_request"


def unknown_path(method: str, path: str) -> GraphError:
    """Graph's refusal of a path it does not know, naming method and path (code 2500)."""
    return UNKNOWN_PATH(
        message=f"Unknown path components: {path}",
        details=f"wasim does not implement {method} {path}. {SUPPORTED_HINT}",
    )


def object_kind(world: World, object_id: str) -> str | None:
    """What ``object_id`` names in the world (a WABA, a phone number, a template, a media
    item), or ``None`` when nothing has that id."""
    if object_id in world.accounts:
        return "WhatsAppBusinessAccount"
    if world.phone(object_id) is not None:
        return "WhatsAppBusinessPhoneNumber"
    if object_id in world.media.files:
        return "WhatsAppBusinessMedia"
    for account in world.accounts.values():
        if object_id in account.templates:
            return "WhatsAppMessageTemplate"
    return None


def missing_object(world: World, method: str, path: str, object_id: str) -> GraphError:
    """The refusal of a path whose object is not served there.

    An id that names nothing is Graph's 100/33 "Unsupported <method> request", naming the
    request's own method (GET, DELETE, POST). An id the world knows, on an edge or method
    wasim does not serve for it, is not "does not exist" (that tells the integrator their
    id is wrong): it is the 2500 of a path wasim does not implement, which the pytest
    plugin's unimplemented-endpoint check reports.
    """
    kind = object_kind(world, object_id)
    if kind is not None:
        error = unknown_path(method, path)
        error.details = (f"{object_id} is a {kind}; wasim does not implement {method} {path}. "
                         f"{SUPPORTED_HINT}")
        return error
    return INVALID_PARAMETER(
        message=(f"Unsupported {method.lower()} request. Object with ID '{object_id}' does "
                 "not exist, cannot be loaded due to missing permissions, or does not support "
                 "this operation."),
        details="", subcode=33)


def names_missing_object(error: GraphError, object_id: str | None) -> bool:
    """Whether ``error`` is the 100/33 refusal of the path's own object."""
    return (object_id is not None and error.code == 100 and error.subcode == 33
            and f"'{object_id}'" in error.message)
