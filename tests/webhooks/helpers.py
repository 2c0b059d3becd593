from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wasim.platform.webhooks import verify

SECRET = "wasim-app-secret"
VERIFY_TOKEN = "wasim-verify-token"


@dataclass
class Receiver:
    """A callable webhook target that records what it got and answers ``status``."""

    status: int = 200
    fail_first: int = 0
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def __call__(self, headers: dict[str, str], body: bytes) -> int:
        self.posts.append((headers, body))
        if self.fail_first > 0:
            self.fail_first -= 1
            return 500
        return self.status

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.posts]

    def statuses(self) -> list[str]:
        return [s["status"] for b in self.bodies for e in b["entry"] for c in e["changes"]
                for s in c["value"].get("statuses", [])]


def receiver_app(store: list[tuple[dict[str, str], bytes]], *, token: str = VERIFY_TOKEN,
                 reserialise: bool = False) -> Starlette:
    """A tiny ASGI receiver: handshake on GET, signature check on POST (403 if bad)."""

    async def get(request: Request) -> Response:
        q = request.query_params
        if q.get("hub.mode") == "subscribe" and q.get("hub.verify_token") == token:
            return PlainTextResponse(q.get("hub.challenge", ""))
        return PlainTextResponse("bad token", status_code=403)

    async def post(request: Request) -> Response:
        raw = await request.body()
        checked = raw
        if reserialise:
            checked = json.dumps(json.loads(raw), separators=(",", ":")).encode("ascii")
        if not verify(checked, SECRET, request.headers.get("x-hub-signature-256")):
            return PlainTextResponse("bad signature", status_code=403)
        store.append((dict(request.headers), raw))
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/webhook", get, methods=["GET"]),
                             Route("/webhook", post, methods=["POST"])])
