"""Soak: 64 connections of mixed traffic against ``wasim serve`` (issue 15's "done when").

How to run (the full version wants a quiet machine, 10 minutes each):

    python bench/soak.py --duration 600                 # plain: errors, RSS over time,
                                                        # /_sim/ answer times
    python bench/soak.py --duration 600 --webhook       # with a signature-checking
                                                        # receiver in its own process
    python bench/soak.py --duration 60 --connections 64 # a short check

The server runs with ``--set throughput_limit=false --set pair_rate_limit=false`` (and the
default ``retention_messages``, unless ``--set retention_messages=...`` is given through
``--server-arg``). The load is the audit's mix: 35% sends inside the window (200 customers
wrote in first), 15% sends to new numbers, 20% template sends, 15% inbound messages, 15%
message reads. The new numbers are numbers never seen before, each one a contact the
simulator keeps (retention never drops contacts), so RSS grows with them; ``--new-numbers
N`` draws them from a customer base of N instead. Every ``--sample`` seconds it prints
RSS, requests so far and the answer times of the ``/_sim/`` listings; with ``--webhook``
also emitted vs delivered webhooks and the backlog. At the end: requests, errors, p50/p99
latency, RSS before and after, and with ``--webhook``: delivered/emitted during the run,
the backlog left, how long it takes to drain, lost events (emitted, never received) and
bad signatures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
from loadkit import (
    Receiver,
    Server,
    Tally,
    control_times,
    free_port,
    mixed_load,
    open_windows,
    print_json,
    rss_mb,
)


def emitted_and_delivered(url: str) -> tuple[int, int, int]:
    """(webhooks emitted, delivered, pending) from the delivery log's counts."""
    log = httpx.get(f"{url}/_sim/deliveries", params={"limit": 0}, timeout=60).json()
    emitted = log["pending"] + log["delivered"] + log["dropped"]
    return emitted, log["delivered"], log["pending"]


def sample_forever(url: str, pid: int, every: float, webhook: bool) -> None:
    """The sampler process: one JSON line of figures every ``every`` seconds."""
    started = time.monotonic()
    while True:
        time.sleep(every)
        sample: dict[str, Any] = {"t": round(time.monotonic() - started),
                                  "rss_mb": round(rss_mb(pid), 1),
                                  "load": os.getloadavg()[0]}
        sample.update(control_times(url))
        if webhook:
            emitted, delivered, pending = emitted_and_delivered(url)
            sample.update(emitted=emitted, delivered=delivered, backlog=pending)
        print(json.dumps(sample), flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--sampler"]:
        url, pid, every, webhook = sys.argv[2:6]
        sample_forever(url, int(pid), float(every), webhook == "1")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--webhook", action="store_true", help="deliver to a receiver")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="webhook_concurrency (lanes) with --webhook")
    parser.add_argument("--data", help="run the server with --data DIR")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="another argument for wasim serve (repeatable)")
    parser.add_argument("--probe", action="store_true",
                        help="serve through bench/stalls.py: print what blocked the loop")
    parser.add_argument("--new-numbers", type=int, default=None, metavar="N",
                        help="send the mix's 15%% to new numbers to a pool of N numbers "
                        "(a customer base of N) instead of a number never seen each time")
    parser.add_argument("--drain", type=float, default=180.0,
                        help="seconds to wait for the backlog after the load")
    args = parser.parse_args()

    receiver = Receiver().start() if args.webhook else None
    server_args = ["--set", "throughput_limit=false", "--set", "pair_rate_limit=false",
                   *args.server_arg]
    if receiver is not None:
        server_args += ["--webhook-url", receiver.url,
                        "--set", f"webhook_concurrency={args.concurrency}"]
    if args.data:
        server_args += ["--data", args.data]
    server = Server(*server_args, port=free_port(), probe=args.probe).start()
    try:
        run(args, server, receiver)
    finally:
        code, err = server.stop()
        lines = [line for line in err.strip().splitlines() if not line.startswith("stalls: ")]
        print_json("server exit", {"code": code, "stderr": lines[-3:]})
        for line in err.splitlines():
            if line.startswith("stalls: "):
                print(line)
        if receiver is not None:
            receiver.stop()


def run(args: argparse.Namespace, server: Server, receiver: Receiver | None) -> None:
    asyncio.run(open_windows(server.port))
    rss_before = rss_mb(server.pid)
    tally = Tally()
    samples: list[dict[str, Any]] = []

    # The samples are taken by a process of their own: a thread of this one would wait
    # for the GIL behind the 64 clients' loop and add that wait to every answer time.
    sampler = subprocess.Popen(
        [sys.executable, __file__, "--sampler", server.url, str(server.pid),
         str(args.sample), "1" if receiver is not None else "0"],
        stdout=subprocess.PIPE, text=True)

    def read_samples() -> None:
        assert sampler.stdout is not None
        for line in sampler.stdout:
            sample = {**json.loads(line), "requests": tally.requests}
            samples.append(sample)
            print_json("sample", sample)

    thread = threading.Thread(target=read_samples, daemon=True)
    thread.start()
    started = time.monotonic()
    asyncio.run(mixed_load(server.port, args.connections, args.duration, tally,
                           new_numbers=args.new_numbers))
    elapsed = time.monotonic() - started
    sampler.terminate()
    sampler.wait()
    thread.join()
    answers = [v for s in samples for k, v in s.items()
               if k.startswith("/_sim/") and not k.endswith("bytes")]
    result: dict[str, Any] = {
        "duration_s": round(elapsed, 1), "connections": args.connections,
        "requests": tally.requests, "req_per_s": round(tally.requests / elapsed),
        "socket_errors": tally.errors,
        "non_200": sum(n for s, n in tally.by_status.items() if s != 200),
        "by_status": tally.by_status, "accepted_sends": tally.accepted_sends,
        "p50_ms": round(tally.percentile(0.50), 2), "p99_ms": round(tally.percentile(0.99), 2),
        "rss_before_mb": round(rss_before, 1), "rss_after_mb": round(rss_mb(server.pid), 1),
        "rss_max_mb": max([s["rss_mb"] for s in samples], default=0),
        "load_avg": os.getloadavg()[0],
        "slowest_sim_answer_ms": max(answers, default=0),
        "sim_answers": len(answers),
        "sim_answers_over_100ms": sum(v > 100 for v in answers),
    }
    if receiver is not None:
        emitted, delivered, pending = emitted_and_delivered(server.url)
        result.update(emitted_during=emitted, delivered_during=delivered,
                      ratio=round(delivered / emitted, 3) if emitted else None,
                      backlog_at_end=pending)
        drain_started = time.monotonic()
        while pending and time.monotonic() - drain_started < args.drain:
            time.sleep(0.5)
            emitted, delivered, pending = emitted_and_delivered(server.url)
        counts = receiver.counts()
        result.update(drain_s=round(time.monotonic() - drain_started, 1),
                      pending_after_drain=pending, receiver=counts,
                      lost=max(0, emitted - pending - counts["distinct"]),
                      unsigned=counts["bad"])
    print_json("result", result)


if __name__ == "__main__":
    main()
