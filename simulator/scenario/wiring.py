"""Where a scenario's webhooks go: the built-in receiver, or the app under test.

The delivery engine (``simulator.delivery.attach``) retries, signs and logs; when a
build has only the minimal poster, a plain sink stands in so scenarios still run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from simulator.harness import Simulator
from simulator.journal import Webhook
from simulator.webhooks import encode, sign

Target = str | Callable[[dict[str, str], bytes], int | None]


class Receiver:
    """The scenario's own webhook receiver: answers ``status`` and keeps what it accepted."""

    def __init__(self, app_secret: str) -> None:
        self.app_secret = app_secret
        self.status = 200
        self.accepted: list[bytes] = []
        self.attempts = 0

    def __call__(self, headers: dict[str, str], body: bytes) -> int:
        self.attempts += 1
        if 200 <= self.status < 300:
            self.accepted.append(body)
        return self.status


def attach(sim: Simulator, target: Target) -> Any:
    """Send ``sim``'s webhooks to ``target``; returns the engine (or stand-in) used."""
    delivery = importlib.import_module("simulator.delivery")
    engine_attach = getattr(delivery, "attach", None)
    secret = sim.world.app_secret
    if engine_attach is not None:
        return engine_attach(sim, target, app_secret=secret)
    if isinstance(target, str):
        sim.world.webhook_url = target
        poster = delivery.WebhookPoster(sim)
        sim.sink = poster
        return poster

    def sink(webhook: Webhook) -> None:
        body = encode(webhook.payload)
        target({"X-Hub-Signature-256": sign(body, secret)}, body)

    sim.sink = sink
    return None


def flush(engine: Any, timeout: float = 5.0) -> None:
    """Wait for webhooks in flight (no-op without an engine)."""
    if engine is not None and hasattr(engine, "flush"):
        engine.flush(timeout)


def close(engine: Any) -> None:
    if engine is not None and hasattr(engine, "close"):
        engine.close()
