"""The send path's shortcuts answer exactly what the plain Starlette path answered."""

from __future__ import annotations

import math

import httpx
import pytest
from starlette.responses import JSONResponse

from simulator import Simulator
from simulator.api.graph import GraphJSONResponse
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
    from simulator.webhooks import envelope, status_value

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
