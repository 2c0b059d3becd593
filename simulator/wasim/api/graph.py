"""Graph API endpoints: parse → one backend call → JSON.

Every handler is wrapped by :func:`graph_endpoint`, the one seam that authenticates,
runs due work, records the call and turns a ``GraphError`` into the Graph envelope.
The simulator's verbs take its lock themselves.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from wasim.api import jsoncodec
from wasim.api.auth import bearer, check_token
from wasim.api.envelope import error_response, missing_object, names_missing_object, unknown_path
from wasim.api.errorlog import log_unexpected
from wasim.errors import API_UNKNOWN, INVALID_PARAMETER, UNKNOWN_PATH, GraphError
from wasim.platform.hooks import Interference
from wasim.rules.jsontext import (
    MAX_DEPTH,
    depth_error,
    loads_bounded,
    lone_surrogate,
    surrogate_error,
    too_deep,
)
from wasim.simulation import Simulator
from wasim.world.journal import RequestRecord
from wasim.world.models import Token

NO_INTERFERENCE = Interference()
VERSION = re.compile(r"^v\d+\.\d+$")
Handler = Callable[[Simulator, Request], Awaitable[Any]]


class GraphJSONResponse(JSONResponse):
    """Starlette's JSON response, byte for byte, rendered by one shared encoder
    (``json.dumps`` with options builds a new encoder for every response)."""

    def __init__(self, content: Any, status_code: int = 200,
                 headers: Mapping[str, str] | None = None, media_type: str | None = None,
                 background: BackgroundTask | None = None) -> None:
        if headers is not None or media_type is not None or background is not None:
            super().__init__(content, status_code, headers, media_type, background)
            return
        # Starlette's own __init__ and init_headers would give these same two headers
        self.status_code = status_code
        self.background = None
        self.body = body = self.render(content)
        self.raw_headers = [(b"content-length", str(len(body)).encode("latin-1")),
                            (b"content-type", b"application/json")]

    def render(self, content: Any) -> bytes:
        return render_json(content)


def success_headers(sim: Simulator, version: str | None) -> list[tuple[bytes, bytes]]:
    """The headers Graph adds to a success answer (§11): ``x-fb-trace-id`` and
    ``facebook-api-version``, the version served (the path's; wasim serves every
    ``vNN.N`` it is asked for). The usage headers (``x-app-usage``,
    ``x-business-use-case-usage``) are not sent: wasim keeps no such counters."""
    headers = [(b"x-fb-trace-id", sim._core.ids.answer_trace_id().encode("ascii"))]
    if version is not None:
        headers.append((b"facebook-api-version", version.encode("latin-1")))
    return headers


def render_json(content: Any) -> bytes:
    """The bytes of Starlette's ``JSONResponse`` for ``content``, by one shared encoder."""
    return jsoncodec.render(content)


def authorization_header(request: Request) -> str | None:
    """``request.headers.get("authorization")`` without building the headers object."""
    return authorization_of(request.scope)


def authorization_of(scope: Scope) -> str | None:
    """The ``Authorization`` header of an HTTP ``scope`` (the first, as Starlette reads it)."""
    for key, value in scope["headers"]:
        if key == b"authorization":
            return str(value.decode("latin-1"))
    return None


def request_path(request: Request) -> str:
    """``request.url.path`` without building the whole URL (the send path reads it)."""
    return scope_path(request.scope)


def scope_path(scope: Scope) -> str:
    """The path of an HTTP ``scope`` as ``request.url.path`` reads it (``?``, ``#`` and
    ``\\`` escaped)."""
    path: str = scope["path"]
    if "?" in path or "#" in path or "\\" in path:
        path = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    return path


def sim_of(request: Request) -> Simulator:
    sim: Simulator = request.app.state.sim
    return sim


FORM = b"application/x-www-form-urlencoded"


async def json_body(request: Request) -> Any:
    """The request body: JSON, or Graph's form encoding (a Graph 100 error when it is
    neither); an ``access_token`` parameter in it is the caller's token, not a field."""
    return request_body(await request.body(), content_type_of(request.scope))


def content_type_of(scope: Scope) -> bytes:
    """The ``Content-Type`` header of an HTTP ``scope`` (lower case; ``b""`` if none)."""
    for key, value in scope["headers"]:
        if key == b"content-type":
            return bytes(value).lower()
    return b""


