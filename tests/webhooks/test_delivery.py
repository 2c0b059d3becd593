from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import uvicorn
from wasim import Simulator
from wasim.clock import parse_instant
from wasim.delivery.engine import BACKOFF_SECONDS, DeliveryEngine, attach, backoff, engine_of
from wasim.errors import GraphError
from wasim.platform.webhooks import sign
from wasim.serve.server import bind, uvicorn_config

from tests.conftest import ANA, START, text_message
from tests.webhooks.helpers import SECRET, Receiver, receiver_app


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def engine(sim: Simulator, receiver: Receiver) -> Iterator[DeliveryEngine]:
    engine = attach(sim, receiver)
    yield engine
    engine.close()


def test_attach_makes_the_engine_the_sink_and_skips_the_handshake_for_callables(
        sim: Simulator, engine: DeliveryEngine) -> None:
    assert engine_of(sim) is engine
    assert engine.verification is not None
    assert engine.verification.skipped and engine.verification.ok
    assert attach(sim) is engine


def test_posts_exact_ascii_escaped_bytes_with_signature_and_length(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    sim.inbound(ANA, "Olá, café?", name="José Ñandú")
    assert engine.flush()
    headers, body = receiver.posts[0]
    assert body.isascii()
    assert b"Jos\\u00e9 \\u00d1and\\u00fa" in body
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(body))
    assert headers["X-Hub-Signature-256"] == sign(body, SECRET)
    assert json.loads(body)["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"] == {
        "name": "José Ñandú"}


def test_signature_survives_a_receiver_that_reserialises(sim: Simulator) -> None:
    store: list[tuple[dict[str, str], bytes]] = []
    engine = attach(sim, receiver_app(store, reserialise=True))
    try:
        assert engine.verification is not None and engine.verification.ok
        sim.inbound(ANA, "Ça va? 😀", name="Zoë")
        assert engine.flush()
        assert [a.status_code for a in engine.attempts] == [200]
        assert len(store) == 1
    finally:
        engine.close()


def test_handshake_failure_is_recorded(sim: Simulator) -> None:
    store: list[tuple[dict[str, str], bytes]] = []
    engine = attach(sim, receiver_app(store, token="another-token"))
    try:
        verification = engine.verification
        assert verification is not None
        assert (verification.ok, verification.status_code) == (False, 403)
        assert "expected 200" in (verification.error or "")
    finally:
        engine.close()


def test_handshake_connection_error_is_recorded(sim: Simulator) -> None:
    engine = attach(sim, "http://127.0.0.1:9/webhook")
    try:
        assert engine.verification is not None
        assert engine.verification.ok is False
        assert engine.verification.status_code is None
        assert "ConnectError" in (engine.verification.error or "")
    finally:
        engine.close()


def test_backoff_is_immediate_then_growing_then_hourly() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 8)] == [
        0, 60, 240, 960, 3600, 3600, 3600]
    assert BACKOFF_SECONDS[0] == 0


