"""Bounded memory for a long-running server: the ``retention_messages`` setting.

``wasim serve`` keeps at most ``retention_messages`` sent messages (default 20,000; the
setting is part of the world's settings). Past it, :class:`Retention` drops the oldest
*finished* messages first (delivered, read, played or failed: nothing more will happen to
them unless a test forces a status), then the oldest others; the journals that grow with
traffic go with them, each to a multiple of the limit: webhooks (x4), Graph requests (x4),
inbound messages (x1) and finished webhook deliveries with their attempts (x4). Pending
deliveries, windows, contacts, templates and media are never dropped. With
``--data`` the dropped history stays on disk (:mod:`wasim.serve.store`).

Trimming runs from the server's ticker, under the lock, in small steps: each tick drops at
most :data:`STEP` messages (and a proportional share of each journal), so no tick holds the
server's loop for long (dropping thousands at once took 30 ms and more, a pause every
request waiting at that moment felt), while a tick every 50 ms still trims faster than
any load adds.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any

from wasim.core import Core, Feature
from wasim.delivery.engine import DeliveryEngine
from wasim.world.journal import Journal

FINISHED = frozenset({"delivered", "read", "played", "failed"})
WEBHOOKS_PER_MESSAGE = 4
REQUESTS_PER_MESSAGE = 4
DELIVERIES_PER_MESSAGE = 4
STEP = 500
"""Most messages one trim drops (journals: their multiple of it)."""


class Retention(Feature):
    """Keeps one simulator's history within ``retention_messages``.

    Args:
        core: The simulator's core.
        engine: Its delivery engine, if any (read at each trim).
        evicted: Told about what is dropped (the message ids), before it goes.
    """

    def __init__(self, core: Core, engine: Callable[[], DeliveryEngine | None],
                 evicted: Callable[[list[str]], None] | None = None) -> None:
        self._core = core
        self._engine = engine
        self._evicted = evicted
        self.dropped = 0

    def trim(self, step: int = STEP) -> int:
        """Drop what is over the limit, at most ``step`` messages (and ``step`` times
        each journal's multiple); returns how many messages went."""
        limit = self._core.world.settings.retention_messages
        if limit is None:
            return 0
        core = self._core
        with core.lock:
            gone = self._trim_messages(limit, step)
            self._trim_journal(core.webhooks, limit * WEBHOOKS_PER_MESSAGE,
                               step * WEBHOOKS_PER_MESSAGE)
            self._trim_journal(core.requests, limit * REQUESTS_PER_MESSAGE,
                               step * REQUESTS_PER_MESSAGE)
            inbound = core.world.inbound
            if len(inbound) > limit:
                del inbound[:min(len(inbound) - limit, step)]
            engine = self._engine()
            if engine is not None and len(engine.deliveries) > (
                    limit * DELIVERIES_PER_MESSAGE):
                engine.log.trim(limit * DELIVERIES_PER_MESSAGE,
                                at_most=step * DELIVERIES_PER_MESSAGE)
        self.dropped += gone
        return gone

    def _trim_messages(self, limit: int, step: int) -> int:
        messages = self._core.world.messages
        excess = min(len(messages) - limit, step)
        if excess <= 0:
            return 0
        # the oldest finished ones, looked for among the oldest 4x step (the scan stops
        # once it has found enough: usually the oldest are all finished)
        chosen = list(islice((m.id for m in islice(messages.values(), max(excess, step) * 4)
                              if m.status in FINISHED), excess))
        if len(chosen) < excess:  # mostly unfinished: the oldest go anyway
            taken = set(chosen)
            chosen += [i for i in islice(messages, excess * 2) if i not in taken
                       ][:excess - len(chosen)]
        if self._evicted is not None:
            self._evicted(chosen)
        for message_id in chosen:
            del messages[message_id]
        return len(chosen)

    @staticmethod
    def _trim_journal(journal: Journal[Any], keep: int, step: int) -> None:
        if len(journal) > keep:
            journal.drop_oldest(min(len(journal) - keep, step))
