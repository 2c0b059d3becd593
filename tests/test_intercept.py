from __future__ import annotations

import asyncio
import socket
import urllib.request
from collections.abc import Iterator

import httpx
import pytest
import requests
import requests.adapters
import respx
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import async_client
from wasim.serve.server import ThreadedServer
from wasim.testing.intercept import GraphHostBypassed, Interceptor

from tests.conftest import ANA, PHONE_ID, START, TOKEN, text_message

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def intercepted(sim: Simulator) -> Iterator[Interceptor]:
    with Interceptor(create_app(sim)) as interceptor:
        yield interceptor


@pytest.fixture
def other_server() -> Iterator[ThreadedServer]:
    """A second simulator on a loopback port: a host that is not the Graph API."""
    with ThreadedServer(Simulator(now=START)) as server:
        yield server


@pytest.mark.parametrize("version", ["v19.0", "v23.0", "v99.9"])
def test_sync_client_reaches_the_simulator_at_any_version(
        sim: Simulator, intercepted: Interceptor, version: str) -> None:
    sim.inbound(ANA, text="hi")
    response = httpx.post(f"https://graph.facebook.com/{version}/{PHONE_ID}/messages",
                          json=text_message(), headers=AUTH)
    assert response.status_code == 200
    assert response.json()["messages"][0]["id"] == sim.sent.last.id
    assert sim.requests.last.api_version == version


def test_async_client_reaches_the_simulator(sim: Simulator, intercepted: Interceptor) -> None:
    sim.inbound(ANA, text="hi")

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(base_url="https://graph.facebook.com/v23.0") as client:
            return await client.post(f"/{PHONE_ID}/messages", json=text_message(),
                                     headers=AUTH)

    response = asyncio.run(send())
    assert response.status_code == 200
    assert [m.id for m in sim.sent] == [response.json()["messages"][0]["id"]]


