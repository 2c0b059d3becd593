"""Restart drill for ``wasim serve --data`` (issue 15's "done when"), and the ``kill -9`` loss.

How to run:

    python bench/drill_restart.py --messages 1000      # the drill
    python bench/drill_restart.py --kill --messages 5000  # what a kill -9 loses

The drill: a receiver that is down, a template created over the API, a customer window,
``--messages`` sends (each emits status webhooks that cannot be delivered), SIGTERM, a
restart with the same ``--data``, the receiver up, ``POST /_sim/deliveries/retry``, and a
wait until nothing is pending. It prints whether every webhook was delivered, how many
were received more than once (at-least-once: a POST in flight at SIGTERM may be made
again), and whether templates, the window and the clock came back.

``--kill``: sends as fast as one connection can for a few seconds, records the wamid of
every accepted send with the real time it was answered, sends ``kill -9``, restarts with
the same ``--data`` and prints how many accepted sends were lost and how old the newest
lost one was at the kill (the "at most the last second of work" figure).
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import time
from typing import Any

import httpx
from loadkit import SEND, TOKEN, Receiver, Server, free_port, print_json

CUSTOMER = "16505551234"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _text(body: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": CUSTOMER, "type": "text",
            "text": {"body": body}}


def drill(messages: int, data: str) -> None:
    receiver_port = free_port()
    url = f"http://127.0.0.1:{receiver_port}/webhook"
    server = Server("--data", data, "--webhook-url", url, "--set", "throughput_limit=false",
                    "--set", "pair_rate_limit=false").start()
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=60) as http:
        http.post("/_sim/inbound", json={"from": CUSTOMER, "text": "hi"})
        template = http.post("/v23.0/102290129340398/message_templates", json={
            "name": "restart_drill", "language": "en_US", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Your parcel is on its way"}]}).json()
        started = time.perf_counter()
        for i in range(messages):
            http.post(SEND, json=_text(f"m{i}"))
        send_s = time.perf_counter() - started
        http.post("/_sim/deliveries/settle", json={"timeout": 60})
        before = http.get("/_sim/deliveries", params={"limit": 0}).json()
        window = http.get(f"/_sim/windows/{CUSTOMER}").json()
        clock = http.get("/_sim/clock").json()
    stop_started = time.perf_counter()
    code, err = server.stop(signal.SIGTERM)
    stop_s = time.perf_counter() - stop_started
    receiver = Receiver(receiver_port).start()
    again = Server("--data", data).start()
    try:
        with httpx.Client(base_url=again.url, timeout=60) as http:
            after_restart = http.get("/_sim/deliveries", params={"limit": 0}).json()
            templates = [t["name"] for t in http.get("/_sim/templates").json()["data"]]
            window_after = http.get(f"/_sim/windows/{CUSTOMER}").json()
            clock_after = http.get("/_sim/clock").json()
            retried = http.post("/_sim/deliveries/retry").json()["retrying"]
            deadline = time.monotonic() + 300
            log = after_restart
            while time.monotonic() < deadline:
                http.post("/_sim/deliveries/settle", json={"timeout": 10})
                log = http.get("/_sim/deliveries", params={"limit": 0}).json()
                if log["pending"] == 0:
                    break
            counts = receiver.counts()
    finally:
        again.stop()
        receiver.stop()
    print_json("drill", {
        "messages": messages, "sends_s": round(send_s, 2),
        "pending_before_sigterm": before["pending"], "sigterm_exit": code,
        "sigterm_s": round(stop_s, 2), "sigterm_stderr": err.strip().splitlines(),
        "pending_after_restart": after_restart["pending"], "retried": retried,
        "pending_at_end": log["pending"], "delivered": log["delivered"],
        "receiver": counts, "received_twice": counts["events"] - counts["distinct"],
        "all_delivered": log["pending"] == 0 and counts["distinct"] >= before["pending"],
        "unsigned": counts["bad"],
        "template_kept": "restart_drill" in templates and "id" in template,
        "window_kept": window_after["open"] == window["open"],
        "clock_before": clock["now"], "clock_after_restart": clock_after["now"]})


def kill_loss(data: str, seconds: float) -> None:
    server = Server("--data", data, "--set", "throughput_limit=false",
                    "--set", "pair_rate_limit=false").start()
    accepted: list[tuple[str, float]] = []
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=60) as http:
        http.post("/_sim/inbound", json={"from": CUSTOMER, "text": "hi"})
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            answer = http.post(SEND, json=_text("x"))
            if answer.status_code == 200:
                accepted.append((answer.json()["messages"][0]["id"], time.monotonic()))
    killed_at = time.monotonic()
    server.stop(signal.SIGKILL)
    again = Server("--data", data).start()
    try:
        kept: set[str] = set()
        with httpx.Client(base_url=again.url, timeout=60) as http:
            url: str | None = "/_sim/messages?limit=1000"
            while url:
                page = http.get(url).json()
                kept.update(m["id"] for m in page["data"])
                url = page.get("paging", {}).get("previous")
    finally:
        again.stop()
    lost = [(w, at) for w, at in accepted if w not in kept]
    print_json("kill -9", {
        "accepted": len(accepted), "restored": len(kept & {w for w, _ in accepted}),
        "lost": len(lost),
        "oldest_lost_age_s": round(killed_at - min(at for _, at in lost), 3) if lost else 0,
        "newest_lost_age_s": round(killed_at - max(at for _, at in lost), 3) if lost else 0})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kill", action="store_true", help="measure what kill -9 loses")
    parser.add_argument("--seconds", type=float, default=5.0, help="send time before kill")
    parser.add_argument("--data", help="the --data directory (default: a fresh temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data or scratch
        if args.kill:
            kill_loss(data, args.seconds)
        else:
            drill(args.messages, data)


if __name__ == "__main__":
    main()
