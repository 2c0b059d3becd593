"""Where a scenario's webhooks go: the built-in receiver, or the app under test.

Both go through the delivery engine (``wasim.delivery.engine.attach``), so retries, the
delivery log and signatures behave as they do for any target.
"""

from __future__ import annotations

from collections.abc import Callable

from wasim.delivery.engine import DeliveryEngine
from wasim.delivery.engine import attach as attach_engine
from wasim.simulation import Simulator

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


def attach(sim: Simulator, target: Target) -> DeliveryEngine:
    """Send ``sim``'s webhooks to ``target``, signed with the world's app secret."""
    return attach_engine(sim, target, app_secret=sim.world.app_secret)


def flush(engine: DeliveryEngine | None, timeout: float = 5.0) -> None:
    """Wait for webhooks in flight (no-op without an engine)."""
    if engine is not None:
        engine.flush(timeout)


def close(engine: DeliveryEngine | None) -> None:
    if engine is not None:
        engine.close()
