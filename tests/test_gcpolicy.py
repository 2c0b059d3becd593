"""The collector policy of ``wasim serve``: freeze once a period, thaw on demand."""

from __future__ import annotations

import gc

from simulator.gcpolicy import StateFreezer


def test_freezes_once_per_period_and_thaws() -> None:
    now = [100.0]
    freezer = StateFreezer(every=1.0, monotonic=lambda: now[0])
    try:
        assert freezer.maybe_freeze() is False
        now[0] += 0.5
        assert freezer.maybe_freeze() is False
        now[0] += 0.5
        assert freezer.maybe_freeze() is True
        assert gc.get_freeze_count() > 0
        assert freezer.maybe_freeze() is False
        assert freezer.freezes == 1
        freezer.thaw()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