def test_failed_posts_are_retried_on_the_simulated_clock(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    receiver.fail_first = 3
    sim.inbound(ANA, "hi")
    webhook_id = sim.webhooks.last.id
    engine.flush()
    sim.advance("10m")
    attempts = engine.attempts_of(webhook_id)
    start = parse_instant(START)
    assert [(a.ok, a.status_code, a.at - start) for a in attempts] == [
        (False, 500, timedelta(0)), (False, 500, timedelta(0)),
        (False, 500, timedelta(seconds=60)), (True, 200, timedelta(seconds=300))]
    assert attempts[0].error == "receiver answered HTTP 500"
    assert engine.pending() == []


def test_deliveries_are_dropped_after_the_retry_period(sim: Simulator) -> None:
    receiver = Receiver(status=503)
    sim.world.settings.update({"webhook_retry_seconds": 3600})
    engine = attach(sim, receiver)
    try:
        sim.inbound(ANA, "hi")
        sim.advance("2h")
        assert [d.state for d in engine.dropped] == ["dropped"]
        assert len(engine.attempts) == 5  # 0s, 0s, 60s, 300s, 1260s; next (4860s) > 1 h
        assert engine.pending() == []
    finally:
        engine.close()


def test_a_down_receiver_gets_every_missed_event_in_order_after_two_days(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    receiver.status = 500
    sim.inbound(ANA, "first")
    sim.inbound(ANA, "second")
    sim.advance("2d")
    missed = [w.id for w in sim.webhooks]
    assert len(engine.pending()) == 2
    receiver.status = 200
    sim.advance("1h")
    assert [w.id for w in engine.received()] == missed
    bodies = [body for _, body in receiver.posts]
    assert bodies[-2:] == [json.dumps(w.payload, separators=(",", ":")).encode()
                           for w in sim.webhooks]


def test_pending_deliveries_survive_export_and_import(sim: Simulator) -> None:
    down = Receiver(status=500)
    first = attach(sim, down)
    sim.inbound(ANA, "while you were out")
    first.flush()
    state = json.loads(json.dumps(sim.export_state()))
    first.close()
    assert [d["state"] for d in state["parts"]["deliveries"]["deliveries"]] == ["retrying"]

    other = Simulator(now=START, seed=7)
    up = Receiver()
    engine = attach(other, up)
    try:
        other.import_state(state)
        other.advance("2m")
        assert [b["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"]
                for b in up.bodies] == ["while you were out"]
        assert [a.ok for a in engine.attempts] == [False, False, True]  # 0 s, 0 s, 1 min
    finally:
        engine.close()


def test_redelivery_posts_a_logged_webhook_again(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    sim.inbound(ANA, "hi")
    engine.flush()
    delivery = engine.redeliver(sim.webhooks.last.id)
    engine.flush()
    assert delivery.kind == "redelivery"
    assert receiver.posts[0][1] == receiver.posts[1][1]
    assert [a.kind for a in engine.attempts] == ["event", "redelivery"]


def test_batching_puts_several_updates_in_one_post(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    sim.world.settings.update({"webhook_batch_size": 10})
    engine.pause()
    sim.inbound(ANA, "one")
    sim.inbound(ANA, "two")
    sim.inbound(ANA, "three")
    engine.resume()
    engine.flush()
    assert len(receiver.posts) == 1
    assert [e["changes"][0]["value"]["messages"][0]["text"]["body"]
            for e in receiver.bodies[0]["entry"]] == ["one", "two", "three"]
    assert [a.batch_size for a in engine.attempts] == [3, 3, 3]


def test_duplicate_drill_posts_the_next_webhook_twice(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    engine.drills.duplicate(1)
    sim.inbound(ANA, "one")
    sim.inbound(ANA, "two")
    engine.flush()
    assert [b["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"]
            for b in receiver.bodies] == ["one", "one", "two"]


def test_reorder_drill_posts_held_webhooks_newest_first(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    engine.drills.reorder(3)
    for text in ("one", "two", "three"):
        sim.inbound(ANA, text)
    engine.flush()
    assert [b["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"]
            for b in receiver.bodies] == ["three", "two", "one"]


def test_delay_drill_lets_later_statuses_overtake(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    sim.inbound(ANA, "hi")
    engine.flush()
    engine.drills.delay("30s")
    sim.send(text_message())
    engine.flush()
    assert receiver.statuses() == ["delivered"]
    sim.advance("30s")
    assert receiver.statuses() == ["delivered", "sent"]


def test_reset_clears_the_log(sim: Simulator, engine: DeliveryEngine) -> None:
    sim.inbound(ANA, "hi")
    engine.flush()
    sim.reset()
    assert (engine.attempts, engine.pending()) == ([], [])


def test_no_target_means_no_delivery(sim: Simulator) -> None:
    engine = attach(sim)
    try:
        sim.inbound(ANA, "hi")
        assert engine.flush()
        assert engine.attempts == [] and engine.pending() == []
    finally:
        engine.close()


def test_a_url_target_gets_the_handshake_and_signed_posts(sim: Simulator) -> None:
    store: list[tuple[dict[str, str], bytes]] = []
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(receiver_app(store), lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.005)
    engine = attach(sim, f"http://127.0.0.1:{sock.getsockname()[1]}/webhook")
    try:
        assert engine.verification is not None and engine.verification.ok
        sim.inbound(ANA, "Olá")
        engine.flush()
        assert [a.status_code for a in engine.attempts] == [200]
        assert store[0][0]["x-hub-signature-256"] == sign(store[0][1], SECRET)
        assert store[0][0]["content-length"] == str(len(store[0][1]))
    finally:
        engine.close()
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def test_control_routes(sim: Simulator, client: httpx.Client, receiver: Receiver) -> None:
    engine = attach(sim, receiver)
    try:
        sim.inbound(ANA, "hi")
        engine.flush()
        log = client.get("/_sim/deliveries").json()
        assert (log["target"], log["pending"], log["dropped"]) == ("callable", 0, 0)
        assert log["data"][0]["state"] == "delivered"
        assert log["data"][0]["attempts_log"][0]["status_code"] == 200
        webhook_id = log["data"][0]["webhook_id"]
        answer = client.post(f"/_sim/deliveries/{webhook_id}/redeliver")
        assert (answer.status_code, answer.json()["kind"]) == (200, "redelivery")
        bad = client.post("/_sim/deliveries/nope/redeliver")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
        drill = client.post("/_sim/webhook-drills/reorder", json={"count": 2})
        assert drill.json()["reorder"] == 2
        assert client.delete("/_sim/webhook-drills").json()["reorder"] == 0
        unknown = client.post("/_sim/webhook-drills/shuffle", json={})
        assert unknown.status_code == 400
        assert "unknown drill 'shuffle'" in unknown.json()["error"]["error_data"]["details"]
        bad_url = client.post("/_sim/webhook", json={"url": "ftp://x"})
        assert bad_url.status_code == 400 and bad_url.json()["error"]["code"] == 100
        assert client.post("/_sim/deliveries/retry").json() == {"retrying": 0}
        engine.flush()
        filtered = client.get("/_sim/deliveries?state=redelivery").json()
        assert filtered["error"]["code"] == 100
        latest = client.get("/_sim/deliveries?state=delivered&limit=1").json()
        assert [d["kind"] for d in latest["data"]] == ["redelivery"]
        assert (latest["delivered"], latest["attempts"]) == (2, 2)
    finally:
        engine.close()


def test_webhook_route_sets_a_url_and_reports_the_handshake(
        sim: Simulator, client: httpx.Client) -> None:
    answer = client.post("/_sim/webhook", json={"url": "http://127.0.0.1:9/hook",
                                                "app_secret": "s3cret"})
    engine = engine_of(sim)
    assert engine is not None
    try:
        body = answer.json()
        assert (answer.status_code, body["url"]) == (200, "http://127.0.0.1:9/hook")
        assert body["verification"]["ok"] is False
        assert sim.world.app_secret == "s3cret"
    finally:
        engine.close()


def test_flush_runs_the_immediate_retry(sim: Simulator, engine: DeliveryEngine,
                                        receiver: Receiver) -> None:
    receiver.fail_first = 1
    sim.inbound(ANA, "hi")
    assert engine.flush()
    assert [(a.number, a.status_code) for a in engine.attempts] == [(1, 500), (2, 200)]


def test_a_closed_engine_detaches_and_a_new_one_picks_up_its_log(sim: Simulator) -> None:
    first = attach(sim, Receiver(status=500))
    sim.inbound(ANA, "hi")
    first.flush()
    first.close()
    assert engine_of(sim) is None and sim.delivery is None
    sim.advance("1h")  # no engine: nothing waits, nothing is lost
    state = sim.export_state()
    assert [d["state"] for d in state["parts"]["deliveries"]["deliveries"]] == ["retrying"]
    sim.import_state(state)
    up = Receiver()
    second = attach(sim, up)
    try:
        # its retry job fired with no engine to run it, so the new engine queues it at once
        assert second.flush()
        assert len(up.posts) == 1 and second.pending() == []
    finally:
        second.close()


def test_concurrent_delivery_gets_everything_there(sim: Simulator, receiver: Receiver) -> None:
    sim.world.settings.update({"webhook_concurrency": 4})
    engine = attach(sim, receiver)
    try:
        engine.pause()
        for i in range(20):
            sim.inbound(ANA, f"m{i}")
        engine.resume()
        assert engine.flush()
        assert len(receiver.posts) == 20 and engine.pending() == []
        assert len({a.webhook_id for a in engine.attempts}) == 20
    finally:
        engine.close()


def test_concurrency_is_bounded(sim: Simulator) -> None:
    with pytest.raises(GraphError) as caught:
        sim.world.settings.update({"webhook_concurrency": 0})
    assert caught.value.code == 100


def test_retry_now_keeps_the_order_of_the_events(sim: Simulator, engine: DeliveryEngine,
                                                 receiver: Receiver) -> None:
    receiver.status = 500
    for text in ("one", "two", "three", "four", "five"):
        sim.inbound(ANA, text)
    sim.advance("1d")
    receiver.status = 200
    assert engine.retry_now() == 5
    assert engine.flush()
    assert [b["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"]
            for b in receiver.bodies[-5:]] == ["one", "two", "three", "four", "five"]


def test_drills_through_the_control_routes(sim: Simulator, client: httpx.Client,
                                           receiver: Receiver) -> None:
    engine = attach(sim, receiver)
    try:
        sim.inbound(ANA, "first")
        engine.flush()
        first = sim.webhooks.last.id
        answer = client.post("/_sim/webhook-drills/duplicate", json={"webhook_id": first})
        assert answer.status_code == 200
        engine.flush()
        assert receiver.posts[0][1] == receiver.posts[1][1]
        assert client.post("/_sim/webhook-drills/delay",
                           json={"by": "45s"}).json()["delay"] == 1
        sim.inbound(ANA, "late")
        engine.flush()
        assert len(receiver.posts) == 2
        client.post("/_sim/clock/advance", json={"by": "45s"})
        engine.flush()
        assert receiver.bodies[-1]["entry"][0]["changes"][0]["value"]["messages"][0][
            "text"]["body"] == "late"
        bad = client.post("/_sim/webhook-drills/delay", json={"by": True})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    finally:
        engine.close()


def test_a_null_url_stops_delivery(sim: Simulator, client: httpx.Client,
                                   receiver: Receiver) -> None:
    engine = attach(sim, receiver)
    try:
        answer = client.post("/_sim/webhook", json={"url": None})
        assert answer.json() == {"url": None, "verification": None}
        sim.inbound(ANA, "nobody listens")
        engine.flush()
        assert receiver.posts == [] and engine.pending() == []
        refused = client.post(f"/_sim/deliveries/{sim.webhooks.last.id}/redeliver")
        assert refused.status_code == 400
        assert "no webhook target is set" in refused.json()["error"]["error_data"]["details"]
    finally:
        engine.close()


def test_a_waba_whose_app_unsubscribed_gets_no_webhooks_until_it_subscribes_again(
        sim: Simulator, engine: DeliveryEngine, receiver: Receiver) -> None:
    waba_id = sim.world.first_account().waba_id
    sim.phones.subscribe(waba_id, False)
    sim.inbound(ANA, "anyone there?")
    assert engine.flush()
    assert receiver.posts == [] and engine.deliveries == {}
    assert sim.webhooks.last.value["messages"][0]["text"] == {"body": "anyone there?"}
    sim.phones.subscribe(waba_id, True)
    sim.inbound(ANA, "hello?")
    assert engine.flush()
    assert [json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]["text"]
            for _, body in receiver.posts] == [{"body": "hello?"}]
