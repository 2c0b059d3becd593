"""The long fuzz run: many random requests against a real ``wasim serve`` on loopback.

    python tests/fuzz_long.py --requests 50000 [--seed 1] [--out fuzz_long.json]

Starts ``wasim serve --port 0`` (rate limits off, so requests reach the rules), then sends
requests in five families, round-robin: Graph sends (random and mutated JSON, raw bytes,
deep nesting, odd content types), template management (JSON and form bodies, list and
delete queries), media (uploads with any filename and type, then the URL and the
download), the control API (every route with random bodies, a few with a non-JSON
content type) and state import (an export with one value swapped, then calls that use the
state). Every answer must be below 500, and every 4xx a Graph error envelope. Prints the
figures per family and exits 1 on any failure, writing the failing inputs to ``--out``
(keep each as a regression test). Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

TOKEN = "wasim-token"
PHONE = "106540352242922"
WABA = "102290129340398"
ANA = "16505551234"
ODD_TEXT = ["", "a", "é", "😀", "\u2028", "отчет.pdf", "日本", "a\r\nX: y", 'a".pdf', "\x00",
            "\\", "%00", "../../etc/passwd", "x" * 5000, "{{1}}", "null", "1e999", "-0"]


class Gen:
    """Random inputs from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self) -> str:
        if self.rng.random() < 0.4:
            return self.rng.choice(ODD_TEXT)
        size = self.rng.randint(0, 30)
        return "".join(chr(self.rng.choice([self.rng.randint(32, 126),
                                            self.rng.randint(0, 0x10FFFF)]))
                       for _ in range(size)).encode("utf-8", "replace").decode("utf-8")

    def scalar(self) -> Any:
        return self.rng.choice([None, True, False, 0, -1, 2**63, -(10**30), 1e308, 0.5,
                                self.text(), self.rng.randint(-10**6, 10**6)])

    def value(self, depth: int = 0) -> Any:
        roll = self.rng.random()
        if depth > 3 or roll < 0.5:
            return self.scalar()
        if roll < 0.75:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        return {self.text(): self.value(depth + 1) for _ in range(self.rng.randint(0, 3))}

    def mutate(self, base: Any) -> Any:
        """``base`` with one value at any depth swapped (or a key dropped)."""
        changed = copy.deepcopy(base)
        paths = list(_paths(changed))
        path = self.rng.choice(paths) if paths else ()
        if not path:
            return self.value()
        target = changed
        for key in path[:-1]:
            target = target[key]
        if isinstance(target, dict) and self.rng.random() < 0.2:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = self.value()
        return changed

    def body(self, base: Any) -> tuple[bytes, str]:
        roll = self.rng.random()
        kind = self.rng.choice(["application/json"] * 6 + ["text/plain", "", "application/xml",
                                                           "application/json; charset=latin-1"])
        if roll < 0.55:
            return json.dumps(self.mutate(base)).encode(), kind
        if roll < 0.75:
            return json.dumps(self.value()).encode(), kind
        if roll < 0.85:
            depth = self.rng.choice([10, 63, 64, 65, 200, 1000, 5000])
            inner = '"\\u00e9"' if self.rng.random() < 0.5 else "1"
            return ('{"a":' + "[" * depth + inner + "]" * depth + "}").encode(), kind
        if roll < 0.95:
            return bytes(self.rng.randint(0, 255) for _ in range(self.rng.randint(0, 80))), kind
        return self.rng.choice([b"NaN", b"Infinity", b"1e999", b'{"a":1}{"b":2}', b'"\\ud800"',
                                b"\xef\xbb\xbf{}", b'{"a":1} x']), kind


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Any:
    if path:
        yield path
    if isinstance(value, dict):
        for key in list(value):
            yield from _paths(value[key], (*path, key))
    elif isinstance(value, list):
        for index in range(min(len(value), 3)):
            yield from _paths(value[index], (*path, index))


SEND = {"messaging_product": "whatsapp", "to": ANA, "type": "text", "text": {"body": "hi"}}
TEMPLATE_SEND = {"messaging_product": "whatsapp", "to": ANA, "type": "template",
                 "template": {"name": "shipping_update", "language": {"code": "en_US"},
                              "components": [{"type": "body", "parameters": [
                                  {"type": "text", "text": "Ana"}, {"type": "text",
                                                                    "text": "12345"}]}]}}
CREATE = {"name": "order_shipped", "language": "en_US", "category": "UTILITY",
          "components": [{"type": "BODY", "text": "Your order {{1}} has shipped.",
                          "example": {"body_text": [["1234"]]}}]}
