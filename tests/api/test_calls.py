"""A customer's call opens and refreshes the customer service window (M11; §1.2)."""

from __future__ import annotations

from typing import Any

import httpx
from wasim import Simulator
from wasim.scenario import RunOptions, load_text, run_scenario

from tests.conftest import ANA, MESSAGES, PHONE_ID, WABA_ID, text_message


def _calls(sim: Simulator) -> list[dict[str, Any]]:
    found = []
    for webhook in sim.webhooks:
        if webhook.field == "calls":
            entry = webhook.payload["entry"][0]
            assert entry["id"] == WABA_ID
            found.append(entry["changes"][0]["value"])
    return found


def test_an_answered_call_opens_the_window_and_emits_connect_and_terminate(
        sim: Simulator, client: httpx.Client) -> None:
    """§1.2: the window opens when the user messages or calls."""
    answer = client.post("/_sim/inbound", json={"from": ANA, "type": "call",
                                                "call": {"duration": 45}}).json()
    assert answer["window"]["open"] is True
    connect, terminate = _calls(sim)
    assert connect["metadata"] == {"display_phone_number": "15550783881",
                                   "phone_number_id": PHONE_ID}
    assert connect["contacts"][0]["wa_id"] == ANA
    call = connect["calls"][0]
    assert call["id"].startswith("wacid.")
    assert (call["event"], call["direction"], call["from"], call["to"]) == (
        "connect", "USER_INITIATED", ANA, "15550783881")
    assert call["session"]["sdp_type"] == "offer"
    ended = terminate["calls"][0]
    assert (ended["id"], ended["event"], ended["status"], ended["duration"]) == (
        call["id"], "terminate", "COMPLETED", 45)
    assert int(ended["end_time"]) - int(ended["start_time"]) == 45
    assert answer["call"]["id"] == call["id"]
    assert client.post(MESSAGES, json=text_message()).status_code == 200
    assert sim.messages(to=ANA)[-1].status != "failed"


def test_a_call_refreshes_a_window_about_to_close(sim: Simulator) -> None:
    sim.customer("ana").says("hi")
    sim.advance("23h")
    sim.customer("ana").calls(30)
    sim.advance("23h")
    assert sim.window("ana")["open"] is True
    sim.advance("1h")
    assert sim.window("ana")["open"] is False


def test_a_missed_call_opens_the_window_by_default_and_is_a_setting(sim: Simulator) -> None:
    """Missed calls are UNCERTAIN in §1.2: setting ``missed_call_opens_window``."""
    placed = sim.customer("ana").calls()
    assert placed["terminate"]["status"] == "FAILED"
    assert "duration" not in placed["terminate"]
    assert sim.window("ana")["open"] is True
    sim.advance("25h")
    sim.world.settings.update({"missed_call_opens_window": False})
    sim.customer("ana").calls()
    assert sim.window("ana")["open"] is False
    sim.customer("ana").calls(5)
    assert sim.window("ana")["open"] is True


def test_a_bad_call_is_refused_naming_the_field(client: httpx.Client) -> None:
    for call in ({"duration": 0}, {"duration": "long"}, {"ring": 1}, "x"):
        error = client.post("/_sim/inbound", json={"from": ANA, "type": "call",
                                                   "call": call}).json()["error"]
        assert error["code"] == 100
        assert "'call'" in error["error_data"]["details"] or (
            "'duration'" in error["error_data"]["details"])


def test_a_scenario_step_calls() -> None:
    scenario = load_text("name: c\nstart: 2026-01-05T09:00:00Z\nsteps:\n"
                         "  - call: {from: ana, duration: 20}\n"
                         "    expect: {window: open}\n"
                         "  - send: {to: ana, text: hello}\n"
                         "    expect: {http: 200, statuses: [sent, delivered]}\n",
                         "c.wasim.yaml")[0]
    result = run_scenario(scenario, RunOptions())
    assert result.ok, result.failure
