"""Send speed with ``--data`` against in memory, and send cost as history grows (issue 15).

How to run (the full versions want a quiet machine):

    python bench/bench_persist.py speed --duration 20 --connections 16
    python bench/bench_persist.py history --stored 1000000 --duration 20

``speed``: the same text-send load (``--connections`` kept-alive clients, ``--duration``
seconds) against ``wasim serve`` in memory and with ``--data`` (a fresh directory),
started the same way, one after the other, ``--rounds`` times; prints sends/s of each and
the ratio (the issue asks for >= 0.8).

``history``: one server that keeps its history (no reset): the send rate on the fresh
server, then ``--stored`` more accepted sends, then the send rate again; prints both and
the ratio (the issue asks for >= 0.9 after 1,000,000). ``--data DIR`` adds persistence;
``--server-arg`` passes more (``--set retention_messages=null`` keeps all in memory).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time

from loadkit import Server, Tally, mixed_load, open_windows, print_json, rss_mb

BASE = ["--set", "throughput_limit=false", "--set", "pair_rate_limit=false"]


def rate(server: Server, connections: int, duration: float, mix: str = "text") -> float:
    tally = Tally()
    started = time.monotonic()
    asyncio.run(mixed_load(server.port, connections, duration, tally, mix))
    return tally.accepted_sends / (time.monotonic() - started)


def speed(args: argparse.Namespace) -> None:
    for round_ in range(args.rounds):
        figures = {}
        for label in ("memory", "data"):
            with tempfile.TemporaryDirectory() as data:
                extra = ["--data", data] if label == "data" else []
                server = Server(*BASE, *extra, *args.server_arg).start()
                try:
                    asyncio.run(open_windows(server.port))
                    figures[label] = round(rate(server, args.connections, args.duration))
                finally:
                    server.stop()
        print_json("speed", {"round": round_ + 1, "connections": args.connections,
                             "sends_per_s": figures,
                             "ratio": round(figures["data"] / figures["memory"], 3)})


def history(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        extra = ["--data", args.data or scratch] if args.persist else []
        server = Server(*BASE, *extra, *args.server_arg).start()
        try:
            asyncio.run(open_windows(server.port))
            fresh = rate(server, args.connections, args.duration)
            filled = Tally()
            started = time.monotonic()
            while filled.accepted_sends < args.stored:
                asyncio.run(mixed_load(server.port, args.connections, 5.0, filled, "text"))
            fill_s = time.monotonic() - started
            after = rate(server, args.connections, args.duration)
            print_json("history", {
                "stored": filled.accepted_sends, "fill_s": round(fill_s),
                "fresh_sends_per_s": round(fresh), "after_sends_per_s": round(after),
                "ratio": round(after / fresh, 3), "rss_mb": round(rss_mb(server.pid), 1),
                "persist": args.persist})
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("speed", "history"))
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--persist", action="store_true", help="history: with --data")
    parser.add_argument("--data", help="history: the --data directory")
    parser.add_argument("--server-arg", action="append", default=[])
    args = parser.parse_args()
    speed(args) if args.what == "speed" else history(args)


if __name__ == "__main__":
    main()
