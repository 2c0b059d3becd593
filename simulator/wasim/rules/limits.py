"""The platform's limits (§6) as rules on the simulated clock.

Each rule reads a small state record the :class:`~wasim.platform.limits.Limiter` keeps and
answers whether the next message or call may pass; none of them does I/O.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from wasim.errors import (
    API_TOO_MANY_CALLS,
    PAIR_RATE_LIMIT,
    THROUGHPUT,
    WABA_RATE_LIMIT,
    GraphError,
)

SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)
DEFAULT_MANAGEMENT_CALLS = 200
ACTIVE_WABA_MANAGEMENT_CALLS = 5000


def _trim(stamps: deque[datetime], now: datetime, span: timedelta) -> None:
    while stamps and stamps[0] <= now - span:
        stamps.popleft()


def throughput(stamps: deque[datetime], now: datetime, limit: int,
               http_status: int) -> GraphError | None:
    """At most ``limit`` messages per number in any one simulated second → 130429.

    §6 (M-TPS): 80 mps by default, up to 1,000 after an upgrade; the API refuses the
    excess with 130429 "Rate limit hit" (HTTP status per §4.1, a setting). ``stamps``
    holds the send times of the last second; an accepted send is appended.

    Simulator deviation: only outbound sends count (the platform also counts inbound).
    """
    _trim(stamps, now, SECOND)
    if len(stamps) >= limit:
        return THROUGHPUT(http_status=http_status)
    stamps.append(now)
    return None


@dataclass(slots=True)
class PairState:
    """The pair rate limit state of one (business number, customer) pair.

    ``free_at`` is when the next message no longer borrows from future quota;
    ``burst_start``/``burst_count`` describe the burst in progress.
    """

    free_at: datetime
    burst_start: datetime
    burst_count: int


def pair_rate(state: PairState | None, now: datetime, burst: int, interval: float,
              http_status: int) -> tuple[PairState, GraphError | None]:
    """One message per ``interval`` seconds to one customer, bursts up to ``burst`` → 131056.

    §6 (M-PLAT): 1 message every 6 seconds to the same user; a burst of up to 45 within
    6 seconds is allowed but borrows from later quota (a burst of 20 means about two
    minutes before the next message). A message is free once ``free_at`` has passed (it
    starts a new burst); within 6 s of a burst's start it joins the burst while the burst
    has fewer than ``burst`` messages; anything else is refused.
    """
    step = timedelta(seconds=interval)
    if state is None or now >= state.free_at:
        return PairState(now + step, now, 1), None
    if now < state.burst_start + step and state.burst_count < burst:
        return PairState(state.free_at + step, state.burst_start, state.burst_count + 1), None
    return state, PAIR_RATE_LIMIT(http_status=http_status)


def messaging_limit(reached: dict[str, datetime], wa_id: str, now: datetime,
                    tier_limit: int | None) -> bool:
    """Whether a business-initiated message to ``wa_id`` fits the messaging limit.

    §6 (M-LIM, M-LIM25): the limit counts unique customers reached outside a customer
    service window in a moving 24 hours (250, 2K, 10K, 100K, unlimited). Customers
    already reached in that span, and messages inside a window, are not limited.

    ``reached`` is one business portfolio's record (shared by all its numbers).
    """
    for who in [w for w, at in reached.items() if at <= now - DAY]:
        del reached[who]
    return tier_limit is None or wa_id in reached or len(reached) < tier_limit


def management_limit(active: bool, configured: int | None) -> int:
    """Management API calls allowed per WABA per hour: 200, or 5,000 for an active WABA
    (one with a registered number), unless configured (§6, M-PLAT)."""
    if configured is not None:
        return configured
    return ACTIVE_WABA_MANAGEMENT_CALLS if active else DEFAULT_MANAGEMENT_CALLS


def call_budget(stamps: deque[datetime], now: datetime, limit: int,
                app_wide: bool) -> GraphError | None:
    """Refuse a call past ``limit`` calls in the rolling hour: 80007 for a WABA's
    management calls, 4 for the app-wide budget (HTTP 429, transient; §4.1, §6)."""
    _trim(stamps, now, HOUR)
    if len(stamps) >= limit:
        return API_TOO_MANY_CALLS() if app_wide else WABA_RATE_LIMIT()
    stamps.append(now)
    return None
