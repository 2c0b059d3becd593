"""How much the §6 limit rules cost per send, in process (prints figures, asserts nothing).

Run: python bench/bench_limits.py [N]
"""

from __future__ import annotations

import sys
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from wasim import Simulator
from wasim.rules import limits

CUSTOMERS = [f"1555020{i:04d}" for i in range(79)]
OFF = {"throughput_limit": False, "pair_rate_limit": False, "messaging_limit": False}


def _sends_per_second(n: int, settings: dict[str, bool]) -> float:
    sim = Simulator(now="2026-01-05T09:00:00Z", seed=1, settings={**settings,
                                                                "delivered_after": None})
    for who in CUSTOMERS:
        sim.inbound(who, text="hi")
    start = time.perf_counter()
    for i in range(n):
        if i and i % 79 == 0:
            sim.advance(timedelta(seconds=7))
        body = {"messaging_product": "whatsapp", "to": CUSTOMERS[i % len(CUSTOMERS)],
                "type": "text", "text": {"body": "ping"}}
        sim.send(body)
    return n / (time.perf_counter() - start)


def _rule_calls_per_second(n: int) -> tuple[float, float]:
    t0 = datetime(2026, 1, 5, tzinfo=UTC)
    stamps: deque[datetime] = deque()
    start = time.perf_counter()
    for i in range(n):
        limits.throughput(stamps, t0 + timedelta(milliseconds=i), 1000, 400)
    throughput_rate = n / (time.perf_counter() - start)
    state = None
    start = time.perf_counter()
    for i in range(n):
        state, _ = limits.pair_rate(state, t0 + timedelta(seconds=6 * i), 45, 6.0, 400)
    return throughput_rate, n / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    on = _sends_per_second(n, {})
    off = _sends_per_second(n, OFF)
    tput, pair = _rule_calls_per_second(n * 10)
    print(f"sim.send with limits on : {on:10.0f} sends/s ({n} sends)")
    print(f"sim.send with limits off: {off:10.0f} sends/s")
    print(f"limit overhead per send : {1e6 / on - 1e6 / off:10.1f} us")
    print(f"rules.limits.throughput : {tput:10.0f} calls/s (window of 1000)")
    print(f"rules.limits.pair_rate  : {pair:10.0f} calls/s")


if __name__ == "__main__":
    main()
