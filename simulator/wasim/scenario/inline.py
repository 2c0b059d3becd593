"""Call the simulator's ASGI app in process, from the calling thread, without a socket.

``transport.sync_client`` hops to a shared loop thread for every request, which is what
code already inside an event loop needs. A scenario run owns its thread, so it drives the
app on a private event loop right here, with a minimal ASGI request (no httpx client in
between: the client's per-request bookkeeping was most of a step's cost). Inside a
running event loop it falls back to ``transport.sync_client``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlencode

from wasim.asgi import sync_client


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
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method.upper(), "scheme": "http", "path": unquote(raw_path),
                 "raw_path": raw_path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": header_list, "client": ("127.0.0.1", 0),
                 "server": ("wasim.test", 80)}
        sent = False
        status = 500
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return Reply(status, b"".join(chunks))

    def close(self) -> None:
        if self._loop is not None:
            self._loop.close()
        if self._fallback is not None:
            self._fallback.close()
