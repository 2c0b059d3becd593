"""Shared pieces of the issue-15 bench scripts: a ``wasim serve`` process, a webhook receiver
process, an asyncio load generator with kept-alive connections, and RSS readings.

Not a script: ``soak.py``, ``drill_restart.py``, ``bench_persist.py`` import it. Everything
binds 127.0.0.1; every process started here is stopped by its own pid.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "wasim-token"
PHONE = "106540352242922"
SEND = f"/v23.0/{PHONE}/messages"
SECRET = "wasim-app-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (Linux ``/proc``)."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


class Server:
    """``wasim serve`` in its own process on a free port (``probe``: through
    ``bench/stalls.py``, which reports what blocked the loop at exit)."""

    def __init__(self, *args: str, port: int | None = None, probe: bool = False) -> None:
        self.port = port or free_port()
        self.probe = probe
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = args
        self.process: subprocess.Popen[str] | None = None
        self.stderr = ""

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, *([str(ROOT / "bench" / "stalls.py")] if self.probe
                               else ["-m", "wasim"]), "serve", "--quiet", "--port", str(self.port),
             *self.args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            cwd=ROOT)
        wait_for(f"{self.url}/_sim/health", self.process)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Signal the server, wait, and return its exit code and stderr."""
        assert self.process is not None
        self.process.send_signal(sig)
        _, err = self.process.communicate(timeout=60)
        self.stderr = err
        return self.process.returncode, err


def wait_for(url: str, process: subprocess.Popen[Any] | None = None,
             timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the process behind {url} exited ({process.returncode})")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answered at {url}")


RECEIVER = r'''
import hashlib, hmac, json, sys
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
import uvicorn
SECRET = sys.argv[2].encode()
counts = {"posts": 0, "bad": 0, "events": 0, "distinct": 0}
seen = set()
async def get(request):
    return PlainTextResponse(request.query_params.get("hub.challenge", ""))
async def post(request):
    raw = await request.body()
    mac = "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
    counts["posts"] += 1
    if not hmac.compare_digest(mac, request.headers.get("x-hub-signature-256", "")):
        counts["bad"] += 1
        return PlainTextResponse("bad signature", status_code=403)
    for entry in json.loads(raw)["entry"]:
        for change in entry["changes"]:
            value = change["value"]
            keys = [f"status:{s['id']}:{s['status']}" for s in value.get("statuses", [])]
            keys += [f"message:{m['id']}" for m in value.get("messages", [])]
            keys = keys or [json.dumps(value, sort_keys=True)[:200]]
            for key in keys:
                counts["events"] += 1
                if key not in seen:
                    seen.add(key)
                    counts["distinct"] += 1
    return PlainTextResponse("ok")
async def count(request):
    return PlainTextResponse(json.dumps(counts))
app = Starlette(routes=[Route("/webhook", get, methods=["GET"]),
                        Route("/webhook", post, methods=["POST"]),
                        Route("/count", count, methods=["GET"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False)
'''


class Receiver:
    """A signature-checking webhook receiver in its own process; ``counts()`` tells how
    many POSTs, bad signatures, events and distinct events it took."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Receiver:
        self.process = subprocess.Popen([sys.executable, "-c", RECEIVER, str(self.port),
                                         SECRET])
        wait_for(f"http://127.0.0.1:{self.port}/count", self.process)
        return self

    def counts(self) -> dict[str, int]:
        import httpx

        return dict(json.loads(httpx.get(f"http://127.0.0.1:{self.port}/count").text))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# --- the load generator -----------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    errors: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    accepted_sends: int = 0
    latencies: list[float] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


class Connection:
    """One kept-alive HTTP/1.1 connection (the load generator's own small client)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      auth: bool = True) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Length: {len(body)}\r\nContent-Type: application/json\r\n")
        if auth:
            head += f"Authorization: Bearer {TOKEN}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readuntil(b"\r\n")
        length = 0
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return int(status_line.split()[1]), payload


CUSTOMERS = [str(16505550000 + i) for i in range(200)]


def _text(to: str) -> bytes:
    return json.dumps({"messaging_product": "whatsapp", "to": to, "type": "text",
                       "text": {"body": "On its way!"}}).encode()


def _template(to: str) -> bytes:
    return json.dumps({"messaging_product": "whatsapp", "to": to, "type": "template",
                       "template": {"name": "hello_world",
                                    "language": {"code": "en_US"}}}).encode()


async def open_windows(port: int) -> None:
    """The 200 customers write in first (their windows open)."""
    conn = Connection(port)
    for customer in CUSTOMERS:
        await conn.request("POST", "/_sim/inbound",
                           json.dumps({"from": customer, "text": "hi"}).encode(), auth=False)


async def mixed_load(port: int, connections: int, duration: float, tally: Tally,
                     mix: str = "mixed", new_numbers: int | None = None) -> None:
    """``connections`` clients for ``duration`` seconds. ``mixed``: 35% sends inside the
    window, 15% to new numbers, 20% template sends, 15% inbound, 15% message reads;
    ``text``: only sends inside the window; ``template``: only template sends.

    ``new_numbers``: the "new numbers" are a pool of that many, taken in turn (a customer
    base of a given size); ``None``: every one a number never seen before (the audit's
    mix), so the simulator keeps one more contact for each."""
    deadline = time.monotonic() + duration
    wamids: deque[str] = deque(maxlen=1000)  # recent ones: older ones may be evicted
    fresh = (i % new_numbers if new_numbers else i for i in range(10**12))

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = Connection(port)
        while time.monotonic() < deadline:
            roll = rng.random() if mix == "mixed" else (0.0 if mix == "text" else 0.6)
            customer = rng.choice(CUSTOMERS)
            started = time.perf_counter()
            try:
                if roll < 0.35:
                    status, body = await conn.request("POST", SEND, _text(customer))
                elif roll < 0.50:
                    status, body = await conn.request(
                        "POST", SEND, _text(str(17000000000 + next(fresh))))
                elif roll < 0.70:
                    status, body = await conn.request("POST", SEND, _template(customer))
                elif roll < 0.85:
                    status, body = await conn.request(
                        "POST", "/_sim/inbound",
                        json.dumps({"from": customer, "text": "more"}).encode(), auth=False)
                elif wamids:
                    status, body = await conn.request(
                        "GET", f"/_sim/messages/{rng.choice(wamids)}", auth=False)
                else:
                    continue
            except (OSError, asyncio.IncompleteReadError, ValueError):
                tally.errors += 1
                conn = Connection(port)
                continue
            tally.latencies.append(time.perf_counter() - started)
            tally.requests += 1
            tally.by_status[status] = tally.by_status.get(status, 0) + 1
            if roll < 0.70 and status == 200:
                tally.accepted_sends += 1
                if b"wamid" in body:
                    wamids.append(json.loads(body)["messages"][0]["id"])

    await asyncio.gather(*(client(i) for i in range(connections)))


def control_times(url: str) -> dict[str, float]:
    """How long each ``/_sim/`` listing and health take to answer (ms), and its size."""
    import httpx

    out: dict[str, float] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for path in ("/_sim/health", "/_sim/messages", "/_sim/webhooks",
                     "/_sim/deliveries", "/_sim/templates", "/_sim/clock"):
            started = time.perf_counter()
            answer = http.get(path)
            out[path] = round((time.perf_counter() - started) * 1000, 1)
            out[path + " bytes"] = len(answer.content)
    return out


def print_json(title: str, data: Any) -> None:
    print(f"{title}: {json.dumps(data)}", flush=True)


def kill(process: subprocess.Popen[Any] | None) -> None:
    if process is not None and process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
