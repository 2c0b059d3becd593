"""What every HTTP request passes before the app: who may drive the simulator, and how much
a request may make it hold.

* **Host** (DNS rebinding): with ``hosts`` set (``wasim serve``), a ``Host`` header must
  name a loopback name (``localhost``, ``*.localhost``, ``127.0.0.1``, ``::1``), the
  bound address, a name given by ``--allow-host``, or, when the server listens on every
  interface, any IP address (a rebinding page always sends its own domain name).
* **Origin** (cross-site requests): a request carrying ``Origin`` is served only when that
  origin is the server's own (its host and port are the ``Host`` header) or is listed by
  ``--allow-origin``. Browsers send ``Origin`` with every cross-origin request and with
  same-origin ``POST``, so a page of another site can neither send nor reconfigure.
* **Control calls** (``/_sim/``): a body must be declared JSON (``application/json``), so
  no HTML form or ``text/plain`` request drives them; with a control token, the call must
  carry it (``Authorization: Bearer TOKEN``, or ``?control_token=TOKEN`` for pages that
  cannot set headers, such as ``EventSource``).
* **Body size**: per endpoint family (:func:`body_limit`); a larger body is answered 413
  before it is read. A body without ``Content-Length`` (chunked) is counted as it comes.

Every refusal is a Graph error envelope. Anything that escapes the app unanswered is
logged with its traceback and answered with code 1 (see :mod:`wasim.api.errorlog`).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wasim.api.envelope import error_response
from wasim.api.errorlog import log_unexpected
from wasim.errors import (
    ACCESS_TOKEN,
    API_UNKNOWN,
    INVALID_PARAMETER,
    PERMISSION_DENIED,
    GraphError,
)
from wasim.simulation import Simulator

MB = 1024 * 1024
JSON_LIMIT = 1 * MB
"""A Graph or control call with a JSON (or form) body."""
MEDIA_LIMIT = 101 * MB
"""``POST /{phone-number-id}/media``: the largest media file (documents, 100 MB, §8) and
the multipart framing around it."""
CONTROL_MEDIA_LIMIT = 136 * MB
"""``POST /_sim/media``: 100 MB as base64 in JSON."""
STATE_LIMIT = 256 * MB
"""``PUT /_sim/state``: a state export."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
HOSTS_REMEMBERED = 256
"""How many distinct ``Host`` values a guard remembers its answer for."""


def body_limit(method: str, path: str) -> int:
    """The largest body (bytes) a request to ``path`` may carry."""
    if path.startswith("/_sim/"):
        if path == "/_sim/state":
            return STATE_LIMIT
        return CONTROL_MEDIA_LIMIT if path == "/_sim/media" else JSON_LIMIT
    return MEDIA_LIMIT if method == "POST" and path.endswith("/media") else JSON_LIMIT


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Policy:
    """What the guard lets through.

    Args:
        hosts: Extra ``Host`` names allowed (``--allow-host``) plus the bound address;
            ``None`` checks no ``Host`` (in-process use, where any base URL is fine).
        any_address: The server listens on every interface: any IP literal is a fine Host.
        origins: Origins allowed besides the server's own (``--allow-origin``).
        control_token: Required on ``/_sim/`` calls when set (``--control-token``).
    """

    hosts: frozenset[str] | None = None
    any_address: bool = False
    origins: frozenset[str] = field(default_factory=frozenset)
    control_token: str | None = None

    @classmethod
    def serving(cls, bound: str, *, allow_hosts: Iterable[str] = (),
                allow_origins: Iterable[str] = (), control_token: str | None = None) -> Policy:
        """The policy of a server bound to ``bound``."""
        wildcard = bound.strip("[]") in ("0.0.0.0", "::", "")
        return cls(hosts=frozenset({bound.strip("[]").lower(),
                                    *(h.lower() for h in allow_hosts)}),
                   any_address=wildcard,
                   origins=frozenset(o.rstrip("/").lower() for o in allow_origins),
                   control_token=control_token or None)

    def host_allowed(self, host: str) -> bool:
        if self.hosts is None or not host:
            return True
        name = _hostname(host)
        if is_loopback(name) or name in self.hosts:
            return True
        if self.any_address:
            try:
                ipaddress.ip_address(name)
            except ValueError:
                return False
            return True
        return False

    def origin_allowed(self, origin: str, host: str) -> bool:
        origin = origin.strip().lower().rstrip("/")
        if origin in self.origins:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and bool(host) and parts.netloc == host.lower()


