"""Load ``wasim serve`` and a bare Starlette app with wrk; print sends/s, latency and ratio.

    python bench/bench_serve.py [--duration 10] [--rounds 3] [--connections 16,64]
                                [--kinds text,template]

Both servers run in this one invocation, on loopback, each as one uvicorn worker: ``wasim
serve`` exactly as a user starts it (default world, default settings), and
``bench/bare_app.py`` (uvloop, httptools, no access log) answering the same JSON round trip.
The server runs on CPU 0 and wrk (one thread) on CPU 1 via ``taskset``. Runs alternate
between the two servers for several rounds; the best rate of each is kept, as other
processes on the machine disturb single runs.

The load is valid sends that succeed with the rules on: before each wasim run the state is
reset and the customer writes in through ``/_sim/inbound``, so the 24-hour window is open
and every free-form text send is accepted and moves through ``sent`` and ``delivered``.
Two kinds of send are measured (``--kinds``): a free-form ``text`` send and a ``template``
send (the default world's ``shipping_update``, a UTILITY template, with its two body
parameters), which also renders and checks the template and charges it.
Switched off, as benchmarking noise, are only the two per-number rate limits of §6
(``--set throughput_limit=false --set pair_rate_limit=false``): the platform caps a number
at 1,000 messages/s (80 by default) and a customer at one message per 6 s, so a load test
would measure refusals. Every other rule (window, payload checks, messaging limit, pricing,
status progression, registration and media checks) stays on. No webhook URL is configured
(there is no receiver to load); uvicorn's access log is off, as it is by default in ``wasim
serve``. After each run the script checks that no send was recorded as ``failed``.

Needs ``wrk`` (Debian/Ubuntu: ``sudo apt-get install -y wrk``; macOS: ``brew install wrk``)
and, for pinning, ``taskset`` (util-linux). Exits 1 when the bar is missed: ratio
wasim/bare >= 0.6 with zero errors at every connection count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TOKEN = "wasim-token"
PHONE_ID = "106540352242922"
CUSTOMER = "16505551234"
SEND = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER,
        "type": "text", "text": {"body": "Your order A-1001 has shipped."}}
TEMPLATE_SEND = {"messaging_product": "whatsapp", "recipient_type": "individual",
                 "to": CUSTOMER, "type": "template",
                 "template": {"name": "shipping_update", "language": {"code": "en_US"},
                              "components": [{"type": "body", "parameters": [
                                  {"type": "text", "text": "Ana"},
                                  {"type": "text", "text": "A-1001"}]}]}}
KINDS = {"text": SEND, "template": TEMPLATE_SEND}
BAR = 0.6
BENCH_SETTINGS = {"throughput_limit": "false", "pair_rate_limit": "false"}
"""The only rules switched off: the per-number rate limits (§6), which refuse by design
what a load test sends: a number's throughput is capped at 1,000 messages/s (80 by
default) and one customer gets one message per 6 s (bursts of 45)."""


@dataclass
class Result:
    server: str
    kind: str
    connections: int
    rate: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int
    cpu_us: float
    """Server CPU time (user + system) per request: robust when other processes compete."""

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(cpu: int | None, argv: list[str]) -> list[str]:
    return argv if cpu is None else ["taskset", "-c", str(cpu), *argv]


def http(method: str, url: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    host, port = url.removeprefix("http://").split(":")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: server exited with {process.returncode}: "
                             f"{process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection((host, int(port)), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench: server at {url} did not come up within {timeout:.0f}s")


def wasim_command(port: int, fixtures: str | None) -> list[str]:
    exe = Path(sys.executable).with_name("wasim")
    argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "wasim"]
    argv += ["serve", "--port", str(port), "--quiet"]  # the bare app logs no requests either
    for key, value in BENCH_SETTINGS.items():
        argv += ["--set", f"{key}={value}"]
    if fixtures:
        argv += ["--fixtures", fixtures]
    return argv


def bare_command(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE), "bare_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--loop", "uvloop",
            "--http", "httptools", "--no-access-log", "--log-level", "warning"]


def prepare_wasim(url: str, send: dict[str, Any]) -> None:
    """Fresh state, then the customer writes in so the window is open for every send."""
    http("POST", f"{url}/_sim/reset", {})
    http("POST", f"{url}/_sim/inbound", {"from": CUSTOMER, "text": "Where is my order?"})
    answer = http("POST", f"{url}/v23.0/{PHONE_ID}/messages", send)
    if not str(answer["messages"][0]["id"]).startswith("wamid."):
        raise SystemExit(f"bench: unexpected send answer {answer}")


def check_wasim(url: str) -> int:
    """How many sends were recorded as failed (must be 0: the load must be valid)."""
    return len(http("GET", f"{url}/_sim/messages?status=failed")["data"])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (0 where /proc is not available)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, connections: int, duration: float, cpu: int | None,
            send: dict[str, Any]) -> dict[str, Any]:
    env = dict(os.environ, BENCH_PATH=f"/v23.0/{PHONE_ID}/messages", BENCH_TOKEN=TOKEN,
               BENCH_BODY=json.dumps(send, separators=(",", ":")))
    argv = pinned(cpu, ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency",
                        "-s", str(HERE / "send.lua"), url])
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            figures: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            return figures
    raise SystemExit(f"bench: wrk gave no result:\n{done.stdout}\n{done.stderr}")


def measure(name: str, url: str, pid: int, connections: int, duration: float,
            warmup: float, cpu: int | None, kind: str = "text") -> Result:
    send = KINDS[kind]
    if name == "wasim":
        prepare_wasim(url, send)
    if warmup > 0:
        run_wrk(url, connections, warmup, cpu, send)
    if name == "wasim":
        prepare_wasim(url, send)
    cpu_before = cpu_seconds(pid)
    raw = run_wrk(url, connections, duration, cpu, send)
    cpu_used = cpu_seconds(pid) - cpu_before
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    non2xx = raw["non2xx"]
    if name == "wasim":
        non2xx += check_wasim(url)  # accepted but failed by a rule: not a valid send
    return Result(name, kind, connections, raw["requests"] / (raw["duration_us"] / 1e6),
                  raw["p50_us"] / 1000, raw["p99_us"] / 1000, non2xx, socket_errors,
                  cpu_used * 1e6 / max(raw["requests"], 1))


def best_of(results: list[Result]) -> list[Result]:
    """Per server and connection count, the round with the highest rate (the least
    disturbed by other processes), with the errors of every round added up."""
    best: dict[tuple[str, str, int], Result] = {}
    non2xx: dict[tuple[str, str, int], int] = {}
    sock: dict[tuple[str, str, int], int] = {}
    for r in results:
        key = (r.server, r.kind, r.connections)
        non2xx[key] = non2xx.get(key, 0) + r.non2xx
        sock[key] = sock.get(key, 0) + r.socket_errors
        if key not in best or r.rate > best[key].rate:
            best[key] = r
    return [Result(r.server, r.kind, r.connections, r.rate, r.p50_ms, r.p99_ms, non2xx[key],
                   sock[key], r.cpu_us) for key, r in best.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    parser.add_argument("--connections", default="16,64", help="comma-separated counts")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of runs; the best rate of each is kept")
    parser.add_argument("--kinds", default="text,template",
                        help=f"comma-separated kinds of send: {', '.join(KINDS)}")
    parser.add_argument("--fixtures", help="world file for wasim (default: embedded world)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin CPUs")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed. Install it with `sudo apt-get install -y wrk` "
              "(Debian/Ubuntu) or `brew install wrk` (macOS).", file=sys.stderr)
        return 2
    pin = (not args.no_pin and shutil.which("taskset") is not None
           and (os.cpu_count() or 1) >= 2)
    server_cpu, load_cpu = (0, 1) if pin else (None, None)
    if not pin:
        print("bench: not pinning CPUs (taskset missing, --no-pin, or one CPU)",
              file=sys.stderr)
    counts = [int(c) for c in args.connections.split(",")]
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        print(f"bench: --kinds takes {', '.join(KINDS)}; got {args.kinds!r}", file=sys.stderr)
        return 2

    servers: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    try:
        for name in ("wasim", "bare"):
            port = free_port()
            argv = wasim_command(port, args.fixtures) if name == "wasim" else bare_command(port)
            process = subprocess.Popen(pinned(server_cpu, argv), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
            url = f"http://127.0.0.1:{port}"
            servers[name] = (url, process)
            wait_ready(url, process)
        results: list[Result] = []
        for _ in range(args.rounds):
            for kind in kinds:
                for connections in counts:
                    for name, (url, process) in servers.items():
                        results.append(measure(name, url, process.pid, connections,
                                               args.duration, args.warmup, load_cpu, kind))
        results = best_of(results)
    finally:
        for _, process in servers.values():
            process.terminate()
        for _, process in servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    print(f"{'server':<7} {'kind':<8} {'conns':>5} {'sends/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'non-2xx':>8} {'sock err':>8} {'CPU us/req':>10}")
    for r in results:
        print(f"{r.server:<7} {r.kind:<8} {r.connections:>5} {r.rate:>9.0f} {r.p50_ms:>8.2f} "
              f"{r.p99_ms:>8.2f} {r.non2xx:>8} {r.socket_errors:>8} {r.cpu_us:>10.0f}")
    ok = True
    for kind, connections in ((k, c) for k in kinds for c in counts):
        wasim, bare = (next(r for r in results if (r.server, r.kind, r.connections)
                            == (server, kind, connections)) for server in ("wasim", "bare"))
        ratio = wasim.rate / bare.rate if bare.rate else 0.0
        met = ratio >= BAR and wasim.errors == 0 and bare.errors == 0
        ok = ok and met
        cpu_ratio = bare.cpu_us / wasim.cpu_us if wasim.cpu_us else 0.0
        print(f"ratio wasim/bare, {kind} send, {connections} connections: {ratio:.3f} "
              f"({'meets' if met else 'MISSES'} the bar: >= {BAR} with zero errors); "
              f"by server CPU per request: {cpu_ratio:.2f}")
    pinning = f"server on CPU {server_cpu}, wrk on CPU {load_cpu}" if pin else "unpinned"
    print(f"(best of {args.rounds} rounds of {args.duration:g}s runs after "
          f"{args.warmup:g}s warm-up, errors summed over all rounds; {pinning}; "
          f"{os.cpu_count()} CPUs)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
