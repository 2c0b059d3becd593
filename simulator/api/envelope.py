"""GraphError → the Graph error response (§4.1), and the answers for unknown paths."""

from __future__ import annotations

from starlette.responses import JSONResponse

from simulator.errors import UNKNOWN_PATH, GraphError

SUPPORTED_HINT = "See the README's 'Supported endpoints' table for what wasim implements."


def error_response(error: GraphError, fbtrace_id: str) -> JSONResponse:
    """The Graph error envelope with its HTTP status and the trace id header."""
    return JSONResponse(error.envelope(fbtrace_id), status_code=error.http_status,
                        headers={"x-fb-trace-id": fbtrace_id,
                                 "www-authenticate": 'OAuth "Facebook Platform" '
                                 f'"{_auth_kind(error)}" "{error.message}"'})


def _auth_kind(error: GraphError) -> str:
    return "invalid_token" if error.code == 190 else "invalid_request"


def unknown_path(method: str, path: str) -> GraphError:
    """Graph's refusal of a path it does not know, naming method and path (code 2500)."""
    return UNKNOWN_PATH(
        message=f"Unknown path components: {path}",
        details=f"wasim does not implement {method} {path}. {SUPPORTED_HINT}",
    )
