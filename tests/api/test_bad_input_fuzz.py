"""No request, however malformed, gets a traceback or a 500 (style: "bad input never gets
a traceback or a 500"): every route of the app, control and Graph, is sent garbage."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Route
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

from tests.conftest import PHONE_ID, START, TOKEN, WABA_ID

GARBAGE = [
    b"{oops",
    b"[1, 2]",
    b"null",
    b'"text"',
    b"12",
    b'{"by": {}, "to": [], "at": 5, "url": 5, "status": 7, "code": "x", "from": {},'
    b' "text": [], "name": 3, "type": 9, "times": "many", "every": -1, "share": "x",'
    b' "category": 4, "components": "x", "language": 1, "messaging_product": 1}',
    b'{"from": "16505551234", "type": "image", "image": "x", "context": 1, "referral": 2}',
    b'{"status": "failed", "code": 99999999999999999999, "details": {}}',
    b'{"name": "x", "category": "UTILITY", "language": "en_US", "components": [1, {}]}',
]
SAMPLES = {"version": "v23.0", "object_id": PHONE_ID, "path": "x/y"}


def _routes() -> list[tuple[str, str]]:
    app = create_app(Simulator())
    found = []
    for route in app.routes:
        if not isinstance(route, Route) or route.path == "/{path:path}":
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            path = re.sub(r"\{([^}:]+)(?::[^}]+)?\}",
                          lambda m: SAMPLES.get(m.group(1), "x"), route.path)
            found.append((method, path))
    return sorted(set(found))


ROUTES = _routes()


@pytest.fixture(scope="module")
def shared() -> Iterator[httpx.Client]:
    sim = Simulator(now=START, seed=1)
    sim.customer("ana").says("hi")
    with sync_client(create_app(sim)) as http:
        http.headers["Authorization"] = f"Bearer {TOKEN}"
        yield http


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_garbage_bodies_get_a_json_answer_never_a_500(shared: httpx.Client, method: str,
                                                       path: str) -> None:
    for body in GARBAGE if method != "GET" else [b""]:
        response = shared.request(method, path, content=body,
                                  headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["code"] != 1, (body, response.text)
            assert isinstance(error["message"], str) and error["fbtrace_id"]


@pytest.mark.parametrize("path", [
    f"/v23.0/{WABA_ID}/message_templates?limit=abc&after=%%%&fields=a,,b",
    f"/v23.0/{WABA_ID}/message_templates?limit=-5&status=NOPE",
    f"/v23.0/{PHONE_ID}?fields=nope",
    "/v23.0/123?fields=",
    "/_sim/messages?to=&status=&type=",
    "/_sim/windows/nobody?phone_number_id=1",
    "/_sim/templates/nope?language=xx",
])
def test_garbage_queries_get_a_json_answer_never_a_500(shared: httpx.Client,
                                                       path: str) -> None:
    response = shared.get(path)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["code"] != 1, response.text
