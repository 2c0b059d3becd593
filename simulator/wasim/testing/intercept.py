"""Answer calls to the Graph host from one simulator's app, in process.

Code under test keeps its real base URL (``https://graph.facebook.com/v23.0/...``). While
an :class:`Interceptor` is started:

- **httpx**: ``httpx.HTTPTransport.handle_request`` and
  ``httpx.AsyncHTTPTransport.handle_async_request``, the public interface every httpx
  transport implements (the seam pytest_httpx uses, and respx's ``using="httpx"``), answer
  requests to the Graph host from the app: async clients on the caller's event loop, sync
  clients on a loop of the calling thread (or a loop thread when called inside
  ``async def``). Every other request goes on to the original method, so the network, or a
  ``respx_mock`` of the same test (which patches httpcore, below), answers it.
- **requests** (when installed): ``requests.adapters.HTTPAdapter.send``, the method
  requests-mocking libraries replace, answers the Graph host the same way.
- **anything else** (urllib, http.client, aiohttp, ...): looking up the Graph host's address
  fails at once with an error naming the ``whatsapp_server`` fixture, and the test fails at
  teardown, so nothing reaches the real Graph API with a test token.

respx's documented API was the first choice, but its side effects cannot tell a sync call
from an async one and its ``ASGIHandler`` serves async clients only; the transport
interface gives both, documented, without reading respx's internals.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterable
from typing import Any

import httpx

from wasim.asgi import Loops, call_httpx

GRAPH_HOSTS: tuple[str, ...] = ("graph.facebook.com",)
"""Hosts answered by the simulator (any scheme, any ``vNN.N`` version, any path)."""

BYPASS_HINT = ("only httpx and requests calls are answered in process; for another client, "
               "use the whatsapp_server fixture and point the client at its base_url")


class GraphHostBypassed(OSError):
    """A client that wasim does not intercept tried to reach the Graph host."""


class _Patches:
    """The patched methods, installed while at least one interceptor is started."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.active: list[Interceptor] = []
        self.originals: dict[str, Any] = {}

    def owner(self, host: str | None) -> Interceptor | None:
        with self.lock:
            for interceptor in reversed(self.active):
                if host in interceptor.hosts:
                    return interceptor
        return None

    def add(self, interceptor: Interceptor) -> None:
        with self.lock:
            if not self.active:
                self._install()
            self.active.append(interceptor)

    def remove(self, interceptor: Interceptor) -> None:
        with self.lock:
            if interceptor in self.active:
                self.active.remove(interceptor)
            if not self.active:
                self._uninstall()

    def _install(self) -> None:
        self.originals = {
            "sync": httpx.HTTPTransport.handle_request,
            "async": httpx.AsyncHTTPTransport.handle_async_request,
            "getaddrinfo": socket.getaddrinfo,
        }
        _put(httpx.HTTPTransport, "handle_request", _handle_request)
        _put(httpx.AsyncHTTPTransport, "handle_async_request", _handle_async_request)
        _put(socket, "getaddrinfo", _getaddrinfo)
        adapter = _requests_adapter()
        if adapter is not None:
            self.originals["requests"] = adapter.send
            _put(adapter, "send", _requests_send)

    def _uninstall(self) -> None:
        originals, self.originals = self.originals, {}
        if not originals:
            return
        _put(httpx.HTTPTransport, "handle_request", originals["sync"])
        _put(httpx.AsyncHTTPTransport, "handle_async_request", originals["async"])
        _put(socket, "getaddrinfo", originals["getaddrinfo"])
        adapter = _requests_adapter()
        if adapter is not None and "requests" in originals:
            _put(adapter, "send", originals["requests"])


_PATCHES = _Patches()


def _put(owner: Any, name: str, value: Any) -> None:
    """Replace (or restore) one public function or method."""
    setattr(owner, name, value)


def _requests_adapter() -> Any:
    try:
        from requests.adapters import HTTPAdapter
    except ImportError:
        return None
    return HTTPAdapter


def _handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    owner = _PATCHES.owner(host_name(request.url.host))
    if owner is None:
        response: httpx.Response = _PATCHES.originals["sync"](transport, request)
        return response
    return owner.answer(request)


async def _handle_async_request(transport: httpx.AsyncHTTPTransport,
                                request: httpx.Request) -> httpx.Response:
    owner = _PATCHES.owner(host_name(request.url.host))
    if owner is None:
        response: httpx.Response = await _PATCHES.originals["async"](transport, request)
        return response
    return await call_httpx(owner.app, request)


def host_name(host: Any) -> str | None:
    """A host name as DNS compares it: any case, with or without the root's dot."""
    if host is None:
        return None
    name = host.decode("idna") if isinstance(host, bytes) else str(host)
    return name.lower().rstrip(".")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host_name(host)
    owner = _PATCHES.owner(name)
    if owner is not None and name is not None:
        owner.bypassed.append(name)
        raise GraphHostBypassed(f"wasim: a call to {name} did not go through whatsapp_sim: "
                                f"{BYPASS_HINT}")
    return _PATCHES.originals["getaddrinfo"](host, *args, **kwargs)


def _requests_send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
    url = httpx.URL(request.url)
    owner = _PATCHES.owner(host_name(url.host))
    if owner is None:
        return _PATCHES.originals["requests"](adapter, request, *args, **kwargs)
    body = request.body
    content = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    if not isinstance(content, bytes):  # a generator or file: read it all
        content = b"".join(part if isinstance(part, bytes) else part.encode() for part in body)
    answer = owner.answer(httpx.Request(request.method, url, headers=dict(request.headers),
                                        content=content))
    from urllib3 import HTTPResponse

    headers: dict[str, str] = {}  # urllib3 1.x has no public HTTPHeaderDict; no name repeats
    for name, value in answer.headers.multi_items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    raw = HTTPResponse(body=io.BytesIO(answer.content), headers=headers,
                       status=answer.status_code, preload_content=False,
                       decode_content=False, reason=answer.reason_phrase)
    return adapter.build_response(request, raw)


class Interceptor:
    """Answers calls to ``hosts`` from an ASGI app while started.

    Args:
        app: The simulator's ASGI app (``create_app(sim)``).
        hosts: Host names to answer (default: the Graph API host).
    """

    def __init__(self, app: Any, hosts: Iterable[str] = GRAPH_HOSTS) -> None:
        self.app = app
        self.hosts = tuple(name for name in map(host_name, hosts) if name)
        if not self.hosts:
            raise ValueError("Interceptor needs at least one host to answer")
        self.bypassed: list[str] = []
        """Graph hosts that a client wasim does not intercept tried to reach."""
        self._loops = Loops()
        self.started = False

    def answer(self, request: httpx.Request) -> httpx.Response:
        """The app's answer to a synchronous caller's ``request``."""
        request.read()
        return self._loops.run(call_httpx(self.app, request))

    def start(self) -> Interceptor:
        if not self.started:
            _PATCHES.add(self)
            self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            _PATCHES.remove(self)
            self._loops.close()
            self.started = False

    def __enter__(self) -> Interceptor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