def test_graph_errors_come_back_in_the_graph_envelope(
        sim: Simulator, intercepted: Interceptor) -> None:
    response = httpx.post(f"https://graph.facebook.com/v23.0/{PHONE_ID}/messages",
                          json=text_message(), headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 190


def test_sync_call_from_an_async_function_is_answered(
        sim: Simulator, intercepted: Interceptor) -> None:
    sim.inbound(ANA, text="hi")

    async def blocking_call_inside_a_loop() -> int:
        return httpx.post(f"https://graph.facebook.com/v23.0/{PHONE_ID}/messages",
                          json=text_message(), headers=AUTH).status_code

    assert asyncio.run(blocking_call_inside_a_loop()) == 200
    assert len(sim.sent) == 1


def test_other_hosts_pass_through_untouched(
        sim: Simulator, intercepted: Interceptor, other_server: ThreadedServer) -> None:
    response = httpx.get(f"{other_server.url}/_sim/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert len(sim.requests) == 0


def test_async_other_hosts_pass_through(
        sim: Simulator, intercepted: Interceptor, other_server: ThreadedServer) -> None:
    async def get() -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(f"{other_server.url}/_sim/health")

    assert asyncio.run(get()).json()["status"] == "ok"


def test_stopping_restores_the_network_path(sim: Simulator) -> None:
    interceptor = Interceptor(create_app(sim)).start()
    interceptor.stop()
    interceptor.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get("http://127.0.0.1:9/v23.0/x", timeout=1)
    assert interceptor.started is False


def test_a_respx_mock_of_the_test_still_answers_other_hosts(
        sim: Simulator, intercepted: Interceptor, respx_mock: respx.MockRouter) -> None:
    respx_mock.get("https://api.example.test/ping").respond(json={"pong": True})
    assert httpx.get("https://api.example.test/ping").json() == {"pong": True}
    sim.inbound(ANA, text="hi")
    response = httpx.post(f"https://graph.facebook.com/v23.0/{PHONE_ID}/messages",
                          json=text_message(), headers=AUTH)
    assert response.status_code == 200


def test_two_interceptors_answer_their_own_hosts() -> None:
    first, second = Simulator(now=START), Simulator(now=START)
    with Interceptor(create_app(first), ["graph.facebook.com"]), \
            Interceptor(create_app(second), ["graph.second.test"]):
        httpx.get("https://graph.facebook.com/v23.0/a/b", headers=AUTH)
        httpx.get("https://graph.second.test/v23.0/c/d", headers=AUTH)
    assert [r.path for r in first.requests] == ["/v23.0/a/b"]
    assert [r.path for r in second.requests] == ["/v23.0/c/d"]


def test_an_interceptor_needs_a_host(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="at least one host"):
        Interceptor(create_app(sim), [])


# --- requests, and clients wasim does not intercept ------------------------------------


def test_requests_calls_to_the_graph_host_are_answered_in_process(
        sim: Simulator, intercepted: Interceptor) -> None:
    sim.inbound(ANA, text="hi")
    response = requests.post(f"https://graph.facebook.com/v23.0/{PHONE_ID}/messages",
                             json=text_message(), headers=AUTH, timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["messages"][0]["id"].startswith("wamid.")
    assert [r.path for r in sim.requests] == [f"/v23.0/{PHONE_ID}/messages"]


def test_requests_graph_errors_come_back_in_the_graph_envelope(
        sim: Simulator, intercepted: Interceptor) -> None:
    response = requests.post(f"https://graph.facebook.com/v23.0/{PHONE_ID}/messages",
                             json=text_message(), timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "OAuthException"


def test_requests_to_other_hosts_pass_through(other_server: ThreadedServer,
                                              intercepted: Interceptor) -> None:
    response = requests.get(f"{other_server.url}/_sim/health", timeout=5)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_client_wasim_does_not_intercept_is_stopped_before_the_network(
        sim: Simulator, intercepted: Interceptor) -> None:
    with pytest.raises(OSError, match="whatsapp_server"):  # urllib wraps it in URLError
        urllib.request.urlopen("https://graph.facebook.com/v23.0/me", timeout=5)
    assert intercepted.bypassed == ["graph.facebook.com"]
    assert len(sim.requests) == 0


def test_stopping_restores_requests_and_address_lookups(sim: Simulator) -> None:
    before = (requests.adapters.HTTPAdapter.send, socket.getaddrinfo,
              httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request)
    with Interceptor(create_app(sim)):
        assert requests.adapters.HTTPAdapter.send is not before[0]
        assert socket.getaddrinfo is not before[1]
    assert (requests.adapters.HTTPAdapter.send, socket.getaddrinfo,
            httpx.HTTPTransport.handle_request,
            httpx.AsyncHTTPTransport.handle_async_request) == before


def test_the_lookup_error_is_a_graph_host_bypass(intercepted: Interceptor) -> None:
    with pytest.raises(GraphHostBypassed, match="use the whatsapp_server fixture"):
        socket.getaddrinfo("graph.facebook.com", 443)


@pytest.mark.parametrize("name", ["Graph.Facebook.COM", "graph.facebook.com.",
                                  b"graph.facebook.com"])
def test_the_graph_host_is_stopped_in_any_spelling(intercepted: Interceptor,
                                                   name: str | bytes) -> None:
    with pytest.raises(GraphHostBypassed):
        socket.getaddrinfo(name, 443)
    assert intercepted.bypassed == ["graph.facebook.com"]


def test_a_requests_adapter_called_with_positional_options_is_answered(
        sim: Simulator, intercepted: Interceptor) -> None:
    prepared = requests.Request("GET", f"https://graph.facebook.com/v23.0/{PHONE_ID}",
                                headers=AUTH).prepare()
    adapter = requests.adapters.HTTPAdapter()
    response = adapter.send(prepared, False, 5)
    adapter.close()
    assert response.status_code == 200
    assert response.json()["id"] == PHONE_ID


def test_the_async_client_of_the_seam_reaches_the_app(sim: Simulator) -> None:
    async def send() -> httpx.Response:
        async with async_client(create_app(sim)) as client:
            return await client.post(f"/v23.0/{PHONE_ID}/messages", json=text_message(),
                                     headers=AUTH)

    sim.inbound(ANA, text="hi")
    response = asyncio.run(send())
    assert response.status_code == 200
    assert [m.id for m in sim.sent] == [response.json()["messages"][0]["id"]]
