"""The inbox page with a big history: page load with 10,000 stored messages, and how long a
status change takes to reach the page.

    python bench/bench_inbox.py [--messages 10000] [--runs 7]

Targets: the thread of the 10,000 messages shown in under 300 ms (navigation start to the
first bubbles on screen, measured in the page); a status change in under 200 ms (from
just before ``sim.set_status`` to the tick changing in the page: the event stream's
sampling, the page's reload of the thread, the render). Drives the OS's Chromium through
Playwright (the test extra). Figures depend on the machine: say how loaded it was.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import httpx
from wasim.serve.server import ThreadedServer
from wasim.simulation import Simulator

CHROMIUM = os.environ.get("WASIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ANA = "16505551234"
WATCH = """
window.__firstBubble = null; window.__ticks = {};
new MutationObserver(() => {
  if (window.__firstBubble === null && document.querySelector('.bubble'))
    window.__firstBubble = performance.now();
  for (const tick of document.querySelectorAll('.ticks[data-status="delivered"]')) {
    const id = tick.closest('.bubble').dataset.id;
    if (!(id in window.__ticks)) window.__ticks[id] = Date.now();
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def world(count: int) -> Simulator:
    sim = Simulator(now="2026-03-02T09:00:00Z", seed=1)
    sim.update_settings({"delivered_after": 3600,  # statuses move only when told
                         "pair_rate_limit": False, "throughput_limit": False})
    sim.inbound(ANA, text="hi")
    for n in range(count - 1):
        sim.send({"messaging_product": "whatsapp", "to": ANA, "type": "text",
                  "text": {"body": f"message {n}"}})
    return sim


def ms(values: list[float]) -> str:
    return (f"median {statistics.median(values):.0f} ms, min {min(values):.0f}, "
            f"max {max(values):.0f} (n={len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    sim = world(args.messages)
    print(f"world: {len(sim.world.messages)} outbound + {len(sim.world.inbound)} inbound "
          f"messages with one customer ({time.perf_counter() - started:.1f} s to build)")
    with ThreadedServer(sim) as server, sync_playwright() as playwright, \
            httpx.Client(base_url=server.url) as http:
        for path in ("/_sim/conversations", f"/_sim/conversations/{ANA}?limit=50"):
            times = []
            for _ in range(args.runs):
                begin = time.perf_counter()
                http.get(path).raise_for_status()
                times.append((time.perf_counter() - begin) * 1000)
            print(f"GET {path}: {ms(times)}")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        loads, changes = [], []
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1280, "height": 800},
                                          bypass_csp=True)  # for wait_for_function
            page = context.new_page()
            page.add_init_script(WATCH)
            page.goto(f"{server.url}/#/conversations/{ANA}")
            page.wait_for_function("window.__firstBubble !== null")
            loads.append(float(page.evaluate("window.__firstBubble")))
            page.wait_for_timeout(300)  # the stream is open
            wamid = sim.send({"messaging_product": "whatsapp", "to": ANA, "type": "text",
                              "text": {"body": "watch my ticks"}})["messages"][0]["id"]
            page.locator(f'.bubble[data-id="{wamid}"]').wait_for()
            before = time.time() * 1000
            sim.set_status(wamid, "delivered")
            page.wait_for_function(f"'{wamid}' in window.__ticks")
            changes.append(float(page.evaluate(f"window.__ticks['{wamid}']")) - before)
            page.goto("about:blank")
            context.close()
        browser.close()
    print(f"page load, thread of {args.messages:,} messages (target < 300 ms): {ms(loads)}")
    print(f"status change to the page (target < 200 ms): {ms(changes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
