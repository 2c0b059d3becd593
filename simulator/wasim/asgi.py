"""The one in-process ASGI driver: an HTTP exchange with an ASGI app, without a socket.

Everything that calls the simulator's app (or an app under test) in process goes through
:func:`call`: the interception of httpx and requests calls to the Graph host, webhook
delivery to an ASGI app, the scenario runner, and the tests' :func:`sync_client`.

- :func:`call` runs one exchange on the caller's event loop; :func:`call_httpx` does the
  same for an ``httpx.Request``.
- :class:`Loops` runs such a coroutine for synchronous code: on an event loop of the
  calling thread, or, when that thread already runs a loop (a sync call inside
  ``async def``), on a private loop thread, so the caller never waits on itself.
- :class:`SyncASGITransport` / :func:`sync_client`: an ``httpx.Client`` on top of both;
  :class:`AsyncASGITransport` / :func:`async_client`: an ``httpx.AsyncClient`` on
  :func:`call_httpx`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable
from typing import Any, NamedTuple, TypeVar
from urllib.parse import unquote

import httpx

T = TypeVar("T")
Headers = list[tuple[bytes, bytes]]
CLIENT = ("127.0.0.1", 123)


class Answer(NamedTuple):
    """What the app answered."""

    status: int
    headers: Headers
    body: bytes


async def call(app: Any, method: str, url: httpx.URL | str,
               headers: Iterable[tuple[bytes, bytes]], body: bytes) -> Answer:
    """One HTTP exchange with ``app`` on the running loop; the whole body is collected."""
    url = httpx.URL(url)
    raw_path = url.raw_path.split(b"?", 1)[0]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method.upper(), "scheme": url.scheme,
             "path": unquote(raw_path.decode("latin-1")), "raw_path": raw_path,
             "query_string": url.query, "root_path": "",
             "headers": [(name.lower(), value) for name, value in headers],
             "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
             "client": CLIENT}
    done = asyncio.Event()
    body_sent = False
    status = 500
    answer_headers: Headers = []
    parts: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if body_sent:
            await done.wait()
            return {"type": "http.disconnect"}
        body_sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, answer_headers
        if message["type"] == "http.response.start":
            status, answer_headers = int(message["status"]), list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    finally:
        done.set()
    return Answer(status, answer_headers, b"".join(parts))


async def call_httpx(app: Any, request: httpx.Request) -> httpx.Response:
    """:func:`call` for an ``httpx.Request`` (its body read first)."""
    body = await request.aread()
    answer = await call(app, request.method, request.url, request.headers.raw, body)
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body,
                          request=request)


class Loops:
    """Event loops for synchronous callers of coroutines; :meth:`close` ends them all."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._thread: threading.Thread | None = None
        self._background: asyncio.AbstractEventLoop | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """``coro``'s result, run on this thread's loop, or on the loop thread when this
        thread is already running a loop."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loop = getattr(self._local, "loop", None)
            if loop is None or loop.is_closed():
                loop = self._local.loop = asyncio.new_event_loop()
                with self._lock:
                    self._loops.append(loop)
            return loop.run_until_complete(coro)
        return self.run_in_background(coro)

    def run_in_background(self, coro: Coroutine[Any, Any, T]) -> T:
        """``coro``'s result, run on the loop thread (one loop for every caller)."""
        return asyncio.run_coroutine_threadsafe(coro, self._in_background()).result()

    def _in_background(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._background is None:
                self._background = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._background.run_forever,
                                                name="wasim-asgi", daemon=True)
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


_SHARED = Loops()
"""The loop thread of every :class:`SyncASGITransport`: an app is always called on the same
loop, whichever thread calls it (apps may keep loop-bound objects between requests)."""


class SyncASGITransport(httpx.BaseTransport):
    """A sync httpx transport that answers from an ASGI app in process.

    Args:
        app: The ASGI application (``wasim.api.create_app(sim)``).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return _SHARED.run_in_background(call_httpx(self.app, request))


def sync_client(app: Any, base_url: str = "http://wasim.test") -> httpx.Client:
    """An ``httpx.Client`` whose requests go straight to ``app``."""
    return httpx.Client(transport=SyncASGITransport(app), base_url=base_url)


class AsyncASGITransport(httpx.AsyncBaseTransport):
    """An async httpx transport that answers from an ASGI app on the caller's loop."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await call_httpx(self.app, request)


def async_client(app: Any, base_url: str = "http://wasim.test",
                 **kwargs: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` whose requests go straight to ``app``."""
    return httpx.AsyncClient(transport=AsyncASGITransport(app), base_url=base_url, **kwargs)
