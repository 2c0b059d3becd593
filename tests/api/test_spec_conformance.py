"""Send responses, error bodies and status webhooks against Meta's OpenAPI spec.

The spec is vendored in tests/data/meta-openapi (the ``spec_check`` fixture of
tests/conftest.py loads it); besides these targeted checks, every answer and webhook of
every test is validated by tests/conformance/collector.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.api.test_send_types import BAD, HAPPY, payload, send, with_uploads
from tests.conftest import MESSAGES, template_message, text_message


def _in_spec(content: Any) -> bool:
    """Whether the v23.0 spec describes this payload: it lacks ``cta_url`` (documented by
    M-CTA, §3) and types coordinates as strings only."""
    if not isinstance(content, dict):
        return True
    return content.get("type") != "cta_url" and not isinstance(content.get("latitude"), float)


@pytest.fixture
def open_window(sim: Simulator) -> str:
    return sim.customer("ana").says("hello").id


@pytest.mark.parametrize(("kind", "content"), HAPPY)
def test_each_send_request_and_its_response_conform(
    spec_check: Any, client: httpx.Client, open_window: str, kind: str, content: Any
) -> None:
    content = with_uploads(client, kind, content)
    request = payload(kind, content)
    if _in_spec(content):
        assert spec_check.check_request(request, op="sendMessage") == []
    response = send(client, kind, content)
    assert spec_check.check_response(response.json(), op="sendMessage", status=200) == []


def test_a_template_send_response_conforms(spec_check: Any, client: httpx.Client) -> None:
    response = client.post(MESSAGES, json=template_message("hello_world"))
    assert response.json()["messages"][0]["message_status"] == "accepted"
    assert spec_check.check_response(response.json(), op="sendMessage", status=200) == []


@pytest.mark.parametrize(("kind", "content", "message", "details"), BAD[:6])
def test_payload_error_bodies_conform(spec_check: Any, client: httpx.Client, open_window: str,
                                      kind: str, content: Any, message: str,
                                      details: str) -> None:
    body = send(client, kind, content).json()
    assert spec_check.check_schema("GraphAPIError", body) == []


@pytest.mark.parametrize(
    ("path", "payload", "headers"),
    [
        pytest.param(MESSAGES, text_message(), {"Authorization": "Bearer nope"}, id="190"),
        pytest.param(MESSAGES, template_message("spring_sale", body=["1"]), {}, id="132015"),
        pytest.param(MESSAGES, template_message("nope"), {}, id="132001"),
        pytest.param(MESSAGES, template_message(body=["x"]), {}, id="132000"),
        pytest.param("/v23.0/123456/messages", text_message(), {}, id="100-33"),
        pytest.param("/v23.0/x/y/z", text_message(), {}, id="2500"),
    ],
)
def test_graph_error_bodies_conform(spec_check: Any, client: httpx.Client, path: str,
                                    payload: dict[str, Any], headers: dict[str, str]) -> None:
    response = client.post(path, json=payload, headers=headers)
    assert response.status_code >= 400
    assert spec_check.check_schema("GraphAPIError", response.json()) == []


def test_the_sync_131047_body_conforms(spec_check: Any, client: httpx.Client,
                                       sim: Simulator) -> None:
    sim.world.settings.update({"window_violation_mode": "sync"})
    response = client.post(MESSAGES, json=text_message())
    assert response.status_code == 400
    assert spec_check.check_schema("GraphAPIError", response.json()) == []


def test_status_webhooks_conform_including_the_131047_failure(
    spec_check: Any, client: httpx.Client, sim: Simulator
) -> None:
    sim.customer("ana").says("hi")
    client.post(MESSAGES, json=text_message())
    sim.advance("25h")
    client.post(MESSAGES, json=text_message())
    kinds = []
    for hook in sim.webhooks:
        assert spec_check.check_webhook(hook.payload) == [], hook.payload
        value = hook.payload["entry"][0]["changes"][0]["value"]
        kinds += [s["status"] for s in value.get("statuses", [])]
    assert kinds == ["sent", "delivered", "failed"]
