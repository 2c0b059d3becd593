"""An httpx client that answers from the ASGI app on an event loop in the calling thread.

``transport.sync_client`` hops to a shared loop thread for every request, which is what
code already inside an event loop needs. A scenario run owns its thread, so running the
app on a private loop right here saves the hop (most of a step's cost); inside a running
loop the runner falls back to ``transport.sync_client``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from simulator.transport import sync_client


class InlineASGITransport(httpx.BaseTransport):
    """A sync transport running ``app`` on its own event loop, in the caller's thread."""

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._loop.run_until_complete(self._handle(request))

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        response = await self._transport.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers,
                              content=content, request=request)

    def close(self) -> None:
        self._loop.close()


def client_for(app: Any, base_url: str = "http://wasim.test") -> httpx.Client:
    """The fastest in-process client for ``app`` usable from this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return httpx.Client(transport=InlineASGITransport(app), base_url=base_url)
    return sync_client(app, base_url)
