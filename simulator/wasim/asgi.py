"""Drive the simulator's ASGI app from synchronous httpx code.

``httpx.ASGITransport`` is async-only. :class:`SyncASGITransport` runs the app on a
private event loop in a daemon thread, so a sync ``httpx.Client`` (or respx's sync
routing) can reach the same app, even from code that itself runs inside an event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


class _LoopThread:
    """One event loop in one daemon thread, started on first use."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="wasim-asgi",
                                 daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()


_SHARED = _LoopThread()


class SyncASGITransport(httpx.BaseTransport):
    """A sync httpx transport that answers from an ASGI app in process.

    Args:
        app: The ASGI application (``wasim.api.create_app(sim)``).
    """

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return _SHARED.run(self._handle(request))

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        response = await self._transport.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers,
                              content=content, request=request)


def sync_client(app: Any, base_url: str = "http://wasim.test") -> httpx.Client:
    """An ``httpx.Client`` whose requests go straight to ``app``."""
    return httpx.Client(transport=SyncASGITransport(app), base_url=base_url)
