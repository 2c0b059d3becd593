"""Route httpx calls to the Graph host into one simulator's app, in process (style.md §15).

Code under test keeps its real base URL (``https://graph.facebook.com/v23.0/...``): respx
patches httpx's connection pools, and :class:`Interceptor` answers requests to the Graph
host from ``create_app(sim)``. Async clients are served on the caller's event loop
through ``httpx.ASGITransport``; sync clients through a loop thread of the interceptor's
own (so an ``async def`` handler of the app under test that makes a sync call does not
wait on its own loop). Every other request passes through to
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


class _Router(respx.MockRouter):
    """A respx router that tells its side effects whether the caller is async."""

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        token = _IN_ASYNC.set(True)
        try:
            response: httpx.Response = await super().async_handler(request)
            return response
        finally:
            _IN_ASYNC.reset(token)


class _LoopThread:
    """A private event loop in a daemon thread, started on first use, stopped by stop()."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, coro: Coroutine[Any, Any, httpx.Response]) -> httpx.Response:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever,
                                                name="wasim-intercept", daemon=True)
                self._thread.start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    def stop(self) -> None:
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
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
        self._loop = _LoopThread()
        self._async = httpx.ASGITransport(app=app)
        self._router = _Router(assert_all_called=False, assert_all_mocked=True)
        for host in self.hosts:
            self._router.route(host=host).mock(side_effect=self._answer)
        self._router.route().mock(side_effect=self._elsewhere)
        self.started = False

    def _answer(self, request: httpx.Request) -> Any:
        if _IN_ASYNC.get():
            return self._answer_async(request)
        request.read()
        return self._loop.run(self._answer_async(request))

    async def _answer_async(self, request: httpx.Request) -> httpx.Response:
        response = await self._async.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers,
                              content=content, request=request)

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
            self._loop.stop()
            self.started = False

    def __enter__(self) -> Interceptor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
