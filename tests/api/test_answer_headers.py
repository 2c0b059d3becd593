"""Graph's headers on success answers (§11; audit 2, L11)."""

from __future__ import annotations

import re

import httpx
import pytest
from wasim import Simulator

from tests.conftest import MESSAGES, PHONE_ID, TOKEN, text_message
from tests.template_bodies import TEMPLATES

TRACE_ID = re.compile(r"^[A-Za-z0-9_-]{23}$")


def assert_graph_headers(response: httpx.Response, version: str) -> str:
    assert response.status_code == 200, response.text
    trace = response.headers["x-fb-trace-id"]
    assert TRACE_ID.match(trace), trace
    assert response.headers["facebook-api-version"] == version
    return trace


def test_a_send_answers_with_a_trace_id_and_the_version_served(
        client: httpx.Client) -> None:
    client.post("/_sim/inbound", json={"from": "16505551234", "text": "hi"})
    first = assert_graph_headers(client.post(MESSAGES, json=text_message()), "v23.0")
    second = assert_graph_headers(client.post(MESSAGES, json=text_message()), "v23.0")
    assert first != second


def test_the_send_without_the_fast_path_has_the_same_headers(client: httpx.Client) -> None:
    """A query-string token takes the routed path instead of the send shortcut."""
    del client.headers["Authorization"]
    response = client.post(f"/v21.0/{PHONE_ID}/messages?access_token={TOKEN}",
                           json={"messaging_product": "whatsapp", "to": "16505551234",
                                 "type": "template", "template": {
                                     "name": "hello_world", "language": {"code": "en_US"}}})
    assert_graph_headers(response, "v21.0")


@pytest.mark.parametrize("path", [f"/v22.0/{PHONE_ID}", TEMPLATES.replace("v23.0", "v22.0")])
def test_reads_answer_with_the_headers_too(client: httpx.Client, path: str) -> None:
    assert_graph_headers(client.get(path), "v22.0")


def test_success_trace_ids_leave_the_other_ids_as_they_were() -> None:
    """Minting a trace id per answer takes nothing from the seeded id stream."""
    a, b = Simulator(seed=3), Simulator(seed=3)
    for _ in range(5):
        a._core.ids.answer_trace_id()
    assert a._core.ids.wamid() == b._core.ids.wamid()
    assert Simulator(seed=3)._core.ids.answer_trace_id() == (
        Simulator(seed=3)._core.ids.answer_trace_id())
