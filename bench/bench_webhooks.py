"""Webhook delivery throughput, and send throughput with delivery on vs off.

    python bench/bench_webhooks.py [--webhooks 2000] [--sends 1000] [--threads 4]

Prints:
  * deliveries/s: signed POSTs to a local receiver (uvicorn on 127.0.0.1, checking every
    signature), one update per POST and batched;
  * sends/s over HTTP (``wasim`` served by uvicorn) without a webhook target and with
    delivery on to the same receiver, and their ratio (the issue asks for >= 0.4).
"""

from __future__ import annotations

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from simulator import Simulator
from simulator.delivery import DeliveryEngine, attach
from simulator.server import ThreadedServer, bind, uvicorn_config
from simulator.webhooks import verify

START = "2026-01-05T09:00:00Z"
SECRET = "wasim-app-secret"
ANA = "16505551234"


class Receiver:
    """A signature-checking receiver served by uvicorn in a thread."""

    def __init__(self) -> None:
        self.count = 0
        self.bad = 0

        async def get(request: Request) -> Response:
            return PlainTextResponse(request.query_params.get("hub.challenge", ""))

        async def post(request: Request) -> Response:
            raw = await request.body()
            if not verify(raw, SECRET, request.headers.get("x-hub-signature-256")):
                self.bad += 1
                return PlainTextResponse("bad signature", status_code=403)
            self.count += 1
            return PlainTextResponse("ok")

        app = Starlette(routes=[Route("/webhook", get, methods=["GET"]),
                                Route("/webhook", post, methods=["POST"])])
        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/webhook"
        self.server = uvicorn.Server(uvicorn_config(app, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


def deliveries_per_second(receiver: Receiver, count: int, batch: int) -> tuple[float, int]:
    sim = Simulator(now=START, seed=1)
    sim.world.settings.update({"webhook_batch_size": batch})
    engine = attach(sim, receiver.url)
    try:
        started = time.perf_counter()
        for i in range(count):
            sim.inbound(ANA, f"message {i}")
        if not engine.flush(timeout=120):
            raise SystemExit("deliveries did not finish within 120 s")
        elapsed = time.perf_counter() - started
        delivered = sum(1 for a in engine.attempts if a.ok)
        return delivered / elapsed, delivered
    finally:
        engine.close()


def sends_per_second(receiver_url: str | None, sends: int,
                     threads: int) -> tuple[float, float, int]:
    """Sends/s while sending, and sends/s counting until every webhook was delivered."""
    # 1000 sends to one customer at one frozen instant: measure delivery, not the §6
    # throughput and pair limits (which would refuse all but the first 45)
    sim = Simulator(now=START, seed=2,
                    settings={"throughput_limit": False, "pair_rate_limit": False})
    engine: DeliveryEngine | None = attach(sim, receiver_url) if receiver_url else None
    sim.inbound(ANA, "hi")
    body: dict[str, Any] = {"messaging_product": "whatsapp", "to": ANA, "type": "text",
                            "text": {"body": "On its way!"}}
    with ThreadedServer(sim) as server:
        url = f"{server.url}/v23.0/{sim.world.first_phone().id}/messages"
        token = next(iter(sim.world.tokens))
        clients = [httpx.Client(headers={"Authorization": f"Bearer {token}"})
                   for _ in range(threads)]

        def run(index: int) -> int:
            client = clients[index]
            ok = 0
            for _ in range(sends // threads):
                ok += client.post(url, json=body).status_code == 200
            return ok

        for client in clients:  # warm the connections
            client.post(url, json=body)
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            ok = sum(pool.map(run, range(threads)))
        elapsed = time.perf_counter() - started
        if engine is not None:
            engine.flush(timeout=120)
        drained = time.perf_counter() - started
        for client in clients:
            client.close()
        if engine is not None:
            engine.close()
    return ok / elapsed, ok / drained, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=2000)
    parser.add_argument("--sends", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with Receiver() as receiver:
        rate, n = deliveries_per_second(receiver, args.webhooks, 1)
        print(f"deliveries/s (1 update per POST):   {rate:8.0f}  ({n} delivered)")
        rate, n = deliveries_per_second(receiver, args.webhooks, 50)
        print(f"deliveries/s (batches of up to 50): {rate:8.0f}  ({n} delivered)")
        bare, _, n1 = sends_per_second(None, args.sends, args.threads)
        print(f"sends/s, no webhook target:          {bare:8.0f}  ({n1} sends, "
              f"{args.threads} threads)")
        on, drained, n2 = sends_per_second(receiver.url, args.sends, args.threads)
        print(f"sends/s, delivery on:                {on:8.0f}  ({n2} sends; "
              f"{drained:.0f}/s counting until every webhook was delivered)")
        print(f"ratio delivery on / bare:            {on / bare:8.2f}  (target >= 0.4; "
              f"{drained / bare:.2f} counting the drain)")
        print(f"receiver: {receiver.count} signed POSTs accepted, {receiver.bad} refused")


if __name__ == "__main__":
    main()
