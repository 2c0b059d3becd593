"""The customer service window through HTTP (§1): its edges, and 131047 async and sync."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wasim import Simulator

from tests.api.asserts import assert_accepted, assert_graph_error
from tests.conftest import ANA, MESSAGES, PHONE_ID, WABA_ID, template_message, text_message

DETAILS = ("Message failed to send because more than 24 hours have passed since the customer "
           "last replied to this number.")
HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


def write(client: httpx.Client, text: str = "hi") -> None:
    response = client.post("/_sim/inbound", json={"from": ANA, "text": text})
    assert response.status_code == 200, response.text


def advance(client: httpx.Client, by: str) -> None:
    assert client.post("/_sim/clock/advance", json={"by": by}).status_code == 200


def statuses(sim: Simulator, wamid: str) -> list[dict[str, Any]]:
    found = []
    for hook in sim.webhooks:
        for status in hook.payload["entry"][0]["changes"][0]["value"].get("statuses", []):
            if status["id"] == wamid:
                found.append(status)
    return found


@pytest.mark.parametrize(
    ("elapsed", "outcome"),
    [
        pytest.param("23h59m59s", "delivered", id="23:59:59-open"),
        pytest.param("24h", "failed", id="24:00:00-closed"),
        pytest.param("25h", "failed", id="25h-closed"),
    ],
)
def test_the_window_closes_exactly_24_hours_after_the_customer_wrote(
    client: httpx.Client, sim: Simulator, elapsed: str, outcome: str
) -> None:
    write(client)
    advance(client, elapsed)
    wamid = assert_accepted(client.post(MESSAGES, json=text_message()))
    assert sim.message(wamid).status == outcome


def test_a_second_customer_message_refreshes_the_window(client: httpx.Client,
                                                        sim: Simulator) -> None:
    write(client)
    advance(client, "20h")
    write(client, "still there?")
    advance(client, "23h")  # 43 h after the first message, 23 h after the second
    window = client.get(f"/_sim/windows/{ANA}").json()
    assert window == {"open": True, "last_inbound": "2026-01-06T05:00:00+00:00",
                      "closes_at": "2026-01-07T05:00:00+00:00"}
    wamid = assert_accepted(client.post(MESSAGES, json=text_message()))
    assert sim.message(wamid).status == "delivered"


def test_a_template_does_not_open_the_window(client: httpx.Client, sim: Simulator) -> None:
    assert_accepted(client.post(MESSAGES, json=template_message("hello_world")), template=True)
    assert client.get("/_sim/windows/ana").json()["open"] is False
    wamid = assert_accepted(client.post(MESSAGES, json=text_message()))
    assert sim.message(wamid).status == "failed"


def test_a_template_is_delivered_outside_the_window(client: httpx.Client,
                                                    sim: Simulator) -> None:
    write(client)
    advance(client, "25h")
    wamid = assert_accepted(client.post(MESSAGES, json=template_message(body=["Ana", "A-1"])),
                            template=True)
    assert [s["status"] for s in statuses(sim, wamid)] == ["sent", "delivered"]


def test_free_form_outside_the_window_is_accepted_then_fails_with_131047(
    client: httpx.Client, sim: Simulator
) -> None:
    write(client)
    advance(client, "25h")
    wamid = assert_accepted(client.post(MESSAGES, json=text_message(body="Still there?")))
    [failed] = statuses(sim, wamid)  # only `failed`: no sent, no pricing (§1.3)
    assert failed == {
        "id": wamid, "status": "failed", "timestamp": "1767693600", "recipient_id": ANA,
        "errors": [{"code": 131047, "title": "Re-engagement message",
                    "message": "Re-engagement message", "error_data": {"details": DETAILS},
                    "href": HREF}],
    }
    hook = sim.webhooks[-1].payload
    assert hook["entry"][0]["id"] == WABA_ID
    assert hook["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] == PHONE_ID
    recorded = client.get("/_sim/messages", params={"status": "failed"}).json()["data"]
    assert [m["id"] for m in recorded] == [wamid]
    assert recorded[0]["error"]["code"] == 131047


def test_sync_mode_refuses_free_form_outside_the_window_with_400(
    client: httpx.Client, sim: Simulator
) -> None:
    response = client.post("/_sim/settings", json={"window_violation_mode": "sync"})
    assert response.json()["window_violation_mode"] == "sync"
    write(client)
    advance(client, "24h")
    assert_graph_error(client.post(MESSAGES, json=text_message()), status=400, code=131047,
                       message="(#131047) Re-engagement message", details=DETAILS)
    assert len(sim.sent) == 0
    assert_accepted(client.post(MESSAGES, json=template_message("hello_world")), template=True)


