"""Delivery on the server's loop: an advance never waits on a receiver, a bot that sends
from inside its webhook handler replies once, and /_sim/deliveries/settle waits."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from wasim import Simulator
from wasim.platform.webhooks import verify
from wasim.serve.server import ThreadedServer

from tests.conftest import ANA, MESSAGES, START, TOKEN, text_message

SECRET = "wasim-app-secret"


class Bot:
    """A webhook receiver in its own thread. For each customer message it calls the send
    API of the simulator *before* it answers 200 (the usual bot shape); ``gate``, when
    set, keeps every answer waiting until it is opened."""

    def __init__(self, api: str | None = None) -> None:
        self.api = api
        self.gate: threading.Event | None = None
        self.posts: list[dict[str, Any]] = []
        self.replies: list[int] = []
        self.bad_signatures = 0
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                challenge = self.path.split("hub.challenge=")[1].split("&")[0]
                self._answer(200, challenge.encode())

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify(body, SECRET, self.headers.get("X-Hub-Signature-256")):
                    bot.bad_signatures += 1
                bot.handle(json.loads(body))
                self._answer(200, b"ok")

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, body: dict[str, Any]) -> None:
        self.posts.append(body)
        if self.gate is not None:
            self.gate.wait(10)
        for entry in body["entry"]:
            for change in entry["changes"]:
                for message in change["value"].get("messages", []):
                    if self.api is not None:
                        answer = httpx.post(
                            f"{self.api}{MESSAGES}", timeout=10,
                            headers={"Authorization": f"Bearer {TOKEN}"},
                            json=text_message(to=message["from"], body="got it"))
                        self.replies.append(answer.status_code)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served() -> Iterator[tuple[Simulator, ThreadedServer, httpx.Client]]:
    sim = Simulator(now=START, seed=3)
    with ThreadedServer(sim) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        yield sim, server, http


def test_a_bot_that_sends_from_its_handler_during_an_advance_replies_once(
        served: tuple[Simulator, ThreadedServer, httpx.Client]) -> None:
    sim, server, http = served
    bot = Bot(server.url)
    try:
        assert http.post("/_sim/webhook", json={"url": bot.url}).json()["verification"]["ok"]
        http.post("/_sim/webhook-drills/delay", json={"by": "30s"})
        http.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
        assert http.post("/_sim/clock/advance", json={"by": "10m"}).status_code == 200
        assert http.post("/_sim/deliveries/settle",
                         json={"timeout": 10}).json()["settled"] is True
        assert bot.replies == [200]
        assert [m.to for m in sim.sent] == [ANA]
        inbound = [d for d in http.get("/_sim/deliveries").json()["data"]
                   if d["state"] == "delivered" and d["attempts"] > 1]
        assert inbound == []  # nothing was redelivered
        assert bot.bad_signatures == 0
    finally:
        bot.stop()


def test_the_server_answers_while_a_receiver_holds_a_delivery(
        served: tuple[Simulator, ThreadedServer, httpx.Client]) -> None:
    _, _, http = served
    bot = Bot()
    try:
        http.post("/_sim/webhook", json={"url": bot.url})
        bot.gate = threading.Event()
        http.post("/_sim/inbound", json={"from": ANA, "text": "hi"})
        assert http.post("/_sim/clock/advance", json={"by": "1h"}).status_code == 200
        assert http.get("/_sim/health").json()["status"] == "ok"
        settle = http.post("/_sim/deliveries/settle", json={"timeout": 0}).json()
        assert settle == {"settled": False, "pending": 1}
        assert bot.gate is not None and not bot.gate.is_set()  # still held meanwhile
        bot.gate.set()
        assert http.post("/_sim/deliveries/settle").json() == {"settled": True, "pending": 0}
        assert len(bot.posts) == 1
    finally:
        if bot.gate is not None:
            bot.gate.set()
        bot.stop()


def test_settle_refuses_a_bad_timeout(
        served: tuple[Simulator, ThreadedServer, httpx.Client]) -> None:
    _, _, http = served
    answer = http.post("/_sim/deliveries/settle", json={"timeout": "soon"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 100