class Guard:
    """ASGI middleware applying a :class:`Policy` and the body limits to ``app``."""

    def __init__(self, app: ASGIApp, sim: Simulator, policy: Policy | None = None) -> None:
        self.app = app
        self.sim = sim
        self.policy = policy if policy is not None else Policy()
        self._hosts_seen: dict[str, bool] = {}
        """``policy.host_allowed`` per ``Host`` value seen (a client sends the same one
        with every request); at most :data:`HOSTS_REMEMBERED` entries."""

    def _host_allowed(self, host: str) -> bool:
        allowed = self._hosts_seen.get(host)
        if allowed is None:
            allowed = self.policy.host_allowed(host)
            if len(self._hosts_seen) >= HOSTS_REMEMBERED:
                self._hosts_seen.clear()
            self._hosts_seen[host] = allowed
        return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            refusal, buffer = self._admit(scope)
            if buffer:
                refusal, receive = await _buffered(receive, buffer)
            if refusal is not None:
                await self._answer(refusal, scope, receive, tracking)
                return
            await self.app(scope, receive, tracking)
        except Exception as exc:  # an error no handler answered: logged, code 1
            trace = self.sim._core.ids.fbtrace_id()
            log_unexpected(exc, trace, f"{scope.get('method')} {scope.get('path')}")
            if not started:
                await error_response(API_UNKNOWN(), trace)(scope, receive, send)

    async def _answer(self, error: GraphError, scope: Scope, receive: Receive,
                      send: Send) -> None:
        response = error_response(error, self.sim._core.ids.fbtrace_id())
        await response(scope, receive, send)

    def _admit(self, scope: Scope) -> tuple[GraphError | None, int]:
        """The refusal of this request, if any, and, for a body of unknown length, the
        limit to read it up to before the app sees it (``0``: hand ``receive`` on)."""
        headers = _headers(scope)
        host = headers.get("host", "")
        method: str = scope["method"]
        path: str = scope["path"]
        if not self._host_allowed(host):
            return PERMISSION_DENIED(
                f"Host {host[:100]!r} is not this server's: wasim answers only loopback "
                "names, its bound address and names given by --allow-host (a DNS-rebinding "
                "guard)", http_status=403), 0
        origin = headers.get("origin")
        if origin is not None and not self.policy.origin_allowed(origin, host):
            return PERMISSION_DENIED(
                f"requests from origin {origin[:100]!r} are refused: only pages of the "
                "server's own origin or of one given by --allow-origin may call wasim",
                http_status=403), 0
        length = headers.get("content-length")
        has_body = (length not in (None, "0")) or "transfer-encoding" in headers
        if path.startswith("/_sim/"):
            refusal = self._control(scope, headers, has_body, method)
            if refusal is not None:
                return refusal, 0
        limit = body_limit(method, path)
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return _too_large(limit), 0
            return None, 0
        return None, limit if has_body else 0

    def _control(self, scope: Scope, headers: dict[str, str], has_body: bool,
                 method: str) -> GraphError | None:
        token = self.policy.control_token
        if token is not None and not _carries(scope, headers, token):
            return ACCESS_TOKEN(
                "control calls need the control token: 'Authorization: Bearer TOKEN' (or "
                "?control_token=TOKEN), as given by --control-token", subcode=None)
        if has_body and method != "GET" and not _json_type(headers.get("content-type", "")):
            return INVALID_PARAMETER(
                "control calls take a JSON body: send 'Content-Type: application/json'",
                http_status=415)
        return None


_WANTED = {name: name.decode("latin-1") for name in (
    b"host", b"origin", b"content-length", b"transfer-encoding", b"content-type",
    b"authorization")}
"""The request headers wasim's checks read, by their lower-case names as ASGI gives them."""


def _headers(scope: Scope) -> dict[str, str]:
    """The request headers wasim's checks read (the first of each), by lower-case name."""
    found: dict[str, str] = {}
    wanted = _WANTED
    for key, value in scope["headers"]:
        name = wanted.get(key)
        if name is not None and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _hostname(host: str) -> str:
    """The name in a ``Host`` header, without the port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _json_type(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                           and kind.endswith("+json"))


def _carries(scope: Scope, headers: dict[str, str], token: str) -> bool:
    given = headers.get("authorization", "")
    if given[:7].lower() == "bearer ":
        given = given[7:].strip()
    else:
        query = scope.get("query_string", b"").decode("latin-1")
        given = next((v for k, v in parse_qsl(query) if k == "control_token"), "")
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _too_large(limit: int) -> GraphError:
    return INVALID_PARAMETER(f"The request body is too large: this endpoint takes at most "
                             f"{limit} bytes.", http_status=413)


async def _buffered(receive: Receive, limit: int) -> tuple[GraphError | None, Receive]:
    """Read a body of unknown length up to ``limit`` bytes; the ``receive`` replaying it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, _replay([message], receive)
        body: bytes = message.get("body", b"")
        size += len(body)
        if size > limit:
            return _too_large(limit), receive
        chunks.append(body)
        if not message.get("more_body", False):
            break
    whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
    return None, _replay([whole], receive)


def _replay(messages: list[Any], receive: Receive) -> Receive:
    pending = list(reversed(messages))

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
