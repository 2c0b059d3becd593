"""The issue's "done when": a receiver behind ``wasim serve`` misses two days and loses
nothing, across an export and re-import of the state."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import httpx
from wasim import Simulator
from wasim.delivery.engine import engine_of
from wasim.platform.webhooks import encode
from wasim.serve.server import ThreadedServer

from examples.webhook_receiver import make_server
from tests.conftest import ANA, MESSAGES, START, TOKEN, text_message


class Receiver:
    def __init__(self, port: int, log: Path) -> None:
        self.out = io.StringIO()
        self.server = make_server(port, "wasim-app-secret", "wasim-verify-token",
                                  self.out, str(log))
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_a_receiver_down_for_two_days_gets_every_event_exactly_as_logged(
        tmp_path: Path) -> None:
    log = tmp_path / "bodies.jsonl"
    closing: list[httpx.Client] = []
    receiver = Receiver(0, log)
    sim = Simulator(now=START, seed=11)
    with ThreadedServer(sim) as server:
        http = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})
        closing.append(http)
        hook = http.post("/_sim/webhook",
                         json={"url": f"http://127.0.0.1:{receiver.port}/webhook"}).json()
        assert hook["verification"]["ok"] is True
        http.post("/_sim/inbound", json={"from": ANA, "name": "José Ñúñez", "text": "Olá!"})
        wamid = http.post(MESSAGES, json=text_message(body="Bom dia")).json()["messages"][0]["id"]
        http.post(f"/_sim/messages/{wamid}/status", json={"status": "read"})
        engine = engine_of(sim)
        assert engine is not None and engine.flush()
        lines = receiver.out.getvalue().splitlines()
        assert lines[0].endswith("(José Ñúñez): text Olá!")
        assert lines[1:] == [f"status sent for {wamid[-8:]} pricing=free_customer_service/service",
                             f"status delivered for {wamid[-8:]} "
                             "pricing=free_customer_service/service",
                             f"status read for {wamid[-8:]}"]

        receiver.stop()
        before = len(sim.webhooks)
        second = http.post(MESSAGES, json=text_message(body="Ainda aí?")).json()
        http.post(f"/_sim/messages/{second['messages'][0]['id']}/status",
                  json={"status": "read"})
        http.post("/_sim/clock/advance", json={"by": "2d"})  # returns at once; then
        assert http.post("/_sim/deliveries/settle").json() == {"settled": True, "pending": 3}
        missed = list(sim.webhooks)[before:]
        log_now = http.get("/_sim/deliveries").json()
        assert log_now["pending"] == 3 and log_now["dropped"] == 0
        state = http.get("/_sim/state").json()
        engine.close()

    other = Simulator(seed=11)
    with ThreadedServer(other) as server:
        http = httpx.Client(base_url=server.url)
        closing.append(http)
        receiver = Receiver(receiver.port, log)
        assert http.put("/_sim/state", content=json.dumps(state),
                        headers={"Content-Type": "application/json"}).json() == {"success": True}
        http.post("/_sim/webhook", json={"url": f"http://127.0.0.1:{receiver.port}/webhook"})
        assert http.post("/_sim/deliveries/retry").json() == {"retrying": 3}
        engine = engine_of(other)
        assert engine is not None and engine.flush()
        receiver.stop()
        assert http.get("/_sim/deliveries").json()["pending"] == 0
        engine.close()
    for client in closing:
        client.close()
    bodies = log.read_bytes().splitlines()
    assert bodies[-3:] == [encode(w.payload) for w in missed]
