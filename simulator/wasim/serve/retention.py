"""Bounded memory for a long-running server: the ``retention_messages`` setting.

``wasim serve`` keeps at most ``retention_messages`` sent messages (default 20,000; the
setting is part of the world's settings). Past it, :class:`Retention` drops the oldest
*finished* messages first (delivered, read, played or failed: nothing more will happen to
them unless a test forces a status), then the oldest others; the journals that grow with
traffic go with them, each to a multiple of the limit: webhooks (x4), Graph requests (x4),
inbound messages (x1) and finished webhook deliveries with their attempts (x4). Pending
deliveries, windows, contacts, templates and media are never dropped. With
``--data`` the dropped history stays on disk (:mod:`wasim.serve.store`).

Trimming runs from the server's ticker, under the lock, once a limit is passed by a tenth,
so its cost is spread over many sends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wasim.core import Core, Feature
from wasim.delivery.engine import DeliveryEngine
from wasim.world.journal import Journal

FINISHED = frozenset({"delivered", "read", "played", "failed"})
WEBHOOKS_PER_MESSAGE = 4
REQUESTS_PER_MESSAGE = 4
DELIVERIES_PER_MESSAGE = 4
SLACK = 1.1


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

    def trim(self) -> int:
        """Drop what is over the limit; returns how many messages went."""
        limit = self._core.world.settings.retention_messages
        if limit is None:
            return 0
        core = self._core
        with core.lock:
            gone = self._trim_messages(limit)
            self._trim_journal(core.webhooks, limit * WEBHOOKS_PER_MESSAGE)
            self._trim_journal(core.requests, limit * REQUESTS_PER_MESSAGE)
            inbound = core.world.inbound
            if len(inbound) > limit * SLACK:
                del inbound[:len(inbound) - limit]
            engine = self._engine()
            if engine is not None and len(engine.deliveries) > (
                    limit * DELIVERIES_PER_MESSAGE * SLACK):
                engine.log.trim(limit * DELIVERIES_PER_MESSAGE)
        self.dropped += gone
        return gone

    def _trim_messages(self, limit: int) -> int:
        messages = self._core.world.messages
        excess = len(messages) - limit
        if excess <= 0 or len(messages) <= limit * SLACK:
            return 0
        chosen = [m.id for _, m in zip(range(excess * 4), messages.values(), strict=False)
                  if m.status in FINISHED][:excess]
        if len(chosen) < excess:  # mostly unfinished: the oldest go anyway
            taken = set(chosen)
            chosen += [i for i in messages if i not in taken][:excess - len(chosen)]
        if self._evicted is not None:
            self._evicted(chosen)
        for message_id in chosen:
            del messages[message_id]
        return len(chosen)

    @staticmethod
    def _trim_journal(journal: Journal[Any], keep: int) -> None:
        if len(journal) > keep * SLACK:
            journal.drop_oldest(len(journal) - keep)