def request_body(raw: bytes, content_type: bytes) -> Any:
    """A Graph request body, JSON or form-encoded, without its ``access_token``."""
    body = parse_form(raw) if content_type.startswith(FORM) else parse_json(raw)
    if isinstance(body, dict):
        body.pop("access_token", None)
    return body


def body_token(raw: bytes, content_type: bytes) -> str | None:
    """The ``access_token`` parameter of a request body (§9: Graph takes it from the
    query string, a form-encoded body or a JSON body), or ``None``."""
    try:
        body = parse_form(raw) if content_type.startswith(FORM) else parse_json(raw)
    except GraphError:
        return None
    token = body.get("access_token") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token else None


def parse_form(raw: bytes) -> dict[str, Any]:
    """A form-encoded Graph body as Graph reads it: each field a string, and a field whose
    value is a JSON object or array (``text={"body":"hi"}``, ``components=[...]``) that
    object (a Graph 100 error when it is not valid JSON)."""
    text = raw.decode("utf-8", errors="replace")
    body: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        try:
            body[key] = loads_bounded(value) if value[:1] in "[{" else value
        except ValueError:
            raise INVALID_PARAMETER(f"Param {key} is not valid JSON.") from None
    return body


def parse_json(raw: bytes, depth: int = MAX_DEPTH) -> Any:
    """A request body as JSON (a Graph 100 error when it is not JSON).

    A body nested more than ``depth`` levels is refused before it is parsed (the parser
    and every walk over its result recurse per level). A string holding an unpaired
    UTF-16 surrogate (``"\\ud800"`` is valid JSON syntax) is refused too: it is not text,
    and once recorded no answer or export that shows it could be encoded as UTF-8.
    """
    if not raw:
        return {}
    if too_deep(raw, depth):
        raise depth_error(depth)
    value = jsoncodec.fast_loads(raw)
    if value is not jsoncodec.NOT_PARSED:
        return value
    try:
        if raw[:1] == b"{" and raw[1:2] != b"\x00":
            # what json.loads(bytes) detects as UTF-8, decoded as it would be (the
            # decoder made once: json.loads makes none for bytes it must sniff first)
            value = jsoncodec.DECODER.decode(raw.decode("utf-8", "surrogatepass"))
            # only an escape (a backslash) or a raw surrogate encoding (0xED, which is not
            # ASCII) can carry one: most bodies have neither and skip the walk
            if (b"\\" in raw or not raw.isascii()) and lone_surrogate(value):
                raise surrogate_error()
            return value
        value = json.loads(raw)
        if lone_surrogate(value):
            raise surrogate_error()
        return value
    except GraphError:
        raise
    except RecursionError:  # too_deep makes this unreachable; a net all the same
        raise depth_error(depth) from None
    except ValueError:
        raise INVALID_PARAMETER("The request body is not valid JSON.") from None


def graph_endpoint(handler: Handler, *, scope: str | None = "messaging") -> Callable[
        [Request], Awaitable[Response]]:
    """Wrap ``handler`` with version check, auth, locking, journaling and errors.

    ``scope=None`` authenticates only; the handler then checks the scope it needs with
    ``require_scope(request.state.token, ...)`` (object paths serve both scopes).
    """

    async def endpoint(request: Request) -> Response:
        sim = sim_of(request)
        version = request.path_params.get("version")
        method: str = request.scope["method"]
        path = request_path(request)
        status, code, implemented = 200, None, True
        try:
            authorization = authorization_header(request)
            query_token = None if authorization else request.query_params.get("access_token")
            if not authorization and not query_token and method == "POST":
                query_token = body_token(await request.body(), content_type_of(request.scope))
            known = await admit(sim, method, path, version, authorization, query_token, scope)
            # what ``request.state.token = known`` does, without building the State
            request.scope.setdefault("state", {})["token"] = known
            result = await handler(sim, request)
            response = result if isinstance(result, Response) else GraphJSONResponse(result)
            status = response.status_code
            if status < 400:
                response.raw_headers.extend(success_headers(sim, version))
        except Exception as exc:  # every failure answers a Graph envelope
            object_id = request.path_params.get("object_id")
            if isinstance(exc, GraphError) and names_missing_object(exc, object_id):
                exc = missing_object(sim.world, method, path, str(object_id))
                implemented = exc.code != UNKNOWN_PATH.code
            status, code, response = failure_answer(sim, exc, f"{method} {path}")
        sim.requests.append(RequestRecord(method, path, status, sim.clock.now(), version, code,
                                          implemented=implemented))
        return response

    return endpoint


