"""The threads that make the POSTs of an in-process engine.

A :class:`ThreadPump` is a queue of ``(delivery id, simulated time)`` items and the worker
threads that take them in batches: the engine prepares each batch (under its lock), the
thread POSTs it, the engine records the outcome. A send's
answer never waits on the receiver; ``wait`` lets a test (or ``advance``) wait until
everything queued has been POSTed.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

Item = tuple[str, datetime]
"""A delivery id and the simulated time its attempt is recorded at."""


class Pump(Protocol):
    """What makes the POSTs: threads in process (:class:`ThreadPump`), coroutines on a
    server's loop (:class:`~wasim.delivery.loop.LoopPump`)."""

    def put(self, item: Item) -> None: ...
    def clear(self) -> None: ...
    def wait(self, timeout: float) -> bool: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def close(self) -> None: ...
    @property
    def backlog(self) -> int: ...


class ThreadPump:
    """Worker threads taking queued deliveries in order.

    Args:
        prepare: Takes a batch of items and answers what to POST (or ``None``).
        send: POSTs what ``prepare`` answered: ``(status, error)``.
        finish: Records the outcome of a prepared batch.
        batch_size: Most items per batch (read for each batch).
        concurrency: Worker threads wanted (read as work queues up).
    """

    def __init__(self, prepare: Callable[[list[Item]], Any],
                 send: Callable[[Any], tuple[int | None, str | None]],
                 finish: Callable[[Any, int | None, str | None, float], None],
                 batch_size: Callable[[], int], concurrency: Callable[[], int]) -> None:
        self._prepare, self._send, self._finish = prepare, send, finish
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._queue: deque[Item] = deque()
        self._cond = threading.Condition()
        self._busy = 0
        self._paused = False
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._start_worker()

    def put(self, item: Item) -> None:
        with self._cond:
            self._queue.append(item)
            self._busy += 1
            self._cond.notify_all()
            if len(self._queue) > 1 and len(self._threads) < self._concurrency():
                self._start_worker()

    def clear(self) -> None:
        """Forget what is queued (a reset or an import)."""
        with self._cond:
            self._queue.clear()
            self._busy = 0
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until everything queued has been POSTed; ``False`` if ``timeout`` ran out
        or the pump is paused with work queued."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy and not self._paused and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return not self._busy or self._closed

    @property
    def backlog(self) -> int:
        """Items queued or being POSTed."""
        return self._busy

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)

    def _start_worker(self) -> None:
        thread = threading.Thread(target=self._run, daemon=True,
                                  name=f"wasim-webhooks-{len(self._threads) + 1}")
        self._threads.append(thread)
        thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (self._paused or not self._queue):
                    self._cond.wait()
                if self._closed:
                    return
                batch = [self._queue.popleft()]
                size = max(1, self._batch_size())
                while self._queue and len(batch) < size:
                    batch.append(self._queue.popleft())
            try:
                prepared = self._prepare(batch)
                if prepared is not None:
                    started = time.perf_counter()
                    status, error = self._send(prepared)
                    self._finish(prepared, status, error,
                                 (time.perf_counter() - started) * 1000)
            except Exception:  # a broken receiver must never stop the worker
                pass
            finally:
                with self._cond:
                    self._busy = max(0, self._busy - len(batch))
                    self._cond.notify_all()
