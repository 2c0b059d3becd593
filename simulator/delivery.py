"""Deliver emitted webhooks to the app under test over HTTP (§5.3, §11).

Every POST carries the exact ASCII-escaped bytes that were signed, with
``X-Hub-Signature-256``, ``Content-Type`` and ``Content-Length``. Delivery runs in a
background thread so a send's HTTP answer never waits on the receiver.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from simulator.harness import Simulator
from simulator.journal import Webhook
from simulator.webhooks import encode, sign


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST of a webhook: where, what came back, how long it took."""

    webhook_id: str
    url: str
    status_code: int | None
    error: str | None
    latency_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code == 200

    def to_dict(self) -> dict[str, Any]:
        return {"webhook_id": self.webhook_id, "url": self.url,
                "status_code": self.status_code, "error": self.error,
                "latency_ms": round(self.latency_ms, 2)}


def signed_request(body: bytes, app_secret: str) -> dict[str, str]:
    """The headers of a webhook POST of ``body``."""
    return {"Content-Type": "application/json", "Content-Length": str(len(body)),
            "X-Hub-Signature-256": sign(body, app_secret), "User-Agent": "facebookexternalua"}


class WebhookPoster:
    """A simulator sink that POSTs each webhook to the world's ``webhook_url``.

    Args:
        sim: The simulator whose target and app secret are read at delivery time.
        timeout: Seconds to wait for the receiver.
    """

    def __init__(self, sim: Simulator, timeout: float = 5.0) -> None:
        self.sim = sim
        self.attempts: list[Attempt] = []
        self._queue: queue.Queue[tuple[Webhook, str, str] | None] = queue.Queue()
        self._client = httpx.Client(timeout=timeout)
        self._thread = threading.Thread(target=self._run, name="wasim-webhooks", daemon=True)
        self._thread.start()

    def __call__(self, webhook: Webhook) -> None:
        url = self.sim.world.webhook_url
        if url:
            self._queue.put((webhook, url, self.sim.world.app_secret))

    def post(self, webhook: Webhook, url: str, app_secret: str) -> Attempt:
        body = encode(webhook.payload)
        started = time.perf_counter()
        try:
            response = self._client.post(url, content=body,
                                         headers=signed_request(body, app_secret))
            status, error = response.status_code, None
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        attempt = Attempt(webhook.id, url, status, error,
                          (time.perf_counter() - started) * 1000)
        self.attempts.append(attempt)
        return attempt

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            self.post(*item)
            self._queue.task_done()
        self._queue.task_done()

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued webhook has been attempted."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)
        self._client.close()