CONTROL = [("POST", "/_sim/inbound", {"from": ANA, "text": "hi", "name": "Ana"}),
           ("POST", "/_sim/settings", {"read_after": 5, "delivered_after": 1}),
           ("POST", "/_sim/clock/advance", {"by": "1h"}),
           ("POST", "/_sim/clock/set", {"to": "2026-06-01T00:00:00Z"}),
           ("POST", "/_sim/clock/freeze", {"at": "2026-06-01T00:00:00Z"}),
           ("POST", "/_sim/clock/unfreeze", {}),
           ("POST", "/_sim/faults", {"method": "POST", "path": "messages", "code": 130429,
                                     "times": 1}),
           ("POST", "/_sim/faults/messages", {"code": 131026}),
           ("DELETE", "/_sim/faults", None),
           ("POST", f"/_sim/contacts/{ANA}", {"opted_out_marketing": True, "name": "Ana"}),
           ("POST", "/_sim/media", {"mime_type": "image/jpeg", "base64": "/9j/4AAQ",
                                    "filename": "a.jpg"}),
           ("POST", "/_sim/webhook", {"url": "http://127.0.0.1:9/hook"}),
           ("POST", "/_sim/webhook-drills/refuse", {"times": 1}),
           ("DELETE", "/_sim/webhook-drills", None),
           ("POST", "/_sim/templates/order_shipped/approve", {}),
           ("POST", "/_sim/templates/hello_world/pause", {}),
           ("POST", "/_sim/deliveries/retry", {}),
           ("GET", "/_sim/messages", None), ("GET", "/_sim/webhooks", None),
           ("GET", "/_sim/deliveries", None), ("GET", "/_sim/templates", None),
           ("GET", f"/_sim/windows/{ANA}", None), ("GET", "/_sim/limits", None),
           ("GET", "/_sim/clock", None), ("GET", "/_sim/settings", None)]


class Run:
    """One fuzz run against ``base``: sends, checks and counts."""

    def __init__(self, base: str, gen: Gen) -> None:
        self.http = httpx.Client(base_url=base, timeout=30,
                                 headers={"Authorization": f"Bearer {TOKEN}"})
        self.gen = gen
        self.counts: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.failures: list[dict[str, Any]] = []
        self.slowest = 0.0
        self.state: dict[str, Any] | None = None

    def call(self, family: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        self.counts[family] += 1
        started = time.perf_counter()
        try:
            answer = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self._fail(family, method, path, kwargs, f"no answer: {exc!r}")
            return None
        self.slowest = max(self.slowest, time.perf_counter() - started)
        self.statuses[answer.status_code] += 1
        if answer.status_code >= 500:
            self._fail(family, method, path, kwargs, f"{answer.status_code} {answer.text[:300]}")
        elif answer.status_code >= 400 and method != "HEAD" and not _envelope(answer):
            self._fail(family, method, path, kwargs, f"not an envelope: {answer.text[:300]}")
        return answer

    def _fail(self, family: str, method: str, path: str, kwargs: dict[str, Any],
              what: str) -> None:
        body = kwargs.get("content") or kwargs.get("json") or kwargs.get("data")
        shown = body if isinstance(body, str | dict | list) else repr(body)[:2000]
        self.failures.append({"family": family, "method": method, "path": path[:300],
                              "body": shown, "what": what})

    def send(self) -> None:
        base = SEND if self.gen.rng.random() < 0.7 else TEMPLATE_SEND
        body, kind = self.gen.body(base)
        self.call("send", "POST", f"/v23.0/{PHONE}/messages", content=body,
                  headers={"Content-Type": kind})

    def templates(self) -> None:
        roll = self.gen.rng.random()
        path = f"/v23.0/{WABA}/message_templates"
        if roll < 0.5:
            body, kind = self.gen.body(CREATE)
            self.call("templates", "POST", path, content=body, headers={"Content-Type": kind})
        elif roll < 0.7:
            data = {k: v if isinstance(v, str) else json.dumps(v)
                    for k, v in self.gen.mutate(CREATE).items()} if self.gen.rng.random() < .9 \
                else {"components": "[" * 3000}
            self.call("templates", "POST", path, data=data)
        else:
            query = {self.gen.rng.choice(["name", "hsm_id", "hsm_ids", "fields", "limit",
                                          "after", "status"]): self.gen.text()}
            self.call("templates", self.gen.rng.choice(["GET", "DELETE"]), path, params=query)

    def media(self) -> None:
        rng = self.gen.rng
        form = {"messaging_product": rng.choice(["whatsapp", "whatsapp", "", "x"])}
        if rng.random() < 0.5:
            form["type"] = rng.choice([self.gen.text(), "image/jpeg", "application/pdf",
                                       "x" * 100_000])
        data = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 64)))
        mime = rng.choice(["image/jpeg", "application/pdf", "text/plain", "audio/ogg", ""])
        answer = self.call("media", "POST", f"/v23.0/{PHONE}/media", data=form,
                           files={"file": (self.gen.text(), data, mime)})
        if answer is None or answer.status_code != 200:
            return
        info = self.call("media", "GET", f"/v23.0/{answer.json()['id']}")
        if info is not None and info.status_code == 200:
            self.call("media", "GET", info.json()["url"])
            if rng.random() < 0.3:
                self.call("media", "DELETE", f"/v23.0/{answer.json()['id']}")

    def control(self) -> None:
        method, path, base = self.gen.rng.choice(CONTROL)
        if method == "GET":
            query = {self.gen.rng.choice(["limit", "after", "to", "status", "type"]):
                     self.gen.text()} if self.gen.rng.random() < 0.5 else {}
            self.call("control", method, path, params=query)
            return
        if base is None:
            self.call("control", method, path)
            return
        body, kind = self.gen.body(base)
        self.call("control", method, path, content=body, headers={"Content-Type": kind})

    def state_import(self) -> None:
        if self.state is None or self.gen.rng.random() < 0.05:
            self.call("state", "POST", "/_sim/reset")
            self.call("state", "POST", "/_sim/inbound", json={"from": ANA, "text": "hi"})
            self.call("state", "POST", f"/v23.0/{PHONE}/messages", json=SEND)
            exported = self.call("state", "GET", "/_sim/state", params={"secrets": "include"})
            if exported is None or exported.status_code != 200:
                return
            self.state = exported.json()
        assert self.state is not None
        changed = self.gen.mutate(self.state)
        self.call("state", "PUT", "/_sim/state", json=changed)
        self.call("state", "POST", f"/v23.0/{PHONE}/messages", json=SEND)
        self.call("state", "POST", "/_sim/clock/advance", json={"by": "2h"})
        self.call("state", "GET", "/_sim/state")


