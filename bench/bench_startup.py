"""How long `wasim serve` takes from launch to its first answer (issue 2: within a second).

Starts ``python -m wasim serve --port 0`` N times, polls ``/_sim/health`` from the
moment the process is spawned, prints each launch-to-first-200 time and the worst.

    python bench/bench_startup.py [N]
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import httpx


def launch_to_first_answer() -> float:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "wasim", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"listening on (http://\S+)$", first.strip())
    if match is None:
        process.kill()
        raise SystemExit(f"unexpected banner: {first!r}")
    url = f"{match.group(1)}/_sim/health"
    with httpx.Client(timeout=5) as client:
        while True:
            try:
                if client.get(url).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.005)
    elapsed = time.perf_counter() - started
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    times = [launch_to_first_answer() for _ in range(runs)]
    for i, seconds in enumerate(times, 1):
        print(f"run {i}: launch to first answer {seconds * 1000:.0f} ms")
    print(f"worst of {runs}: {max(times) * 1000:.0f} ms (bar: 1000 ms)")


if __name__ == "__main__":
    main()
