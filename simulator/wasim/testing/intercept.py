"""Route httpx calls to the Graph host into one simulator's app, in process.

Code under test keeps its real base URL (``https://graph.facebook.com/v23.0/...``): respx
patches httpx's connection pools, and :class:`Interceptor` answers requests to the Graph
host from ``create_app(sim)``. Async clients are served on the caller's event loop
(:func:`call_asgi`); sync clients on an event loop of the calling thread
(or, inside ``async def``, on a loop thread of the interceptor's own, so a sync call made
by an async handler never waits on its own loop). Every other request passes through to
the network untouched, or to another respx router when one is active (``respx_mock``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable
from contextvars import ContextVar
from typing import Any

import httpx
import respx
from respx.models import AllMockedAssertionError

GRAPH_HOSTS: tuple[str, ...] = ("graph.facebook.com",)
"""Hosts answered by the simulator (any scheme, any ``vNN.N`` version, any path)."""

_IN_ASYNC: ContextVar[bool] = ContextVar("wasim_in_async", default=False)
_CLIENT = ("127.0.0.1", 123)


async def call_asgi(app: Any, request: httpx.Request) -> httpx.Response:
    """One HTTP exchange with an ASGI app, in the caller's event loop.

    Leaner than ``httpx.ASGITransport`` (which tries to import ``sniffio`` on every
    request): the request body is already read, the response body is collected.
    """
    url = request.url
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": request.method, "scheme": url.scheme, "path": url.path,
             "raw_path": url.raw_path.split(b"?")[0], "query_string": url.query,
             "root_path": "", "headers": [(k.lower(), v) for k, v in request.headers.raw],
             "server": (url.host, url.port), "client": _CLIENT}
    body = request.content
    done = asyncio.Event()
    sent_body = False
    status = 500
    headers: list[tuple[bytes, bytes]] = []
    parts: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if sent_body:
            await done.wait()
            return {"type": "http.disconnect"}
        sent_body = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    await app(scope, receive, send)
    done.set()
    return httpx.Response(status, headers=headers, content=b"".join(parts), request=request)


class _Router(respx.MockRouter):
    """A respx router that tells its side effects whether the caller is async."""

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        token = _IN_ASYNC.set(True)
        try:
            response: httpx.Response = await super().async_handler(request)
            return response
        finally:
            _IN_ASYNC.reset(token)


class _Loops:
    """Event loops for sync callers: one per calling thread with no loop of its own.

    A thread that already runs a loop (a sync call inside ``async def``) is served by a
    private loop thread instead, so it never waits on itself. ``close()`` ends them all.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._thread: threading.Thread | None = None
        self._background: asyncio.AbstractEventLoop | None = None

    def _new(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        with self._lock:
            self._loops.append(loop)
        return loop

    def run(self, coro: Coroutine[Any, Any, httpx.Response]) -> httpx.Response:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loop = getattr(self._local, "loop", None)
            if loop is None or loop.is_closed():
                loop = self._local.loop = self._new()
            return loop.run_until_complete(coro)
        return asyncio.run_coroutine_threadsafe(coro, self._in_background()).result()

    def _in_background(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._background is None:
                self._background = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._background.run_forever,
                                                name="wasim-intercept", daemon=True)
                self._thread.start()
            return self._background

    def close(self) -> None:
        with self._lock:
            loops, self._loops = self._loops, []
            background, thread = self._background, self._thread
            self._background = self._thread = None
        if background is not None and thread is not None:
            background.call_soon_threadsafe(background.stop)
            thread.join(timeout=5)
            background.close()
        for loop in loops:
            if not loop.is_running():
                loop.close()


class Interceptor:
    """Answers httpx requests to ``hosts`` from an ASGI app while started.

    Args:
        app: The simulator's ASGI app (``create_app(sim)``).
        hosts: Host names to answer (default: the Graph API host).
    """

    def __init__(self, app: Any, hosts: Iterable[str] = GRAPH_HOSTS) -> None:
        self.app = app
        self.hosts = tuple(hosts)
        if not self.hosts:
            raise ValueError("Interceptor needs at least one host to answer")
        self._loops = _Loops()
        self._router = _Router(assert_all_called=False, assert_all_mocked=True, using="httpx")
        for host in self.hosts:
            self._router.route(host=host).mock(side_effect=self._answer)
        self._router.route().mock(side_effect=self._elsewhere)
        self.started = False

    def _answer(self, request: httpx.Request) -> Any:
        if _IN_ASYNC.get():
            return self._answer_async(request)
        request.read()
        return self._loops.run(self._answer_async(request))

    async def _answer_async(self, request: httpx.Request) -> httpx.Response:
        return await call_asgi(self.app, request)

    def _elsewhere(self, request: httpx.Request) -> httpx.Request:
        """Not ours: defer to another active respx router, else go to the network."""
        mocker = self._router.Mocker
        routers: list[Any] = list(mocker.routers) if mocker is not None else []
        later = routers[routers.index(self._router) + 1:] if self._router in routers else []
        if later or any(not isinstance(r, _Router) for r in routers):
            raise AllMockedAssertionError(f"wasim: {request!r} is not a Graph API call")
        return request

    def start(self) -> Interceptor:
        if not self.started:
            self._router.start()
            self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            self._router.stop(quiet=True)
            self._loops.close()
            self.started = False

    def __enter__(self) -> Interceptor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