def _envelope(answer: httpx.Response) -> bool:
    try:
        error = answer.json().get("error")
    except (ValueError, AttributeError):
        return False
    return isinstance(error, dict) and isinstance(error.get("code"), int) and \
        isinstance(error.get("fbtrace_id"), str)


def start_server(log: Path) -> tuple[subprocess.Popen[str], str]:
    args = [sys.executable, "-m", "wasim", "serve", "--port", "0", "--quiet",
            "--set", "throughput_limit=false", "--set", "pair_rate_limit=false",
            "--set", "management_call_limit=false", "--set", "messaging_limit=false"]
    server = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    assert server.stdout is not None
    first = server.stdout.readline()
    found = re.search(r"listening on (http://\S+)", first)
    if found is None:
        server.kill()
        raise SystemExit(f"wasim serve did not start: {first!r}")
    return server, found.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz_long.json")
    args = parser.parse_args()
    log = Path(args.out).with_suffix(".server.log")
    server, base = start_server(log)
    run = Run(base, Gen(args.seed))
    families = [run.send, run.send, run.templates, run.media, run.control, run.state_import]
    started = time.perf_counter()
    try:
        while sum(run.counts.values()) < args.requests:
            run.gen.rng.choice(families)()
            if sum(run.counts.values()) % 3000 < 2:
                run.call("control", "POST", "/_sim/reset")
    finally:
        run.http.close()
        server.terminate()
        server.wait(timeout=30)
    seconds = time.perf_counter() - started
    total = sum(run.counts.values())
    tracebacks = log.read_text(errors="replace").count("unexpected error")
    figures = {"requests": total, "seconds": round(seconds, 1),
               "per_family": dict(run.counts), "statuses": dict(sorted(run.statuses.items())),
               "failures": len(run.failures), "server_5xx": sum(
                   n for s, n in run.statuses.items() if s >= 500),
               "logged_unexpected_errors": tracebacks, "slowest_ms": round(run.slowest * 1000)}
    print(json.dumps(figures, indent=2))
    Path(args.out).write_text(json.dumps({"figures": figures, "failures": run.failures},
                                         indent=2, default=repr))
    return 1 if run.failures or tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
