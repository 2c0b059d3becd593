"""One line per request on stderr for ``wasim serve`` (``--quiet`` turns it off).

    19:07:12 POST /v23.0/106540352242922/messages 200 1.2 ms
    19:07:13 POST /v23.0/106540352242922/messages 400 #131047 0.9 ms

Real time, method, path, HTTP status, the Graph error code of a refused call, and how long
the answer took. On a terminal the status is coloured (not with ``NO_COLOR`` set).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wasim.clock import wall_now

GREEN, YELLOW, RED, RESET = "\033[32m", "\033[33m", "\033[31m", "\033[0m"
MAX_PATH = 200


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def graph_code(body: bytes) -> int | None:
    """The ``error.code`` of a Graph error envelope, if ``body`` is one."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


def format_line(method: str, path: str, status: int, code: int | None, millis: float,
                colour: bool) -> str:
    if len(path) > MAX_PATH:
        path = path[:MAX_PATH] + "…"
    path = path.encode("unicode_escape").decode("ascii")  # no control characters in a log
    shown = str(status)
    if colour:
        tint = GREEN if status < 400 else YELLOW if status < 500 else RED
        shown = f"{tint}{status}{RESET}"
    error = f" #{code}" if code is not None else ""
    return f"{wall_now():%H:%M:%S} {method} {path} {shown}{error} {millis:.1f} ms"


class RequestLog:
    """ASGI middleware writing :func:`format_line` for each HTTP request to ``stream``."""

    def __init__(self, app: ASGIApp, stream: TextIO | None = None) -> None:
        self.app = app
        self.stream = stream if stream is not None else sys.stderr
        self.colour = use_colour(self.stream)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "body": b""}

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif (message["type"] == "http.response.body" and seen["status"] >= 400
                  and len(seen["body"]) < 65536):
                seen["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            status: int = seen["status"]
            code = graph_code(seen["body"]) if status >= 400 else None
            millis = (time.perf_counter() - started) * 1000
            print(format_line(scope["method"], scope["path"], status, code, millis,
                              self.colour), file=self.stream, flush=True)
