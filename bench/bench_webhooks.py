"""Webhook delivery throughput, and send throughput with delivery on vs off.

    python bench/bench_webhooks.py [--webhooks 2000] [--sends 1000] [--threads 4]
                                   [--wrk-duration 5] [--wrk-connections 16]

Prints:
  * deliveries/s: signed POSTs to a local receiver (uvicorn on 127.0.0.1 in its own
    process, checking every signature), one update per POST and batched;
  * sends/s over HTTP (``wasim`` served by uvicorn) without a webhook target and with
    delivery on to the same receiver, and their ratio (the issue asks for >= 0.4).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wasim import Simulator
from wasim.delivery.engine import DeliveryEngine, attach
from wasim.platform.webhooks import verify
from wasim.serve.server import ThreadedServer, bind, uvicorn_config

START = "2026-01-05T09:00:00Z"
SECRET = "wasim-app-secret"
ANA = "16505551234"


def receiver_app() -> Starlette:
    """A receiver that checks every signature; ``GET /count`` tells how many it took."""
    counts = {"ok": 0, "bad": 0}

    async def get(request: Request) -> Response:
        return PlainTextResponse(request.query_params.get("hub.challenge", ""))

    async def post(request: Request) -> Response:
        raw = await request.body()
        if not verify(raw, SECRET, request.headers.get("x-hub-signature-256")):
            counts["bad"] += 1
            return PlainTextResponse("bad signature", status_code=403)
        counts["ok"] += 1
        return PlainTextResponse("ok")

    async def count(request: Request) -> Response:
        return PlainTextResponse(f"{counts['ok']} {counts['bad']}")

    return Starlette(routes=[Route("/webhook", get, methods=["GET"]),
                             Route("/webhook", post, methods=["POST"]),
                             Route("/count", count, methods=["GET"])])


class Receiver:
    """The receiver in its own process (as an app under test would be), on 127.0.0.1."""

    def __init__(self) -> None:
        probe = bind("127.0.0.1", 0)
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Receiver:
        self.process = subprocess.Popen([sys.executable, __file__, "--receiver",
                                         str(self.port)])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/count")
                return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise SystemExit("the receiver did not start")

    def counts(self) -> tuple[int, int]:
        ok, bad = httpx.get(f"http://127.0.0.1:{self.port}/count").text.split()
        return int(ok), int(bad)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


def serve_receiver(port: int) -> None:
    sock = bind("127.0.0.1", port)
    uvicorn.Server(uvicorn_config(receiver_app(), lifespan="off")).run(sockets=[sock])


def deliveries_per_second(receiver: Receiver, count: int, batch: int,
                          concurrency: int = 1) -> tuple[float, int]:
    sim = Simulator(now=START, seed=1)
    sim.world.settings.update({"webhook_batch_size": batch,
                               "webhook_concurrency": concurrency})
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
    # the platform's rate limits (§6) would refuse most of a burst to one customer
    sim = Simulator(now=START, seed=2, settings={"throughput_limit": False,
                                                 "pair_rate_limit": False,
                                                 "messaging_limit": False})
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


def core_benchmark(receiver: Receiver, duration: float, connections: int,
                   rounds: int) -> None:
    """bench_serve.py's load (wrk, valid sends) on ``wasim serve`` with and without
    ``--webhook-url``, and on the bare Starlette app; the best round of each."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_serve as core

    if shutil.which("wrk") is None:
        print("core benchmark skipped: wrk is not installed (sudo apt-get install -y wrk)")
        return
    pin = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    server_cpu, load_cpu = (0, 1) if pin else (None, None)
    # one customer at full speed: the platform's rate limits (§6) would refuse most sends
    limits_off = ["--set", "throughput_limit=false", "--set", "pair_rate_limit=false",
                  "--set", "messaging_limit=false"]
    commands: dict[str, Callable[[int], list[str]]] = {
        "bare app": core.bare_command,
        "wasim": lambda port: [*core.wasim_command(port, None), *limits_off],
        "wasim + webhooks": lambda port: [*core.wasim_command(port, None), *limits_off,
                                          "--webhook-url", receiver.url]}
    servers: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    best: dict[str, float] = {}
    backlog = delivered = 0
    drained_best = 0.0
    try:
        for name, command in commands.items():
            port = core.free_port()
            process = subprocess.Popen(core.pinned(server_cpu, command(port)),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            servers[name] = (f"http://127.0.0.1:{port}", process)
            core.wait_ready(servers[name][0], process)
        for _ in range(rounds):
            for name, (url, process) in servers.items():
                kind = "bare" if name == "bare app" else "wasim"
                result = core.measure(kind, url, process.pid, connections, duration, 1.0,
                                      load_cpu)
                if result.errors:
                    print(f"  {name}: {result.errors} errors in a run")
                best[name] = max(best.get(name, 0.0), result.rate)
                if name == "wasim + webhooks":
                    log = core.http("GET", f"{url}/_sim/deliveries?limit=0")
                    backlog = max(backlog, int(log["pending"]))
                    drain_started = time.perf_counter()
                    while log["pending"] and time.perf_counter() - drain_started < 120:
                        time.sleep(0.05)
                        log = core.http("GET", f"{url}/_sim/deliveries?limit=0")
                    drain = time.perf_counter() - drain_started
                    delivered += int(log["delivered"])
                    sends = result.rate * duration
                    drained_best = max(drained_best, sends / (duration + drain))
    finally:
        for _, process in servers.values():
            process.terminate()
            process.wait(timeout=10)
    print(f"core benchmark (bench_serve.py load: wrk, {connections} connections, best of "
          f"{rounds} x {duration:g}s{', server pinned to CPU 0' if pin else ''}):")
    for name, rate in best.items():
        print(f"  {name:<17} {rate:8.0f} sends/s")
    on = best["wasim + webhooks"]
    print(f"  {'(counting the drain)':<17} {drained_best:8.0f} sends/s until every webhook "
          f"was delivered")
    print(f"  ratio wasim + webhooks / bare app: {on / best['bare app']:.2f} (target >= 0.4; "
          f"{drained_best / best['bare app']:.2f} counting the drain); / wasim without "
          f"webhooks: {on / best['wasim']:.2f}")
    print(f"  webhooks delivered during the measured runs: {delivered}; still queued when "
          f"a run ended (at most): {backlog}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=2000)
    parser.add_argument("--sends", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--wrk-duration", type=float, default=5.0,
                        help="seconds per core-benchmark run (0 skips it)")
    parser.add_argument("--wrk-connections", type=int, default=16)
    parser.add_argument("--wrk-rounds", type=int, default=2)
    parser.add_argument("--receiver", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver is not None:
        serve_receiver(args.receiver)
        return
    with Receiver() as receiver:
        rate, n = deliveries_per_second(receiver, args.webhooks, 1)
        print(f"deliveries/s (1 update per POST):   {rate:8.0f}  ({n} delivered)")
        rate, n = deliveries_per_second(receiver, args.webhooks, 1, 4)
        print(f"deliveries/s (4 POSTs in flight):   {rate:8.0f}  ({n} delivered)")
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
        if args.wrk_duration > 0:
            core_benchmark(receiver, args.wrk_duration, args.wrk_connections, args.wrk_rounds)
        ok, bad = receiver.counts()
        print(f"receiver (own process): {ok} signed POSTs accepted, {bad} refused")


if __name__ == "__main__":
    main()
