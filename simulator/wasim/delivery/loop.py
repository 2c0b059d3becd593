"""Delivery on a server's event loop: lanes of coroutines instead of threads.

``wasim serve`` delivers with a :class:`LoopPump`: each webhook goes to a lane chosen by
its customer (so one customer's webhooks arrive in the order they were emitted, §5.3
promises no more), :data:`SERVER_LANES` lanes (or ``webhook_concurrency``, if more) POST
at once, each over its
own kept-alive connection (:mod:`wasim.delivery.asyncpost`). The POSTs interleave with the
requests the server answers instead of competing with them for the GIL, and a receiver
that is slow, or that calls the simulator back before it answers, never blocks the loop.

A lane takes up to :data:`PIPELINE` POSTs at a turn and pipelines them on its connection
(written back to back, answered in order, as HTTP/1.1 allows): the server's loop serves
its clients between turns, so a lane that made one POST per turn would fall behind a
flood of sends however fast the receiver is.

Nothing here blocks the loop: ``wait`` called on the loop's own thread only reports;
:meth:`LoopPump.idle` is the awaitable form for the control API.
"""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from wasim.delivery.workers import Item
from wasim.world.journal import Webhook

SERVER_LANES = 32
"""Lanes of a server's engine at least (``webhook_concurrency`` asks for more): fewer
fall behind a flood of sends (bench/soak.py --webhook: 8 lanes delivered 0.42 of what was
emitted during the load, 32 lanes 0.83). One customer's webhooks share a lane, so they
keep their order whatever the number."""

PIPELINE = 32
"""Most POSTs a lane has in flight at once (each still one webhook, or one batch)."""

Prepared = Any
"""What the engine's ``prepare`` answers for a batch: ``(transport, body, headers, ...)``."""


class LoopPump:
    """Deliveries queued in lanes, POSTed by one coroutine per busy lane.

    Args:
        loop: The server's event loop.
        prepare: Takes a batch of items (under the simulator's lock) and answers what to
            POST, or ``None`` when there is nothing left to send.
        send: POSTs what ``prepare`` answered for several batches on a lane, in order:
            ``(status, error)`` of each.
        finish: Records the outcome of a prepared batch.
        key: The ordering key of a delivery (its customer).
        batch_size: Most items per POST (read for each batch).
        concurrency: Lanes (read for each item).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop,
                 prepare: Callable[[list[Item]], Prepared | None],
                 send: Callable[[list[Prepared], int],
                                Awaitable[list[tuple[int | None, str | None]]]],
                 finish: Callable[[Prepared, int | None, str | None, float], None],
                 key: Callable[[str], str], batch_size: Callable[[], int],
                 concurrency: Callable[[], int]) -> None:
        self._loop = loop
        self._prepare, self._send, self._finish = prepare, send, finish
        self._key, self._batch_size, self._concurrency = key, batch_size, concurrency
        self._lanes: dict[int, deque[Item]] = {}
        self._running: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._mutex = threading.Lock()
        self._changed = threading.Condition(self._mutex)
        self._backlog = 0
        self._paused = False
        self._closed = False

    # --- what the engine calls (any thread) -----------------------------------------

    def put(self, item: Item) -> None:
        lanes = max(SERVER_LANES, self._concurrency())
        lane = zlib.crc32(self._key(item[0]).encode()) % lanes
        with self._mutex:
            self._lanes.setdefault(lane, deque()).append(item)
            self._backlog += 1
            start = lane not in self._running and not self._paused and not self._closed
            if start:
                self._running.add(lane)
        if start:
            self._call(self._start, lane)

    def clear(self) -> None:
        with self._mutex:
            dropped = sum(len(q) for q in self._lanes.values())
            self._lanes.clear()
            self._backlog -= dropped
            self._changed.notify_all()

    @property
    def backlog(self) -> int:
        """Items queued or being POSTed."""
        return self._backlog

    def wait(self, timeout: float) -> bool:
        """Wait until the backlog is empty (from another thread); on the loop's own thread
        only say whether it is (waiting there would stop the loop that does the work)."""
        if self._on_loop():
            return self._backlog == 0
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._backlog and not self._paused and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return not self._backlog or self._closed

    async def idle(self, timeout: float) -> bool:
        """Wait on the loop until the backlog is empty; ``False`` if ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        while self._backlog and not self._paused:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.005)
        return not self._backlog

    def pause(self) -> None:
        with self._mutex:
            self._paused = True

    def resume(self) -> None:
        with self._mutex:
            self._paused = False
            lanes = [n for n, q in self._lanes.items() if q and n not in self._running]
            self._running.update(lanes)
        for lane in lanes:
            self._call(self._start, lane)

    def close(self) -> None:
        with self._mutex:
            self._closed = True
            self._changed.notify_all()
        for task in list(self._tasks):
            self._call(task.cancel)

    # --- on the loop -----------------------------------------------------------------

    def _on_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _call(self, action: Callable[..., object], *args: Any) -> None:
        if self._on_loop():
            action(*args)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(action, *args)

    def _start(self, lane: int) -> None:
        task = self._loop.create_task(self._drain(lane))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _take(self, lane: int) -> list[list[Item]]:
        with self._mutex:
            queue = self._lanes.get(lane)
            if not queue or self._paused or self._closed:
                self._running.discard(lane)
                return []
            size = max(1, self._batch_size())
            batches: list[list[Item]] = []
            while queue and len(batches) < PIPELINE:
                batches.append([queue.popleft() for _ in range(min(size, len(queue)))])
            return batches

    async def _drain(self, lane: int) -> None:
        while batches := self._take(lane):
            try:
                prepared = [p for p in map(self._prepare, batches) if p is not None]
                if prepared:
                    started = time.perf_counter()
                    outcomes = await self._send(prepared, lane)
                    latency = (time.perf_counter() - started) * 1000
                    for batch, (status, error) in zip(prepared, outcomes, strict=True):
                        self._finish(batch, status, error, latency)
            except asyncio.CancelledError:
                raise
            except Exception:  # a broken receiver must never stop the lane
                pass
            finally:
                with self._mutex:
                    self._backlog = max(0, self._backlog - sum(map(len, batches)))
                    self._changed.notify_all()


def customer_of(webhook: Webhook) -> str:
    """Whom a webhook is about: the recipient of a status, the sender of a message."""
    value = webhook.value
    for status in value.get("statuses") or ():
        return str(status.get("recipient_id", ""))
    for contact in value.get("contacts") or ():
        return str(contact.get("wa_id", ""))
    for message in value.get("messages") or ():
        return str(message.get("from", ""))
    return webhook.field
