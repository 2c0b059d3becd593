"""Media endpoints (§8): upload, URL, download, delete.

Uploads are ``multipart/form-data`` parsed by Starlette (python-multipart); the
``messaging_product`` may be a form field or a query parameter (§11).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wasim.api import objects
from wasim.api.auth import bearer, check_token, require_scope
from wasim.api.control import control
from wasim.api.envelope import error_response
from wasim.api.errorlog import log_unexpected
from wasim.api.graph import graph_endpoint, json_body, sim_of
from wasim.errors import API_UNKNOWN, INVALID_PARAMETER, GraphError
from wasim.platform.media import DOWNLOAD_PATH
from wasim.rules.media import normalize_mime
from wasim.simulation import Simulator


async def upload(sim: Simulator, request: Request) -> Any:
    """``POST /{version}/{phone-number-id}/media``: ``{"id": "<media id>"}``."""
    try:
        async with request.form() as form:
            product = form.get("messaging_product") or request.query_params.get(
                "messaging_product")
            if not product:
                raise INVALID_PARAMETER("The parameter messaging_product is required.")
            if product != "whatsapp":
                raise INVALID_PARAMETER("Param messaging_product must be 'whatsapp'.")
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise INVALID_PARAMETER("The parameter file is required.")
            declared = form.get("type")
            mime = normalize_mime(declared if isinstance(declared, str) else file.content_type)
            data = await file.read()
            filename = file.filename
    except GraphError:
        raise
    except Exception:
        raise INVALID_PARAMETER("The request body is not valid multipart/form-data.") from None
    media_id = sim.media.upload(data, mime, request.path_params["object_id"],
                                filename=filename)
    return {"id": media_id}


def _is_media(sim: Simulator, object_id: str) -> bool:
    return object_id in sim.world.media.files


async def media_get(sim: Simulator, request: Request, object_id: str) -> Any:
    """``GET /{media-id}[?phone_number_id=]``: url, mime_type, sha256, file_size, id."""
    if not _is_media(sim, object_id):
        return None
    require_scope(request.state.token, "messaging")
    base = str(request.base_url)
    return sim.media.describe(object_id, base, request.query_params.get("phone_number_id"))


async def media_delete(sim: Simulator, request: Request, object_id: str) -> Any:
    """``DELETE /{media-id}[?phone_number_id=]``: ``{"success": true}``."""
    if not _is_media(sim, object_id):
        return None
    require_scope(request.state.token, "messaging")
    return sim.media.delete(object_id, request.query_params.get("phone_number_id"))


async def download(request: Request) -> Response:
    """The URL of ``GET /{media-id}``: the bytes, only with a valid token (§8)."""
    sim = sim_of(request)
    try:
        token = bearer(request.headers.get("authorization"),
                       request.query_params.get("access_token"))
        check_token(sim.world, token, sim.clock.now, None)
        record = sim.media.download(request.query_params.get("hash"))
    except GraphError as error:
        return error_response(error, sim._core.ids.fbtrace_id())
    except Exception as exc:  # a bug of ours: an envelope, and the traceback logged
        trace = sim._core.ids.fbtrace_id()
        log_unexpected(exc, trace, f"GET {request.url.path}")
        return error_response(API_UNKNOWN(), trace)
    headers = {"content-disposition": content_disposition(record.filename or record.id)}
    return Response(record.data, media_type=_header_safe(record.mime_type), headers=headers)


FILENAME_MAX = 255
"""Most characters of a stored filename sent back in ``Content-Disposition``."""
_ATTR_CHARS = "!#$&+-.^_`|~"


def content_disposition(name: str) -> str:
    """``attachment`` with ``name`` as RFC 6266 sends it: ``filename="..."`` for every
    client (printable ASCII; ``"`` and ``\\`` escaped, anything else ``_``) and
    ``filename*=UTF-8''...`` with the name itself, percent-encoded. The name is stored
    as uploaded; what is sent is cut to :data:`FILENAME_MAX` characters."""
    name = name[:FILENAME_MAX]
    fallback = "".join(
        ("\\" + char) if char in '"\\' else char if " " <= char <= "~" else "_"
        for char in name)
    encoded = quote(name.encode("utf-8", "replace"), safe=_ATTR_CHARS)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _header_safe(mime: str) -> str:
    """A stored MIME type as a header value (printable ASCII only)."""
    return "".join(char for char in mime if " " <= char <= "~") or "application/octet-stream"


async def control_media(sim: Simulator, request: Request) -> Any:
    """``POST /_sim/media``: store media directly (for inbound media of customers)."""
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("mime_type"), str):
        raise INVALID_PARAMETER("give mime_type and text or base64 (a JSON object)")
    if isinstance(body.get("text"), str):
        data = body["text"].encode("utf-8")
    else:
        try:
            data = base64.b64decode(str(body.get("base64", "")), validate=True)
        except (binascii.Error, ValueError):
            raise INVALID_PARAMETER("base64 is not valid base64") from None
    for key in ("filename", "phone_number_id", "id"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise INVALID_PARAMETER(f"{key} must be a string")
    media_id = sim.media.upload(data, body["mime_type"], body.get("phone_number_id"),
                                filename=body.get("filename"),
                                inbound=bool(body.get("inbound", False)),
                                media_id=body.get("id"))
    return {"id": media_id}


objects.register("GET", media_get)
objects.register("DELETE", media_delete)


def routes() -> list[Route]:
    """The Graph upload edge (``GET``/``DELETE /{media-id}`` go through ``objects``)."""
    return [Route("/{version}/{object_id}/media", graph_endpoint(upload), methods=["POST"])]


def side_routes() -> list[Route]:
    """The download URL and the control route (outside the Graph table)."""
    return [Route(DOWNLOAD_PATH, download, methods=["GET"]),
            Route("/_sim/media", control(control_media), methods=["POST"])]
