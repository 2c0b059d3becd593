"""Drive the send path in-process (raw ASGI calls, no sockets) and print sends/s.

    python bench/profile_send.py [--sends 20000] [--rounds 3] [--profile]

Each call goes through the whole Starlette app of ``create_app(sim)`` as uvicorn would
call it, so the figure is the simulator's cost per send without the server and network.
``--profile`` prints the top of a cProfile run instead.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from typing import Any

from wasim.api import create_app
from wasim.serve.gcpolicy import StateFreezer
from wasim.simulation import Simulator

PHONE_ID = "106540352242922"
BENCH_SETTINGS = {"throughput_limit": False, "pair_rate_limit": False}
"""As bench_serve.py: only the per-number rate limits are off (they refuse a load test)."""
CUSTOMER = "16505551234"
BODY = json.dumps({"messaging_product": "whatsapp", "recipient_type": "individual",
                   "to": CUSTOMER, "type": "text",
                   "text": {"body": "Your order A-1001 has shipped."}}).encode()
SCOPE: dict[str, Any] = {
    "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
    "scheme": "http", "path": f"/v23.0/{PHONE_ID}/messages", "raw_path": b"",
    "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8787),
    "headers": [(b"host", b"127.0.0.1:8787"), (b"content-type", b"application/json"),
                (b"authorization", b"Bearer wasim-token"),
                (b"content-length", str(len(BODY)).encode())],
}


async def drive(app: Any, sends: int) -> int:
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    freezer = StateFreezer(every=0.2)  # as `wasim serve` does (wasim.serve.gcpolicy)
    for i in range(sends):
        await app(dict(SCOPE), receive, send)
        if i % 200 == 0:
            freezer.maybe_freeze()
    freezer.thaw()
    return sum(1 for s in statuses if s != 200)


def measure(sends: int) -> float:
    """Sends per CPU second through a fresh simulator's app (every send must succeed)."""
    sim = Simulator(settings=BENCH_SETTINGS)
    sim.inbound(CUSTOMER, text="Where is my order?")
    app = create_app(sim)
    asyncio.run(drive(app, 200))
    started = time.process_time()
    errors = asyncio.run(drive(app, sends))
    elapsed = time.process_time() - started
    if errors or sim.messages(status="failed"):
        raise SystemExit("profile_send: a send failed; the load is not valid")
    return sends / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if not args.profile:
        best = max(measure(args.sends) for _ in range(args.rounds))
        print(f"{best:.0f} sends/s in-process (best of {args.rounds} rounds of "
              f"{args.sends} sends, CPU time)")
        return
    sim = Simulator(settings=BENCH_SETTINGS)
    sim.inbound(CUSTOMER, text="Where is my order?")
    app = create_app(sim)
    asyncio.run(drive(app, 200))
    started = time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    errors = asyncio.run(drive(app, args.sends))
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    failed = len(sim.messages(status="failed"))
    print(f"{args.sends / elapsed:.0f} sends/s in-process ({args.sends} sends, "
          f"{errors} non-200, {failed} failed)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
