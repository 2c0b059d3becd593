"""The ``--data`` writer's CPU per send, in-process (issue 15's send speed with ``--data``).

    python bench/bench_store.py [--sends 40000] [--warmup 25000] [--every 2500] [--rounds 2]

Builds the simulator as ``wasim serve --data`` does (the delivery engine attached, the
retention of the server trimming after each batch, a :class:`~wasim.serve.store.Store` on
a fresh directory) and drives free-form text sends through the ASGI app directly (the
calls of ``bench/profile_send.py``, to one customer with an open window). Every
``--every`` sends (about what a loaded server answers between two flushes, 0.5 s) it
calls ``store.flush()`` in the same thread. Statuses progress as the server's do (the
default settings: ``sent`` and ``delivered`` at once; ``--read`` adds ``read`` after 0
seconds, the worst case: three statuses per send). ``--webhooks`` gives the engine a
target (a function answering 200 at once), so every status webhook is a delivery the
writer writes, with its attempt.

Prints, after ``--warmup`` sends (past the retention limit, so trimming and eviction are
in the figure), per send: the send path's CPU with and without the store (thread CPU
time of the sends and the trims) and the writer's CPU (thread CPU time of the flushes).
Also printed: how long each flush held the simulator's lock (taking what changed, the
part every request waits for), its mean and its longest.
Thread CPU time is not taken by other processes on a shared machine, so the figures hold
on a busy one (to within ~10%); the best of ``--rounds`` is printed.

The served ratio follows roughly: ``memory / (memory + writer + send overhead)`` of
server CPU per send (``bench/bench_persist.py speed`` measures it over sockets).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profile_send
from wasim.api import create_app
from wasim.serve.retention import Retention
from wasim.serve.store import Store
from wasim.simulation import Simulator


def run(sends: int, warmup: int, every: int, data: str | None, read: bool,
        webhooks: bool = False) -> tuple[float, float, int, list[float]]:
    """(send CPU per send, writer CPU per send, rows written, seconds each flush held
    the lock) after ``warmup`` sends."""
    settings: dict[str, Any] = dict(profile_send.BENCH_SETTINGS)
    if read:
        settings["read_after"] = 0
    sim = Simulator(settings=settings)
    sim.inbound(profile_send.CUSTOMER, text="Where is my order?")
    core = sim._core
    store = Store(data) if data is not None else None
    evicted = (lambda ids: store.evicted(core, ids)) if store is not None else None
    retention = Retention(core, lambda: sim.delivery, evicted)
    engine = sim.attach((lambda headers, body: 200) if webhooks else None)
    held: list[float] = []
    if store is not None:
        store.bind(core, engine)
        store.flush()
        take = store._take

        def timed_take(core: Any) -> Any:  # called with the lock held
            started = time.perf_counter()
            try:
                return take(core)
            finally:
                held.append(time.perf_counter() - started)

        store._take = timed_take  # type: ignore[method-assign]
    app = create_app(sim)
    send_cpu = write_cpu = 0.0
    rows = done = 0
    gc.disable()
    try:
        while done < warmup + sends:
            started = time.thread_time()
            errors = asyncio.run(profile_send.drive(app, every))
            if webhooks:
                engine.flush()
            sim.tick()
            retention.trim()
            sent = time.thread_time()
            written = store.flush() if store is not None else 0
            flushed = time.thread_time()
            if errors:
                raise SystemExit("bench_store: a send failed; the load is not valid")
            if done < warmup:
                held.clear()
            else:
                send_cpu += sent - started
                write_cpu += flushed - sent
                rows += written
            done += every
    finally:
        gc.enable()
        if store is not None:
            store.close()
        engine.close()
    measured = done - warmup
    return send_cpu / measured, write_cpu / measured, rows, held


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=40000)
    parser.add_argument("--warmup", type=int, default=25000)
    parser.add_argument("--every", type=int, default=2500, help="sends between flushes")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many")
    parser.add_argument("--read", action="store_true", help="read statuses too")
    parser.add_argument("--webhooks", action="store_true",
                        help="a webhook target answering 200: deliveries are written too")
    args = parser.parse_args()
    memory: list[float] = []
    sending: list[float] = []
    writing: list[float] = []
    rows = 0
    holds: list[float] = []
    for _ in range(args.rounds):
        memory.append(run(args.sends, args.warmup, args.every, None, args.read,
                          args.webhooks)[0])
        with tempfile.TemporaryDirectory() as directory:
            send, write, rows, held = run(args.sends, args.warmup, args.every, directory,
                                          args.read, args.webhooks)
            size = os.path.getsize(Path(directory) / "wasim.sqlite3")
        sending.append(send)
        writing.append(write)
        holds += held
    us = 1e6
    best_memory, best_send, best_write = min(memory), min(sending), min(writing)
    total = best_send + best_write
    print(f"in memory: send {best_memory * us:.1f} us/send")
    print(f"--data:    send {best_send * us:.1f} us/send + writer {best_write * us:.1f} "
          f"us/send = {total * us:.1f} us/send ({rows / args.sends:.2f} rows/send, file "
          f"{size / 1e6:.1f} MB)")
    print(f"lock held per flush: mean {sum(holds) / len(holds) * 1e3:.1f} ms, longest "
          f"{max(holds) * 1e3:.1f} ms ({len(holds)} flushes)")
    print(f"memory / --data CPU: {best_memory / total:.2f} (best of {args.rounds}, "
          f"{args.sends} sends after {args.warmup}, a flush every {args.every})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
