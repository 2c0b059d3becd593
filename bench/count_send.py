"""Count the CPU instructions one send costs in-process, under valgrind's callgrind.

    python bench/count_send.py [--sends 1000] [--bare] [--kind text|template]

Timings on a shared machine move by 10-30% between runs; instruction counts do not
(the same code, input and interpreter give the same count to within a few hundred).
This script runs the in-process send loop of ``bench/profile_send.py`` (every request
through the whole app, the delivery engine attached as ``wasim serve`` has it, the
collector's automatic passes off as ``wasim serve`` has them) twice under callgrind, with
200 and with 200 + ``--sends`` sends, and prints the difference per send: start-up and
warm-up cancel out. ``--bare`` counts ``bench/bare_app.py`` the same way. The app is
wrapped in the request guard of ``wasim serve`` (``wasim.api.guard``), and ``--kind``
picks the send of ``bench/bench_serve.py`` to repeat: a free-form ``text`` or a
``template`` (``shipping_update`` with its two body parameters).

It counts instructions, not cache misses or system calls, so it is a meter for changes
to the Python code of the send path, not a prediction of the served rate
(``bench/bench_serve.py`` measures that). Needs ``valgrind`` (Debian/Ubuntu:
``sudo apt-get install -y valgrind``); each run takes about 20 s.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WARMUP = 200


def _drive(sends: int, bare: bool, kind: str) -> None:
    """The measured program (run under valgrind): warm up, then ``sends`` sends."""
    sys.path.insert(0, str(HERE))
    import json

    import bench_serve
    import profile_send
    from wasim.api import create_app
    from wasim.api.guard import Guard, Policy
    from wasim.delivery.engine import attach
    from wasim.simulation import Simulator

    body = json.dumps(bench_serve.KINDS[kind]).encode()
    profile_send.BODY = body
    profile_send.SCOPE["headers"] = [
        *(h for h in profile_send.SCOPE["headers"] if h[0] != b"content-length"),
        (b"content-length", str(len(body)).encode())]
    gc.disable()  # as `wasim serve`, whose StateFreezer replaces the automatic passes
    app: Any
    if bare:
        import bare_app

        app = bare_app.app
    else:
        sim = Simulator(settings=profile_send.BENCH_SETTINGS)
        attach(sim)
        sim.inbound(profile_send.CUSTOMER, text="Where is my order?")
        app = Guard(create_app(sim), sim, Policy.serving("127.0.0.1"))
    asyncio.run(profile_send.drive(app, WARMUP))
    if sends:
        asyncio.run(profile_send.drive(app, sends))


def _instructions(sends: int, bare: bool, kind: str) -> int:
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
            __file__, "--drive", str(sends), "--kind", kind] + (["--bare"] if bare else [])
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"count_send: valgrind run failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=1000)
    parser.add_argument("--bare", action="store_true", help="count bench/bare_app.py instead")
    parser.add_argument("--kind", choices=("text", "template"), default="text")
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive is not None:
        _drive(args.drive, args.bare, args.kind)
        return 0
    if shutil.which("valgrind") is None:
        print("count_send: valgrind is not installed (sudo apt-get install -y valgrind)",
              file=sys.stderr)
        return 2
    base = _instructions(0, args.bare, args.kind)
    loaded = _instructions(args.sends, args.bare, args.kind)
    name = "bare app" if args.bare else "wasim"
    print(f"{name}: {(loaded - base) / args.sends:,.0f} instructions per {args.kind} send "
          f"({args.sends} sends after {WARMUP} warm-up, callgrind)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
