"""GraphError → the Graph error response (§4.1), and the answers for unknown paths."""

from __future__ import annotations

from starlette.responses import JSONResponse

from wasim.errors import UNKNOWN_PATH, GraphError

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
