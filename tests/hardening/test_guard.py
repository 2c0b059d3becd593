"""The control surface of a served simulator, over real HTTP: Host and Origin checks, the
JSON content type of control calls, the control token and the body limits."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest
from wasim import Simulator
from wasim.api.guard import JSON_LIMIT, Policy, body_limit
from wasim.serve.server import ThreadedServer

from tests.conftest import ANA, MESSAGES, TOKEN, text_message


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(Simulator(now="2026-01-05T09:00:00Z")) as served:
        yield served


def call(server: ThreadedServer, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    """One real HTTP request (``http.client`` sends exactly the headers given)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


JSON = {"Content-Type": "application/json"}


def test_a_page_of_another_origin_cannot_change_the_simulator(server: ThreadedServer) -> None:
    before = server.sim.world.settings.reaction_opens_window
    body = json.dumps({"reaction_opens_window": not before}).encode()
    status, answer = call(server, "POST", "/_sim/settings", body,
                          {**JSON, "Origin": "http://evil.example"})
    assert status == 403
    assert answer["error"]["code"] == 10  # type: ignore[index]
    assert server.sim.world.settings.reaction_opens_window is before
    status, _ = call(server, "POST", "/_sim/reset", None, {"Origin": "http://evil.example"})
    assert status == 403


def test_a_foreign_origin_cannot_send_with_the_well_known_token(server: ThreadedServer) -> None:
    sent = len(server.sim.world.messages)
    status, _ = call(server, "POST", f"{MESSAGES}?access_token={TOKEN}",
                     json.dumps(text_message(to=ANA)).encode(),
                     {"Content-Type": "text/plain", "Origin": "http://evil.example"})
    assert status == 403
    assert len(server.sim.world.messages) == sent


def test_the_servers_own_origin_is_served(server: ThreadedServer) -> None:
    origin = f"http://127.0.0.1:{server.port}"
    status, answer = call(server, "POST", "/_sim/settings",
                          json.dumps({"read_after": 5}).encode(), {**JSON, "Origin": origin})
    assert status == 200 and answer["read_after"] == 5
    status, _ = call(server, "GET", "/_sim/health", None, {"Origin": origin})
    assert status == 200


def test_a_dns_rebinding_host_is_refused(server: ThreadedServer) -> None:
    status, answer = call(server, "GET", "/_sim/state", None, {"Host": "evil.example"})
    assert status == 403 and answer["error"]["code"] == 10  # type: ignore[index]
    for host in ("localhost", f"localhost:{server.port}", "127.0.0.1", "app.localhost"):
        assert call(server, "GET", "/_sim/health", None, {"Host": host})[0] == 200


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded",
                                  "multipart/form-data; boundary=x"])
def test_a_control_body_not_declared_json_is_refused(server: ThreadedServer,
                                                     kind: str) -> None:
    status, answer = call(server, "POST", "/_sim/settings", b'{"read_after": 7}',
                          {"Content-Type": kind})
    assert status == 415 and answer["error"]["code"] == 100  # type: ignore[index]
    assert server.sim.world.settings.read_after != 7


def test_a_body_over_the_limit_is_answered_413_before_it_is_read(
        server: ThreadedServer) -> None:
    status, answer = call(server, "POST", "/_sim/inbound", b"{" + b" " * JSON_LIMIT + b"}",
                          JSON)
    assert status == 413 and answer["error"]["code"] == 100  # type: ignore[index]


def test_a_chunked_body_over_the_limit_is_answered_413(server: ThreadedServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b" " * (JSON_LIMIT // 10)

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/_sim/inbound", body=chunks(),
                           headers={**JSON, "Transfer-Encoding": "chunked"},
                           encode_chunked=True)
        answer = connection.getresponse()
        assert answer.status == 413
    finally:
        connection.close()


def test_a_small_chunked_body_is_served(server: ThreadedServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/_sim/settings", body=iter([b'{"read_after"', b": 9}"]),
                           headers={**JSON, "Transfer-Encoding": "chunked"},
                           encode_chunked=True)
        answer = connection.getresponse()
        assert (answer.status, json.loads(answer.read())["read_after"]) == (200, 9)
    finally:
        connection.close()


def test_body_limits_per_endpoint_family() -> None:
    assert body_limit("POST", MESSAGES) == JSON_LIMIT
    assert body_limit("POST", "/v23.0/1/media") == 101 * 1024 * 1024
    assert body_limit("PUT", "/_sim/state") == 256 * 1024 * 1024
    assert body_limit("POST", "/_sim/media") == 136 * 1024 * 1024


def test_with_a_control_token_control_calls_need_it() -> None:
    sim = Simulator(now="2026-01-05T09:00:00Z")
    policy = Policy.serving("127.0.0.1", control_token="s3cret")
    with ThreadedServer(sim, policy=policy) as served:
        status, answer = call(served, "POST", "/_sim/reset")
        assert status == 401 and answer["error"]["code"] == 190  # type: ignore[index]
        assert call(served, "POST", "/_sim/reset", None,
                    {"Authorization": "Bearer wrong"})[0] == 401
        assert call(served, "POST", "/_sim/reset", None,
                    {"Authorization": "Bearer s3cret"})[0] == 200
        assert call(served, "GET", "/_sim/health?control_token=s3cret")[0] == 200
        # the Graph API keeps its own tokens
        sim.customer(ANA).says("hi")
        status, _ = call(served, "POST", MESSAGES, json.dumps(text_message()).encode(),
                         {**JSON, "Authorization": f"Bearer {TOKEN}"})
        assert status == 200


def test_an_allowed_origin_and_host_are_served() -> None:
    policy = Policy.serving("127.0.0.1", allow_hosts=["wasim.internal"],
                            allow_origins=["http://localhost:3000"])
    with ThreadedServer(Simulator(), policy=policy) as served:
        assert call(served, "GET", "/_sim/health", None,
                    {"Origin": "http://localhost:3000"})[0] == 200
        assert call(served, "GET", "/_sim/health", None, {"Host": "wasim.internal:80"})[0] == 200
        assert call(served, "GET", "/_sim/health", None,
                    {"Origin": "http://localhost:3001"})[0] == 403


def test_on_every_interface_any_ip_literal_is_a_fine_host() -> None:
    policy = Policy.serving("0.0.0.0")
    assert policy.host_allowed("192.168.1.20:8787") and policy.host_allowed("[fe80::1]:80")
    assert not policy.host_allowed("evil.example")
    assert not Policy.serving("127.0.0.1").host_allowed("192.168.1.20")
