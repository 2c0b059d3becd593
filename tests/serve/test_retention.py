"""``retention_messages``: a served simulator keeps a bounded history."""

from __future__ import annotations

import pytest
from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client
from wasim.errors import GraphError
from wasim.serve.retention import Retention
from wasim.simulation import INSPECTED_SLACK

from tests.conftest import ANA, MESSAGES, START, TOKEN, text_message


def _sim() -> Simulator:
    return Simulator(now=START, seed=5, settings={
        "throughput_limit": False, "pair_rate_limit": False, "retention_messages": 100})


def test_the_oldest_finished_messages_go_with_their_journals() -> None:
    sim = _sim()
    sim.inbound(ANA, "hi")
    with sync_client(create_app(sim)) as http:
        ids = [http.post(MESSAGES, json=text_message(body=f"m{i}"),
                         headers={"Authorization": f"Bearer {TOKEN}"}).json()[
                             "messages"][0]["id"] for i in range(250)]
    sim.advance("1s")
    retention = Retention(sim._core, lambda: sim.delivery)
    assert retention.trim() == 150
    assert list(sim.world.messages) == ids[150:]
    assert len(sim.webhooks) <= 400 and len(sim.requests) <= 400
    assert sim.window(ANA)["open"] is True  # windows are never dropped
    assert retention.trim() == 0


def test_unfinished_messages_stay_while_finished_ones_can_go() -> None:
    sim = _sim()
    sim.inbound(ANA, "hi")
    sim.set_progression("manual")
    sim.update_settings({"delivered_after": None})
    with sync_client(create_app(sim)) as http:
        ids = [http.post(MESSAGES, json=text_message(body=f"m{i}"),
                         headers={"Authorization": f"Bearer {TOKEN}"}).json()[
                             "messages"][0]["id"] for i in range(120)]
    for message_id in ids[60:]:
        sim.set_status(message_id, "read")
    Retention(sim._core, lambda: sim.delivery).trim()
    kept = set(sim.world.messages)
    assert len(kept) == 100
    assert set(ids[:60]) <= kept  # the sent-only ones, though older, stayed
    assert not set(ids[60:80]) & kept


def test_pending_deliveries_are_never_dropped() -> None:
    sim = _sim()
    sim.inbound(ANA, "hi")
    engine = sim.attach(lambda headers, body: 500)
    try:
        with sync_client(create_app(sim)) as http:
            for i in range(150):
                http.post(MESSAGES, json=text_message(body=f"m{i}"),
                          headers={"Authorization": f"Bearer {TOKEN}"})
        engine.flush()
        pending = len(engine.pending())
        assert pending >= 300
        assert engine.log.trim(10) == 0
        assert len(engine.pending()) == pending
    finally:
        engine.close()


def test_a_trim_drops_at_most_one_step_and_the_next_trims_go_on() -> None:
    sim = _sim()
    sim.inbound(ANA, "hi")
    with sync_client(create_app(sim)) as http:
        ids = [http.post(MESSAGES, json=text_message(body=f"m{i}"),
                         headers={"Authorization": f"Bearer {TOKEN}"}).json()[
                             "messages"][0]["id"] for i in range(250)]
    sim.advance("1s")
    retention = Retention(sim._core, lambda: sim.delivery)
    assert [retention.trim(step=40) for _ in range(5)] == [40, 40, 40, 30, 0]
    assert list(sim.world.messages) == ids[150:]
    assert retention.dropped == 150


def test_the_delivery_log_keeps_a_webhook_while_a_kept_delivery_carries_it() -> None:
    sim = _sim()
    sim.inbound(ANA, "hi")
    engine = sim.attach(lambda headers, body: 200)
    try:
        sim.send(text_message(body="first"))
        engine.flush()
        event = next(iter(engine.deliveries.values()))
        engine.redeliver(event.webhook_id)
        for i in range(5):
            sim.send(text_message(body=f"m{i}"))
        engine.flush()
        log = engine.log
        total = len(log.deliveries)
        attempts = len(log.attempts)
        assert log.trim(total - 1) == 1  # the event goes, its redelivery stays
        assert event.id not in log.deliveries and event.webhook_id in log.webhooks
        assert log.trimmed["delivered"] == 1
        assert len(log.attempts) + log.trimmed["attempts"] == attempts
        assert log.trim(0) == total - 1
        assert log.deliveries == {} and log.webhooks == {} and log.attempts == []
        assert log.trimmed["attempts"] == attempts
    finally:
        engine.close()


@pytest.mark.parametrize("value", [5, 0, 1.5, "many", True])
def test_retention_takes_a_whole_number_of_at_least_100_or_null(value: object) -> None:
    sim = Simulator()
    with pytest.raises(GraphError) as error:
        sim.update_settings({"retention_messages": value})
    assert error.value.code == 100
    sim.update_settings({"retention_messages": None})
    assert sim.world.settings.retention_messages is None


def test_messages_looked_at_one_by_one_leave_no_trace_once_dropped() -> None:
    """A long-running server asked for message after message (``GET /_sim/messages/ID``
    marks each inspected, for the teardown check of 131047 failures) keeps a bounded set
    of inspected ids: those of dropped messages are forgotten."""
    sim = _sim()
    sim.inbound(ANA, "hi")
    retention = Retention(sim._core, lambda: sim.delivery)
    kept_and_seen = ""
    for round_ in range(30):
        for i in range(100):
            sent = sim.send(text_message(body=f"r{round_} m{i}"))
            kept_and_seen = sent["messages"][0]["id"]
            sim.message(kept_and_seen)
        sim.advance("1s")
        retention.trim()
    assert len(sim.world.messages) == 100
    assert len(sim._inspected) <= 2 * 100 + INSPECTED_SLACK + 1
    assert sim.inspected(kept_and_seen)  # a stored message looked at is still seen
