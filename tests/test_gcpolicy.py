"""The collector policy of ``wasim serve``: freeze once a period, thaw on demand."""

from __future__ import annotations

import gc

import pytest
from wasim.serve.gcpolicy import StateFreezer


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


@pytest.mark.parametrize("enabled_before", [True, False])
def test_take_over_switches_automatic_collection_off_until_released(
        enabled_before: bool) -> None:
    was_enabled = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    freezer = StateFreezer(every=1.0, monotonic=lambda: 0.0)
    try:
        freezer.take_over()
        assert gc.isenabled() is False
        freezer.take_over()  # a second call changes nothing
        freezer.release()
        assert gc.isenabled() is enabled_before
        freezer.release()  # nor does a second release
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was_enabled else gc.disable)()
