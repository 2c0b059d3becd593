"""Fault drills of webhook delivery: what §5.3 says a receiver must cope with.

Duplicate the next N webhooks, hold the next N and POST them in reverse order, or hold
the next N for a while on the simulated clock. :class:`Drills` (``engine.drills``) holds
the armed drills and their verbs; the engine asks it what to do with each fresh webhook
(:meth:`Drills.route`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from wasim.clock import parse_duration
from wasim.errors import INVALID_PARAMETER


def drill_count(value: Any) -> int:
    """A drill count: a non-negative whole number (else the Graph 100 error)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise INVALID_PARAMETER(f"a drill count must be a non-negative integer, got {value!r}")
    return value


class Drills:
    """Armed fault drills: duplicate the next N, reorder the next N, delay the next N.

    Args:
        lock: The simulator's lock (the verbs take it).
        release: Queues held deliveries again, in the order given.
        redeliver: Makes a new delivery of a logged webhook, of the kind given.
    """

    def __init__(self, lock: threading.RLock, release: Callable[[list[str]], None],
                 redeliver: Callable[[str, str], object]) -> None:
        self._lock = lock
        self._release = release
        self._redeliver = redeliver
        self.duplicates = 0
        self.reorders = 0
        self.delays = 0
        self.delay_by = timedelta(seconds=60)
        self.held: list[str] = []

    # --- the verbs -------------------------------------------------------------------

    def duplicate(self, times: int = 1, webhook_id: str | None = None) -> None:
        """POST the next ``times`` webhooks twice, or one logged webhook once more."""
        with self._lock:
            if webhook_id is not None:
                self._redeliver(webhook_id, "duplicate")
                return
            self.duplicates = drill_count(times)

    def reorder(self, count: int = 2) -> None:
        """Hold the next ``count`` webhooks, then POST them in reverse order (§5.3)."""
        if drill_count(count) < 2:
            raise INVALID_PARAMETER("reorder needs a count of at least 2")
        with self._lock:
            self.reorders = count

    def delay(self, by: str | float | timedelta = "60s", times: int = 1) -> None:
        """Hold the next ``times`` webhooks for ``by`` on the simulated clock."""
        delay_by = by if isinstance(by, timedelta) else parse_duration(by)
        with self._lock:
            self.delay_by, self.delays = delay_by, drill_count(times)

    def clear(self) -> None:
        """Disarm every drill; held webhooks are POSTed (newest first)."""
        with self._lock:
            self.release()
            self.disarm()

    # --- what the engine asks --------------------------------------------------------

    def route(self, delivery_id: str) -> str:
        """What happens to a fresh delivery: ``delay``, ``hold`` (reorder; released
        when the drill has all it waits for) or ``send``; the counts go down as used."""
        if self.delays:
            self.delays -= 1
            return "delay"
        if self.reorders:
            self.held.append(delivery_id)
            if len(self.held) >= self.reorders:
                return "release"
            return "hold"
        return "send"

    def release(self) -> None:
        """POST the held deliveries, newest first, and disarm the reorder drill."""
        held, self.held, self.reorders = self.held, [], 0
        self._release(list(reversed(held)))

    def take_duplicate(self) -> bool:
        if self.duplicates:
            self.duplicates -= 1
            return True
        return False

    def disarm(self) -> None:
        self.duplicates = self.reorders = self.delays = 0
        self.delay_by = timedelta(seconds=60)
        self.held = []

    def to_dict(self) -> dict[str, Any]:
        return {"duplicate": self.duplicates, "reorder": self.reorders, "delay": self.delays,
                "delay_by_seconds": self.delay_by.total_seconds(), "held": list(self.held)}
