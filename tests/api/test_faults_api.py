from __future__ import annotations

from typing import Any

import httpx
from wasim import Simulator

from tests.conftest import MESSAGES, text_message


def send(client: httpx.Client) -> httpx.Response:
    return client.post(MESSAGES, json=text_message())


def test_a_131026_fault_fails_the_next_send_with_its_envelope(
        sim: Simulator, client: httpx.Client, spec_check: Any) -> None:
    sim.customer("ana").says("hi")
    armed = client.post("/_sim/faults", json={"method": "POST", "path": "messages",
                                              "code": 131026})
    assert armed.status_code == 200 and armed.json()["remaining"] == 1
    failed = send(client)
    assert failed.status_code == 400
    error = failed.json()["error"]
    assert (error["code"], error["message"]) == (131026, "(#131026) Message undeliverable")
    assert spec_check.check_error(failed.json()) == []
    assert send(client).status_code == 200
    assert [r.error_code for r in sim.requests] == [131026, None]


def test_a_130429_storm_fails_ten_calls_then_lets_the_retry_through(
        sim: Simulator, client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    client.post("/_sim/faults", json={"path": "messages", "code": 130429, "times": 10})
    statuses = [send(client).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [200]
    assert client.get("/_sim/faults").json()["calls"][0]["fired"] == 10


def test_a_fault_with_a_given_http_status_answers_it(client: httpx.Client) -> None:
    client.post("/_sim/faults", json={"path": "messages", "code": 2, "status": 503})
    response = send(client)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == 2


def test_a_latency_fault_still_answers_normally(sim: Simulator, client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    client.post("/_sim/faults", json={"path": "messages", "latency_ms": 1})
    assert send(client).status_code == 200


def test_an_async_message_fault_over_http_fails_the_status(
        sim: Simulator, client: httpx.Client) -> None:
    sim.customer("ana").says("hi")
    armed = client.post("/_sim/faults/messages", json={"code": 131049, "to": "ana"})
    assert armed.json()["remaining"] == 1
    wamid = send(client).json()["messages"][0]["id"]
    record = sim.message(wamid)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == 131049


def test_delete_disarms_all_faults(client: httpx.Client) -> None:
    client.post("/_sim/faults", json={"code": 1})
    assert client.delete("/_sim/faults").json() == {"success": True}
    assert client.get("/_sim/faults").json() == {"calls": [], "messages": []}


def test_an_unknown_fault_field_is_refused_with_100(client: httpx.Client) -> None:
    response = client.post("/_sim/faults", json={"code": 1, "often": True})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert "often" in response.json()["error"]["error_data"]["details"]


def test_a_message_fault_without_a_code_is_refused(client: httpx.Client) -> None:
    response = client.post("/_sim/faults/messages", json={"to": "ana"})
    assert response.json()["error"]["code"] == 100
