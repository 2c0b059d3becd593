from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta

import pytest
from wasim.rules import limits

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_80th_message_in_one_second_passes_and_the_81st_gets_130429() -> None:
    stamps: deque[datetime] = deque()
    results = [limits.throughput(stamps, at(i / 100), 80, 400) for i in range(81)]
    assert all(r is None for r in results[:80])
    error = results[80]
    assert error is not None and (error.code, error.http_status) == (130429, 400)
    assert error.details == "Cloud API message throughput has been reached."


def test_the_throughput_window_slides_a_full_second() -> None:
    stamps: deque[datetime] = deque()
    for _ in range(80):
        limits.throughput(stamps, at(0), 80, 400)
    assert limits.throughput(stamps, at(0.999), 80, 400) is not None
    assert limits.throughput(stamps, at(1), 80, 400) is None


def test_a_1000_mps_number_takes_1000_in_one_second() -> None:
    stamps: deque[datetime] = deque()
    assert all(limits.throughput(stamps, T0, 1000, 400) is None for _ in range(1000))
    assert limits.throughput(stamps, T0, 1000, 400) is not None


def _burst(n: int, now: datetime) -> list[object]:
    state = None
    results = []
    for _ in range(n):
        state, error = limits.pair_rate(state, now, 45, 6.0, 400)
        results.append(error)
    return results


def test_a_burst_of_45_to_one_customer_passes_and_the_46th_gets_131056() -> None:
    results = _burst(46, T0)
    assert results[:45] == [None] * 45
    error = results[45]
    assert error is not None and getattr(error, "code", None) == 131056


def test_a_burst_borrows_from_later_quota() -> None:
    state = None
    for _ in range(20):
        state, _ = limits.pair_rate(state, T0, 45, 6.0, 400)
    assert state is not None and state.free_at == at(120)
    _, refused = limits.pair_rate(state, at(119), 45, 6.0, 400)
    _, allowed = limits.pair_rate(state, at(120), 45, 6.0, 400)
    assert refused is not None and allowed is None


def test_one_message_every_six_seconds_is_never_limited() -> None:
    state = None
    for i in range(100):
        state, error = limits.pair_rate(state, at(6 * i), 45, 6.0, 400)
        assert error is None


def test_the_messaging_limit_counts_unique_customers_in_a_moving_24_hours() -> None:
    reached = {f"1555000{i:04d}": T0 for i in range(250)}
    assert limits.messaging_limit(reached, "15550000001", at(10), 250)
    assert not limits.messaging_limit(reached, "15559999999", at(10), 250)
    assert limits.messaging_limit(reached, "15559999999", at(86400), 250)
    assert reached == {}


def test_an_unlimited_tier_never_refuses() -> None:
    assert limits.messaging_limit({"1": T0}, "2", T0, None)


@pytest.mark.parametrize(("active", "configured", "expected"), [
    pytest.param(False, None, 200, id="inactive-waba"),
    pytest.param(True, None, 5000, id="active-waba"),
    pytest.param(True, 3, 3, id="configured"),
])
def test_the_management_call_budget(active: bool, configured: int | None,
                                    expected: int) -> None:
    assert limits.management_limit(active, configured) == expected


@pytest.mark.parametrize(("app_wide", "code"), [pytest.param(False, 80007, id="waba"),
                                                pytest.param(True, 4, id="app")])
def test_a_call_past_the_hourly_budget_is_refused_with_429(app_wide: bool, code: int) -> None:
    stamps: deque[datetime] = deque()
    assert limits.call_budget(stamps, T0, 2, app_wide) is None
    assert limits.call_budget(stamps, at(1), 2, app_wide) is None
    error = limits.call_budget(stamps, at(2), 2, app_wide)
    assert error is not None and (error.code, error.http_status, error.transient) == (
        code, 429, True)
    assert limits.call_budget(stamps, at(3600), 2, app_wide) is None
