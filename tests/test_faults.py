from __future__ import annotations

import pytest
from wasim import GraphError, Simulator
from wasim.platform.hooks import GraphCall
from wasim.world.models import Token

from tests.conftest import ANA, PHONE_ID, text_message

TOKEN = Token("t")


def call(path: str = f"/v23.0/{PHONE_ID}/messages", method: str = "POST") -> GraphCall:
    return GraphCall(method, path, TOKEN)


def test_a_fault_fires_on_the_next_n_matching_calls_only(sim: Simulator) -> None:
    sim.faults.add(method="POST", path="messages", code=130429, times=2)
    outcomes = [sim.faults.on_call(call()) for _ in range(3)]
    assert [o.error.code if o and o.error else None for o in outcomes] == [130429, 130429, None]


def test_a_fault_ignores_calls_of_another_method_or_path(sim: Simulator) -> None:
    sim.faults.add(method="POST", path="messages", code=131000)
    assert sim.faults.on_call(call(method="GET")) is None
    assert sim.faults.on_call(call(path=f"/v23.0/{PHONE_ID}/media")) is None
    assert sim.faults.to_dict()["calls"][0]["remaining"] == 1


def test_every_nth_fails_the_third_and_sixth_calls(sim: Simulator) -> None:
    sim.faults.add(path="messages", code=2, every=3)
    fired = [i for i in range(1, 8) if sim.faults.on_call(call()) is not None]
    assert fired == [3, 6]


def test_a_seeded_share_fails_the_same_calls_every_run() -> None:
    runs = []
    for _ in range(2):
        sim = Simulator(now="2026-01-05T09:00:00Z")
        sim.faults.add(path="messages", code=131000, share=0.3, seed=42)
        runs.append([i for i in range(50) if sim.faults.on_call(call()) is not None])
    assert runs[0] == runs[1]
    assert 5 <= len(runs[0]) <= 25


def test_a_glob_path_matches_the_whole_path(sim: Simulator) -> None:
    sim.faults.add(path="/v*/*/media", code=131053)
    assert sim.faults.on_call(call(path=f"/v21.0/{PHONE_ID}/media")) is not None


def test_a_latency_only_fault_delays_without_an_error(sim: Simulator) -> None:
    sim.faults.add(path="messages", latency_ms=250)
    outcome = sim.faults.on_call(call())
    assert outcome is not None and outcome.delay == 0.25 and outcome.error is None


def test_a_rate_limit_fault_takes_the_rate_limit_http_status_setting(sim: Simulator) -> None:
    sim.world.settings.update({"rate_limit_http_status": 429})
    sim.faults.add(path="messages", code=130429)
    outcome = sim.faults.on_call(call())
    assert outcome is not None and outcome.error is not None
    assert (outcome.error.code, outcome.error.http_status) == (130429, 429)


def test_an_explicit_status_overrides_the_catalogue(sim: Simulator) -> None:
    sim.faults.add(path="messages", code=1, status=503)
    outcome = sim.faults.on_call(call())
    assert outcome is not None and outcome.error is not None
    assert (outcome.error.code, outcome.error.http_status) == (1, 503)


@pytest.mark.parametrize("kwargs", [
    pytest.param({}, id="neither-code-nor-latency"),
    pytest.param({"code": 1, "times": 0}, id="zero-times"),
    pytest.param({"code": 1, "share": 1.5}, id="share-above-one"),
    pytest.param({"code": 1, "every": 2, "share": 0.5}, id="every-and-share"),
    pytest.param({"code": 1, "method": "FETCH"}, id="bad-method"),
    pytest.param({"code": 1, "status": 42}, id="bad-status"),
    pytest.param({"latency_ms": -1}, id="negative-latency"),
    pytest.param({"code": "x"}, id="code-not-int"),
])
def test_a_malformed_fault_is_refused_with_100(sim: Simulator, kwargs: dict[str, object]) -> None:
    with pytest.raises(GraphError) as exc:
        sim.faults.add(**kwargs)  # type: ignore[arg-type]
    assert exc.value.code == 100


@pytest.mark.parametrize("code", [131026, 131049, 131050, 130472])
def test_fail_next_message_accepts_the_send_then_fails_it_with_the_code(
        sim: Simulator, code: int) -> None:
    sim.customer("ana").says("hi")
    sim.faults.fail_next_message(code)
    response = sim.send(text_message())
    message = sim.message(response["messages"][0]["id"])
    assert message.status == "failed"
    assert message.error is not None and message.error["code"] == code
    second = sim.message(sim.send(text_message())["messages"][0]["id"])
    assert second.status != "failed"


def test_fail_next_message_to_one_customer_spares_the_others(sim: Simulator) -> None:
    sim.customer("ana").says("hi")
    sim.customer("bruno").says("hi")
    sim.faults.fail_next_message(131026, to="bruno")
    first = sim.message(sim.send(text_message())["messages"][0]["id"])
    second = sim.message(sim.send(text_message(to="34612340002"))["messages"][0]["id"])
    assert (first.status, second.status) == ("delivered", "failed")
    assert first.to == ANA


def test_reset_disarms_every_fault(sim: Simulator) -> None:
    sim.faults.add(path="messages", code=1)
    sim.faults.fail_next_message(131026)
    sim.reset()
    assert sim.faults.to_dict() == {"calls": [], "messages": []}


def test_a_reset_numbers_faults_from_one_again_and_clear_does_not(sim: Simulator) -> None:
    assert [sim.faults.add(code=131026).id for _ in range(2)] == ["fault-1", "fault-2"]
    sim.faults.clear()
    assert sim.faults.add(code=131026).id == "fault-3"
    sim.reset()
    assert sim.faults.to_dict() == {"calls": [], "messages": []}
    assert sim.faults.add(code=131026).id == "fault-1"
