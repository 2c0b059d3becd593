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


def test_take_over_switches_automatic_collection_off_until_released() -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    freezer = StateFreezer(every=1.0, monotonic=lambda: 0.0)
    try:
        freezer.take_over()
        assert gc.isenabled() is False
        freezer.take_over()  # a second call changes nothing
        freezer.release()
        assert gc.isenabled() is True
        freezer.release()  # nor does a second release
        assert gc.isenabled() is True
    finally:
        if not was_enabled:
            gc.disable()


def test_release_keeps_a_collector_that_was_already_off_off() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    freezer = StateFreezer(every=1.0, monotonic=lambda: 0.0)
    try:
        freezer.take_over()
        freezer.release()
        assert gc.isenabled() is False
    finally:
        if was_enabled:
            gc.enable()
