"""The send path's shortcuts answer exactly what the plain Starlette path answered."""

from __future__ import annotations

import math

import httpx
import pytest
from starlette.responses import JSONResponse
from wasim import Simulator
from wasim.api.graph import GraphJSONResponse

from tests.conftest import MESSAGES, PHONE_ID, TOKEN


@pytest.mark.parametrize("content", [
    {"messaging_product": "whatsapp", "contacts": [{"input": "+55 (11) 9", "wa_id": "5511"}]},
    {"name": "Bruno Díaz", "emoji": "\U0001f600", "n": 1.5, "none": None, "ok": True},
])
def test_graph_json_renders_the_same_bytes(content: dict[str, object]) -> None:
    assert GraphJSONResponse(content).body == JSONResponse(content).body
    assert GraphJSONResponse(content).headers["content-length"] == str(
        len(JSONResponse(content).body))


def test_graph_json_refuses_nan_like_starlette() -> None:
    with pytest.raises(ValueError):
        GraphJSONResponse({"x": math.nan})


def test_sim_paths_ending_in_messages_are_not_sends(client: httpx.Client,
                                                     sim: Simulator) -> None:
    """The send route is tried first but never under /_sim/."""
    answer = client.post(f"/_sim/{PHONE_ID}/messages", json={})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 2500
    assert len(sim.sent) == 0


def test_query_token_still_works_without_header(client: httpx.Client) -> None:
    del client.headers["Authorization"]
    answer = client.post(f"{MESSAGES}?access_token={TOKEN}", json={
        "messaging_product": "whatsapp", "to": "16505551234", "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}}})
    assert answer.status_code == 200
    assert answer.json()["messages"][0]["message_status"] == "accepted"


def test_status_webhooks_are_built_as_they_were_at_emit_time(sim: Simulator) -> None:
    """Bodies are built when read, yet show the contact as it was when they were sent."""
    from wasim.platform.webhooks import status_value
    from wasim.world.journal import envelope

    sim.inbound("16505551234", text="hi")
    sent = sim.send({"messaging_product": "whatsapp", "to": "16505551234", "type": "text",
                     "text": {"body": "hello"}})
    message = sim.message(sent["messages"][0]["id"])
    account = sim.world.first_account()
    phone = account.phone_numbers[PHONE_ID]
    contact = account.contacts["16505551234"]
    expected = [envelope(account.waba_id, "messages",
                         status_value(phone, contact, message, event))
                for event in message.statuses]
    sim.set_contact("16505551234", name="Someone Else")
    got = [w.payload for w in sim.webhooks][-len(expected):]
    assert [g["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] for g in got] == [
        "sent", "delivered"]
    assert got == expected
    assert got[0]["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] == (
        "Ana Souza")


def _send_twice() -> list[tuple[int, dict[str, str], bytes]]:
    from wasim.api import create_app
    from wasim.asgi import sync_client

    from tests.conftest import START, text_message

    answers = []
    for with_middleware in (False, True):
        sim = Simulator(now=START, seed=7)
        sim.inbound("16505551234", text="hi")
        app = create_app(sim)
        if with_middleware:  # any user middleware sends requests the usual way
            from starlette.middleware import Middleware
            from starlette.middleware.base import BaseHTTPMiddleware

            async def passthrough(request: object, call_next: object) -> object:
                return await call_next(request)  # type: ignore[operator]

            app.user_middleware.insert(0, Middleware(BaseHTTPMiddleware, dispatch=passthrough))
        with sync_client(app) as http:
            http.headers["Authorization"] = f"Bearer {TOKEN}"
            for body in (text_message(), {"messaging_product": "whatsapp"}):
                answer = http.post(MESSAGES, json=body)
                answers.append((answer.status_code, dict(answer.headers), answer.content))
            answer = http.post(MESSAGES, json=text_message(), headers={"Authorization": "x"})
            answers.append((answer.status_code, dict(answer.headers), answer.content))
        assert len(sim.requests) == 3
    return answers


def test_direct_send_answers_as_the_router_does() -> None:
    answers = _send_twice()
    direct, routed = answers[:3], answers[3:]
    assert [a[0] for a in direct] == [200, 400, 401]
    assert direct == routed
