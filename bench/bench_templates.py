"""Benchmark the template management API: prints figures, asserts nothing.

    python bench/bench_templates.py [--templates 2000]

Measures (wall time, this machine): in-process create, review of everything pending in
one clock advance, list paging over every template over HTTP (ASGI, in-process), a
template send once thousands of templates exist, and HTTP create.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from wasim import Simulator
from wasim.api import create_app
from wasim.asgi import sync_client

WABA = "102290129340398"
PHONE = "106540352242922"


def body(n: int) -> dict[str, Any]:
    return {"name": f"bench_{n}", "language": "en_US", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped.",
                            "example": {"body_text": [["Ana", f"A-{n}"]]}}]}


def per_op(label: str, seconds: float, count: int) -> None:
    print(f"{label:<48} {count:>6} ops  {seconds * 1e6 / count:>9.1f} µs/op  "
          f"{count / seconds:>10.0f} ops/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=int, default=2000)
    n = parser.parse_args().templates
    sim = Simulator(now="2026-01-05T09:00:00Z", seed=1,
                    settings={"template_limit": n + 100, "template_creation_per_hour": n,
                              # 500 sends to one customer at one instant: measure the
                              # template path, not the §6 throughput and pair limits
                              "throughput_limit": False, "pair_rate_limit": False})
    start = time.perf_counter()
    for i in range(n):
        sim.templates.create(WABA, body(i))
    per_op("create (Python, in-process)", time.perf_counter() - start, n)

    start = time.perf_counter()
    sim.advance("1m")
    per_op("review (one advance decides all pending)", time.perf_counter() - start, n)

    send = {"messaging_product": "whatsapp", "to": "16505551234", "type": "template",
            "template": {"name": f"bench_{n - 1}", "language": {"code": "en_US"},
                         "components": [{"type": "body", "parameters": [
                             {"type": "text", "text": "Ana"}, {"type": "text", "text": "A"}]}]}}
    timings = []
    for _ in range(500):
        t0 = time.perf_counter()
        sim.send(send, PHONE)
        timings.append(time.perf_counter() - t0)
    print(f"{'template send with ' + str(n) + ' templates (Python)':<48} median "
          f"{statistics.median(timings) * 1e6:.1f} µs, p95 "
          f"{sorted(timings)[int(len(timings) * 0.95)] * 1e6:.1f} µs")

    with sync_client(create_app(sim)) as client:
        client.headers["Authorization"] = "Bearer wasim-token"
        url: str | None = f"/v23.0/{WABA}/message_templates?limit=100&fields=name,status"
        pages = 0
        start = time.perf_counter()
        while url is not None:
            page = client.get(url).json()
            url = page.get("paging", {}).get("next")
            pages += 1
        per_op(f"list page of 100 over HTTP ({n}+ templates)", time.perf_counter() - start,
               pages)
        start = time.perf_counter()
        for i in range(n, n + 100):
            client.post(f"/v23.0/{WABA}/message_templates", json=body(i))
        per_op("create over HTTP (ASGI in-process)", time.perf_counter() - start, 100)


if __name__ == "__main__":
    main()
