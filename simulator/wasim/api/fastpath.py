"""The send path's shortcut through Starlette: the hottest request skips the router.

A load of sends spends much of its time in Starlette's generic machinery (middleware,
route matching, exception wrapping, request and response objects) before and after the
simulator's own work. :class:`WasimApp` answers ``POST /{version}/{id}/messages`` itself:
with an ``Authorization`` header and the body in one ASGI message (what every client
sends) by ``graph.send_direct``, which takes the same steps as ``graph_endpoint`` around
``send_message`` and sends the answer's two ASGI messages itself; otherwise by calling
that endpoint directly. Every other request, and any app with user middleware, takes the
usual path. Both turn every exception into a Graph error envelope themselves, so the
skipped exception middleware never had anything to do for them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Message, Receive, Scope, Send

from wasim.api.graph import authorization_of, send_direct, success_headers


class SendRoute(Route):
    """The send route, tried first: the hottest path matches on the first try.

    It never matches under ``/_sim/`` (those paths keep their usual order: the control
    routes, then the Graph routes), so trying it first changes no answer.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["path"].startswith("/_sim/"):
            return Match.NONE, {}
        return super().matches(scope)


class WasimApp(Starlette):
    """Starlette whose ``send_route`` requests go straight to their endpoint.

    Args:
        routes: All routes, ``send_route`` among them (first) for the usual path.
        send_route: The route answered directly when it fully matches.
        **kwargs: Passed to :class:`~starlette.applications.Starlette`.
    """

    def __init__(self, *, routes: Sequence[BaseRoute], send_route: SendRoute,
                 **kwargs: Any) -> None:
        super().__init__(routes=routes, **kwargs)
        self._send_route = send_route
        self._send_endpoint: Callable[[Request], Awaitable[Response]] = send_route.endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not self.user_middleware:
            params = send_params(scope)
            if params is not None:
                message = await receive()
                if message["type"] == "http.request" and not message.get("more_body", False):
                    authorization = authorization_of(scope)
                    if authorization:
                        await self._send_direct(scope, receive, send, message.get("body", b""),
                                                params, authorization)
                        return
                # what Starlette's router would have put in the scope for the endpoint
                scope["app"] = self
                if "router" not in scope:
                    scope["router"] = self.router
                scope["endpoint"] = self._send_endpoint
                scope["path_params"] = params
                request = Request(scope, _replay(message, receive), send)
                response = await self._send_endpoint(request)
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    async def _send_direct(self, scope: Scope, receive: Receive, send: Send, body: bytes,
                           params: dict[str, Any], authorization: str) -> None:
        """The whole send in one call (``graph.send_direct``): the answer's two ASGI
        messages carry the same status, headers and body as ``GraphJSONResponse``'s."""
        answer = await send_direct(self.state.sim, scope, body, params["version"],
                                   params["object_id"], authorization)
        if isinstance(answer, Response):
            await answer(scope, receive, send)
            return
        status, content = answer
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", str(len(content)).encode("latin-1")),
                                (b"content-type", b"application/json"),
                                *success_headers(self.state.sim, params["version"])]})
        await send({"type": "http.response.body", "body": content})


def send_params(scope: Scope) -> dict[str, Any] | None:
    """The path parameters of ``POST /{version}/{object_id}/messages``, or ``None`` when
    the path is not plainly that (anything unusual then goes through the router, whose
    send route matches it as before)."""
    path: str = scope["path"]
    if scope.get("root_path") or path.startswith("/_sim/"):
        return None
    parts = path.split("/")
    if len(parts) != 4 or parts[0] or parts[3] != "messages" or not parts[1] or not parts[2]:
        return None
    params: dict[str, Any] = dict(scope.get("path_params", {}))
    params["version"] = parts[1]
    params["object_id"] = parts[2]
    return params


def _replay(first: Message, receive: Receive) -> Receive:
    """``receive`` that gives ``first`` (already read) before the messages still to come."""
    pending = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
