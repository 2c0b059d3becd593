"""Call the simulator's ASGI app in process, from the calling thread, without a socket.

``wasim.asgi.sync_client`` hops to a shared loop thread for every request, which is what
code already inside an event loop needs. A scenario run owns its thread, so it drives the
app on a private event loop right here through ``wasim.asgi.call`` (no httpx client in
between: the client's per-request bookkeeping was most of a step's cost). Inside a
running event loop it falls back to ``wasim.asgi.sync_client``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from wasim.asgi import call, sync_client


class Reply:
    """An HTTP answer: ``status_code``, ``content``, ``text``, ``json()``."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class AppClient:
    """Requests to an ASGI ``app`` with JSON bodies and default headers.

    Args:
        app: The ASGI application (``wasim.api.create_app(sim)``).
        headers: Headers sent with every request (``Authorization``...).
    """

    def __init__(self, app: Any, headers: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.headers = dict(headers or {})
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fallback: Any = None
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self._loop = asyncio.new_event_loop()
        else:
            self._fallback = sync_client(app)

    def request(self, method: str, path: str, json_body: Any = None,
                params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None) -> Reply:
        merged = {**self.headers, **(headers or {})}
        if self._fallback is not None:
            response = self._fallback.request(method, path, json=json_body, params=params,
                                              headers=merged)
            return Reply(response.status_code, response.content)
        assert self._loop is not None
        return self._loop.run_until_complete(
            self._call(method, path, json_body, params, merged))

    async def _call(self, method: str, path: str, json_body: Any,
                    params: Mapping[str, Any] | None, headers: dict[str, str]) -> Reply:
        raw_path, _, query = path.partition("?")
        if params:
            query = "&".join(filter(None, (query, urlencode(params, doseq=True))))
        body = b"" if json_body is None else json.dumps(json_body).encode()
        header_list = [(b"host", b"wasim.test"), (b"content-length", str(len(body)).encode())]
        if json_body is not None:
            header_list.append((b"content-type", b"application/json"))
        header_list += [(k.lower().encode("latin-1"), v.encode("latin-1"))
                        for k, v in headers.items()]
        url = f"http://wasim.test{raw_path}" + (f"?{query}" if query else "")
        answer = await call(self.app, method, url, header_list, body)
        return Reply(answer.status, answer.body)

    def close(self) -> None:
        if self._loop is not None:
            self._loop.close()
        if self._fallback is not None:
            self._fallback.close()
