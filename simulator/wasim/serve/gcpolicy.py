"""Keep Python's cyclic garbage collector off the simulator's long-lived state.

A served simulator only accumulates between resets (recorded messages, statuses,
webhooks, calls); none of it forms reference cycles. The default collector still
re-scans all of it on each full collection, which grows with the state and made a
loaded ``wasim serve`` spend about a third of its time collecting (bench/profile_send.py).
:class:`StateFreezer` periodically collects the young generations and moves the
survivors to the permanent generation (``gc.freeze``), where full collections skip
them; reference counting still frees them, and a reset gives them back to the collector.

While serving, the freezer also takes the place of the automatic collections
(:meth:`StateFreezer.take_over`): their young-generation passes scanned each new object
twice (generation 0, then 1) before the freeze made it permanent, while the periodic
``gc.collect(1)`` scans it once and still frees any cyclic garbage within a period. Under a
load of sends that was about 7% of the server's CPU (bench/bench_serve.py, CPU per request).

Used by ``wasim serve`` only: it changes process-wide collector state, which a test
process embedding the simulator should not get.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

FREEZE_EVERY_SECONDS = 0.1
"""Often enough that what is left unfrozen stays small: a full collection walks every
unfrozen object, and with a second's worth of sends between freezes those walks cost a
loaded server a few percent of its CPU and put ~20-35 ms into its p99 latency."""


class StateFreezer:
    """Call :meth:`maybe_freeze` often (the server's ticker does); it acts once a period.

    Args:
        every: Seconds (of real time) between freezes.
        monotonic: The real-time source (the simulated clock must not drive this).
    """

    def __init__(self, every: float = FREEZE_EVERY_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self._monotonic = monotonic
        self._last = monotonic()
        self.freezes = 0
        self._was_enabled: bool | None = None

    def take_over(self) -> None:
        """Switch the automatic collections off: from now on :meth:`maybe_freeze`, called
        at least once a period, is the only collection (:meth:`release` undoes it)."""
        if self._was_enabled is None:
            self._was_enabled = gc.isenabled()
            gc.disable()

    def release(self) -> None:
        """Give the collections back to the interpreter, as before :meth:`take_over`."""
        if self._was_enabled is not None:
            if self._was_enabled:
                gc.enable()
            self._was_enabled = None

    def maybe_freeze(self) -> bool:
        """Collect the young generations and freeze the survivors if a period passed."""
        now = self._monotonic()
        if now - self._last < self.every:
            return False
        self._last = now
        gc.collect(1)
        gc.freeze()
        self.freezes += 1
        return True

    def thaw(self) -> None:
        """Hand frozen objects back to the collector (after a reset dropped the state)."""
        gc.unfreeze()