async def admit(sim: Simulator, method: str, path: str, version: str | None,
                authorization: str | None, query_token: str | None,
                scope: str | None) -> Token:
    """What every Graph call goes through before its handler: the version check, the
    bearer token (§9), the work due by now, and the call hooks (faults, call limits),
    whose delay is waited out and whose error is raised. Returns the caller's token."""
    if version is not None and not valid_version(version):
        raise unknown_path(method, path)
    token = bearer(authorization, query_token)
    known, interference = sim._core.admit(
        method, path, lambda world: check_token(world, token, sim.clock.now, scope))
    if interference.delay > 0:
        await asyncio.sleep(interference.delay)
    if interference.error is not None:
        raise interference.error
    return known


@functools.lru_cache(maxsize=256)
def valid_version(version: str) -> bool:
    """Whether ``version`` reads ``vNN.N`` (a handful of distinct values in any run)."""
    return VERSION.match(version) is not None


async def send_direct(sim: Simulator, scope: Scope, raw: bytes, version: str,
                      object_id: str, authorization: str) -> tuple[int, bytes] | Response:
    """``POST /{version}/{object_id}/messages`` as :func:`graph_endpoint` wrapping
    :func:`send_message` answers it, without Starlette's request and response objects
    (``wasim.api.fastpath`` calls it for a request that names its token in an
    ``Authorization`` header and has its body in one piece).

    Returns the status and JSON bytes of a success, or the error response.
    """
    method: str = scope["method"]
    path = scope_path(scope)
    status, code, implemented = 200, None, True
    answer: tuple[int, bytes] | Response
    try:
        known = await admit(sim, method, path, version, authorization, None, "messaging")
        scope.setdefault("state", {})["token"] = known
        sent = send_parsed(sim, request_body(raw, content_type_of(scope)), object_id, version)
        answer = (200, jsoncodec.render_strings(sent))
        at = sent_at(sim, sent)
    except Exception as exc:  # every failure answers a Graph envelope
        if isinstance(exc, GraphError) and names_missing_object(exc, object_id):
            exc = missing_object(sim.world, method, path, object_id)
            implemented = exc.code != UNKNOWN_PATH.code
        status, code, answer = failure_answer(sim, exc, f"{method} {path}")
        at = sim.clock.now()
    sim.requests.append(RequestRecord(method, path, status, at, version, code,
                                      implemented=implemented))
    return answer


def sent_at(sim: Simulator, answer: dict[str, Any]) -> datetime:
    """When a send's call is recorded: the accepted message's own time (the one instant
    object the message and its ``sent`` status already share, so a running clock makes
    no new one for the record), or the clock's time if the answer names no message."""
    try:
        return sim.world.messages[answer["messages"][0]["id"]].created_at
    except (KeyError, IndexError, TypeError):
        return sim.clock.now()


def failure_answer(sim: Simulator, exc: Exception, where: str = "") -> tuple[
        int, int, Response]:
    """Status, code and Graph error response for whatever a handler raised: its own
    envelope for a ``GraphError``; for anything else (a bug of ours) still an envelope
    (``API_UNKNOWN``), never a traceback, and the traceback logged with the answer's
    ``fbtrace_id`` (``where``: the request's method and path)."""
    trace = sim._core.ids.fbtrace_id()
    if isinstance(exc, GraphError):
        return exc.http_status, exc.code, error_response(exc, trace)
    log_unexpected(exc, trace, where)
    error = API_UNKNOWN()
    return error.http_status, error.code, error_response(error, trace)


async def send_message(sim: Simulator, request: Request) -> Any:
    """``POST /{version}/{phone-number-id}/messages`` (§3)."""
    params = request.path_params
    return send_parsed(sim, await json_body(request), params["object_id"], params["version"])


def send_parsed(sim: Simulator, body: Any, object_id: str, version: str) -> dict[str, Any]:
    """The send itself, then the work it made due (its statuses)."""
    return sim.send(body, object_id, api_version=version)


async def not_found_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (a method no route lists, such as TRACE): the same error."""
    return await not_found(request)


async def not_found(request: Request) -> Response:
    """Any path or method wasim does not implement: a Graph error that names it."""
    sim = sim_of(request)
    error = unknown_path(request.method, request.url.path)
    sim.requests.append(RequestRecord(request.method, request.url.path, error.http_status,
                                      sim.clock.now(), None, error.code, implemented=False))
    return error_response(error, sim._core.ids.fbtrace_id())
