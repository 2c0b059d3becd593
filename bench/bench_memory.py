"""Memory per stored message, measured with tracemalloc (issue 15 asks for <= 1 KB).

How to run:

    python bench/bench_memory.py --messages 20000            # in process, no webhook target
    python bench/bench_memory.py --messages 20000 --webhooks # with delivery to a callable

Sends ``--messages`` text messages in process (raw ASGI calls to the app, as ``wasim serve``
would take them, with the platform's rate limits off) to 200 customers whose windows are
open, lets every status progress (``delivered``), then prints the bytes tracemalloc sees
allocated per stored message (the message, its statuses, its webhooks, the Graph request
record and, with ``--webhooks``, its deliveries and attempts), with the biggest
allocation sites.

The calls go straight to the app on one event loop (``wasim.asgi.call``), not through an
httpx client: the figures were the same through ``sync_client``, but tracemalloc charged
part of the simulator's records to httpx and contextlib lines (objects the client freed
went to CPython's free lists and were reused for the records, keeping the first
allocation's place), which hid where the memory really went.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tracemalloc

from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import call

CUSTOMERS = [str(16505550000 + i) for i in range(200)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--webhooks", action="store_true")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--running-clock", action="store_true",
                        help="the clock follows real time, as under wasim serve (each record "
                        "then has a time of its own), instead of standing still")
    args = parser.parse_args()
    start = None if args.running_clock else "2026-01-05T09:00:00Z"
    sim = Simulator(now=start, seed=1, settings={
        "throughput_limit": False, "pair_rate_limit": False, "retention_messages": None})
    engine = sim.attach(lambda headers, body: 200) if args.webhooks else None
    for customer in CUSTOMERS:
        sim.inbound(customer, "hi")
    token = next(iter(sim.world.tokens))
    path = f"/v23.0/{sim.world.first_phone().id}/messages"
    app = create_app(sim)
    headers = [(b"authorization", f"Bearer {token}".encode()),
               (b"content-type", b"application/json")]
    loop = asyncio.new_event_loop()

    def send(i: int) -> None:
        body = json.dumps({"messaging_product": "whatsapp", "to": CUSTOMERS[i % 200],
                           "type": "text",
                           "text": {"body": f"Your order {i} is on its way"}}).encode()
        answer = loop.run_until_complete(
            call(app, "POST", f"http://wasim.test{path}", headers, body))
        assert answer.status == 200, answer.body

    for i in range(200):
        send(i)
    sim.flush()
    gc.collect()
    tracemalloc.start(1)
    before = tracemalloc.take_snapshot()
    for i in range(args.messages):
        send(i)
    sim.advance("1m")
    sim.flush()
    gc.collect()
    after = tracemalloc.take_snapshot()
    loop.close()
    stats = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"messages {args.messages}, webhooks {'on' if args.webhooks else 'off'}: "
          f"{total / args.messages:.0f} bytes per stored message "
          f"({len(sim.world.messages)} messages, {len(sim.webhooks)} webhooks, "
          f"{len(sim.requests)} request records"
          + (f", {len(engine.attempts)} attempts)" if engine is not None else ")"))
    for stat in stats[:args.top]:
        print(f"  {stat.size_diff / args.messages:7.0f} B/message  {stat.traceback}")
    if engine is not None:
        engine.close()


if __name__ == "__main__":
    main()
