"""The state of the platform's limits for one simulator, and their seams.

:class:`Limiter` applies ``wasim.rules.limits`` to every send (throughput, pair
rate, messaging limit) and every Graph call (management and app call budgets). Its
counters are run-time state: cleared on reset, not part of a state export.
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime
from typing import Any

from wasim.core import Core, Feature, locked
from wasim.errors import GraphError, by_code
from wasim.platform.hooks import GraphCall, Interference
from wasim.platform.send_hooks import SendAttempt, SendHook
from wasim.rules import limits
from wasim.world.models import OutboundMessage
from wasim.world.settingspec import MESSAGING_TIERS
from wasim.world.state import World

MESSAGING_EDGES = frozenset({"messages", "media"})
MESSAGING_SUFFIXES = ("/messages", "/media")


class Limiter(Feature, SendHook):
    """Counters behind the §6 limits.

    Args:
        core: The world (for settings and object lookups) and the clock.
    """

    def __init__(self, core: Core) -> None:
        self._core = core
        self._clock = core.clock
        self.sends: dict[str, deque[datetime]] = defaultdict(deque)
        self.pairs: dict[tuple[str, str], limits.PairState] = {}
        self.reached: dict[str, dict[str, datetime]] = defaultdict(dict)
        self.calls: dict[str, deque[datetime]] = defaultdict(deque)
        self.app_calls: deque[datetime] = deque()

    def reset(self) -> None:
        self.clear()

    @locked
    def clear(self) -> None:
        """Forget every counter (a fresh second, pair, day and hour)."""
        self.sends.clear()
        self.pairs.clear()
        self.reached.clear()
        self.calls.clear()
        self.app_calls.clear()

    # --- sends ---------------------------------------------------------------------

    def check(self, attempt: SendAttempt) -> None:
        settings = self._core.world.settings
        status = settings.rate_limit_http_status
        if settings.throughput_limit:
            limit = settings.throughput_mps or attempt.phone.throughput
            error = limits.throughput(self.sends[attempt.phone.id], attempt.now, limit, status)
            if error is not None:
                raise error
        if settings.pair_rate_limit:
            key = (attempt.phone.id, attempt.contact.wa_id)
            state, refused = limits.pair_rate(self.pairs.get(key), attempt.now,
                                              settings.pair_rate_burst,
                                              settings.pair_rate_interval, status)
            if refused is not None:
                raise refused
            self.pairs[key] = state

    def async_failure(self, attempt: SendAttempt, in_window: bool,
                      category: str | None) -> GraphError | None:
        settings = self._core.world.settings
        if in_window or not settings.messaging_limit:
            return None
        tier = MESSAGING_TIERS[settings.messaging_limit_tier]
        reached = self.reached[attempt.account.portfolio_key]
        if limits.messaging_limit(reached, attempt.contact.wa_id, attempt.now, tier):
            return None
        return by_code(settings.messaging_limit_code,
                       f"Messaging limit {settings.messaging_limit_tier} reached: this "
                       "business already reached its limit of unique customers outside "
                       "the customer service window in the last 24 hours.")

    def accepted(self, attempt: SendAttempt, message: OutboundMessage, failed: bool) -> None:
        if not message.profile.in_window and not failed:
            self.reached[attempt.account.portfolio_key].setdefault(attempt.contact.wa_id,
                                                             attempt.now)

    # --- Graph calls ---------------------------------------------------------------

    def on_call(self, call: GraphCall) -> Interference | None:
        """Count ``call`` against the app budget and its WABA's management budget."""
        world = self._core.world
        settings = world.settings
        waba_id = management_waba(world, call) if settings.management_call_limit else None
        if waba_id is None and settings.app_calls_per_hour is None:
            return None  # the common case (a send): nothing to count
        now = self._clock.now()
        if settings.app_calls_per_hour is not None:
            error = limits.call_budget(self.app_calls, now, settings.app_calls_per_hour, True)
            if error is not None:
                return Interference(error=error)
        if waba_id is None:
            return None
        account = world.accounts[waba_id]
        active = any(p.registered for p in account.phone_numbers.values())
        limit = limits.management_limit(active, settings.management_calls_per_hour)
        error = limits.call_budget(self.calls[waba_id], now, limit, False)
        return Interference(error=error) if error is not None else None

    @locked
    def usage(self) -> dict[str, Any]:
        """What the counters hold now (for ``GET /_sim/limits``)."""
        now = self._clock.now()
        return {
            "throughput": {phone: sum(1 for at in stamps if at > now - limits.SECOND)
                           for phone, stamps in self.sends.items()},
            "pairs": [{"phone_number_id": p, "wa_id": w, "free_at": s.free_at.isoformat(),
                       "burst_count": s.burst_count} for (p, w), s in self.pairs.items()
                      if s.free_at > now],
            "messaging": {portfolio: len([1 for at in r.values() if at > now - limits.DAY])
                          for portfolio, r in self.reached.items()},
            "management_calls": {waba: sum(1 for at in s if at > now - limits.HOUR)
                                 for waba, s in self.calls.items()},
            "app_calls": sum(1 for at in self.app_calls if at > now - limits.HOUR),
        }


def management_waba(world: World, call: GraphCall) -> str | None:
    """The WABA whose management budget ``call`` spends, or ``None`` for messaging calls.

    A call on a WABA id, on a phone number (other than ``/messages`` and ``/media``) or
    on a template id is a management call of that WABA (§6 lists ``/{WABA}``,
    ``/phone_numbers``, ``/message_templates``, ``/subscribed_apps``).
    """
    if call.path.endswith(MESSAGING_SUFFIXES):
        return None
    segments = call.segments
    if not segments:
        return None
    object_id, edge = segments[0], (segments[1] if len(segments) > 1 else None)
    if object_id in world.accounts:
        return object_id
    account = world.account_of_phone(object_id)
    if account is not None:
        return None if edge in MESSAGING_EDGES else account.waba_id
    for candidate in world.accounts.values():
        if object_id in candidate.templates:
            return candidate.waba_id
    return None
