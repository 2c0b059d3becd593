"""``wasim serve`` with stall probes: what blocks the server's event loop, and for how long.

Not a benchmark of its own: ``soak.py --probe`` starts the server through this script
instead of ``python -m wasim serve`` (same arguments). It times, in the server process:

- ``loop_lag``: how late a 5 ms sleep on the server's loop wakes up (anything that holds
  the loop, or the GIL, shows here); for lags over 50 ms, ``loop_lag_over_50ms_cpu`` is
  the CPU time the loop's thread used meanwhile (far below the lag: it was waiting for
  the GIL, a lock or a CPU, not running);
- each step of the ticker (``tick``: due scheduled work, ``trim``: retention,
  ``freeze``: the collector), the store's snapshot under the lock (``store_take``) and
  its write outside it (``store_write``);
- every ``/_sim/`` request, from the moment the server starts it to its last byte
  (``sim_request``).

At exit it prints one line to stderr, ``stalls: {...}``: for each probe the count, the
total, the largest, and how many took over 10, 25, 50 and 100 ms; and (Linux) the loop
thread's ``schedstat``: seconds it ran, and seconds it was ready to run but waited for a
CPU (other processes on the machine).
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Probe = dict[str, float]
PROBES: dict[str, Probe] = {}
BUCKETS = (10, 25, 50, 100)


def note(name: str, seconds: float) -> None:
    probe = PROBES.setdefault(name, {"n": 0, "total_ms": 0.0, "max_ms": 0.0,
                                     **{f">{b}ms": 0 for b in BUCKETS}})
    ms = seconds * 1000
    probe["n"] += 1
    probe["total_ms"] += ms
    probe["max_ms"] = max(probe["max_ms"], ms)
    for bucket in BUCKETS:
        if ms > bucket:
            probe[f">{bucket}ms"] += 1


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            note(name, time.perf_counter() - started)

    return wrapper


async def watch_loop() -> None:
    while True:
        started, cpu = time.perf_counter(), time.thread_time()
        await asyncio.sleep(0.005)
        lag = time.perf_counter() - started - 0.005
        note("loop_lag", lag)
        if lag > 0.05:  # the loop's thread busy, or waiting (GIL, lock, the OS)?
            note("loop_lag_over_50ms_cpu", time.thread_time() - cpu)


def timed_app(app: Any) -> Any:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/_sim/"):
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await app(scope, receive, send)
        finally:
            took = time.perf_counter() - started
            note("sim_request", took)
            if took > 0.025:
                note(f"sim_request over 25 ms: {scope['method']} {scope['path'][:20]}", took)

    return wrapped


def install() -> None:
    from wasim.delivery import engine
    from wasim.serve import gcpolicy, retention, server, store
    from wasim.simulation import Simulator

    retention.Retention.trim = timed("trim", retention.Retention.trim)  # type: ignore[method-assign]
    gcpolicy.StateFreezer.maybe_freeze = timed(  # type: ignore[method-assign]
        "freeze", gcpolicy.StateFreezer.maybe_freeze)
    Simulator.tick = timed("tick", Simulator.tick)  # type: ignore[method-assign]
    store.Store._take = timed("store_take", store.Store._take)  # type: ignore[method-assign]
    store.Store._write = timed("store_write", store.Store._write)  # type: ignore[method-assign]
    original_deliver = engine.deliver_on_loop

    def deliver_on_loop(eng: Any, loop: asyncio.AbstractEventLoop) -> Any:
        loop.create_task(watch_loop())
        return original_deliver(eng, loop)

    setattr(server, "deliver_on_loop", deliver_on_loop)  # noqa: B010
    original_config = server.uvicorn_config
    setattr(server, "uvicorn_config",  # noqa: B010
            lambda app, **kw: original_config(timed_app(app), **kw))


def main() -> int:
    install()
    from wasim.cli import main as wasim_main

    try:
        return wasim_main(sys.argv[1:])
    finally:
        report: dict[str, Any] = {name: {k: round(v, 1) for k, v in probe.items()}
                                  for name, probe in sorted(PROBES.items())}
        try:  # the loop's thread: seconds on a CPU, seconds runnable but waiting for one
            ran, waited, _ = Path("/proc/thread-self/schedstat").read_text().split()
            report["schedstat_s"] = {"on_cpu": round(int(ran) / 1e9, 1),
                                     "waiting_for_a_cpu": round(int(waited) / 1e9, 1)}
        except (OSError, ValueError):
            pass
        print("stalls: " + json.dumps(report), file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
