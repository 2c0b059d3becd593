"""Deliver emitted webhooks to the app under test, and keep a log of every attempt.

A :class:`DeliveryEngine` is the simulator's webhook sink. Each webhook becomes a
:class:`~wasim.delivery.records.Delivery`, POSTed in the background (a send's HTTP answer
never waits on the receiver) to the target: a URL, an ASGI app in the same process, or a
Python callable (:mod:`wasim.delivery.transports`). Every POST carries the exact
ASCII-escaped bytes that were signed, with ``X-Hub-Signature-256``, ``Content-Type`` and
``Content-Length`` (§5.3, §11). Setting a target runs the GET verification handshake
(§5.3). A non-200 answer or a connection error is retried with backoff on the simulated
clock (``webhook_retry`` jobs) for up to ``webhook_retry_seconds`` (7 days, §5.3), then
the delivery is dropped and recorded so. Pending deliveries are part of the exported
state. Drills (:mod:`wasim.delivery.drills`) reproduce what §5.3 says receivers must
cope with.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from wasim.clock import Job
from wasim.core import Core, Feature, JobHandler
from wasim.delivery.drills import Drills
from wasim.delivery.loop import LoopPump, customer_of
from wasim.delivery.records import (
    BACKOFF_SECONDS,
    RETRY_JOB,
    STATES,
    Attempt,
    Delivery,
    DeliveryLog,
    Verification,
    backoff,
    batch_payload,
    signed_headers,
    signed_request,
)
from wasim.delivery.transports import Batch, Target, Transport, check_target, send_now, send_on_loop
from wasim.delivery.workers import Item, Pump, ThreadPump
from wasim.errors import INVALID_PARAMETER
from wasim.platform.webhooks import encode
from wasim.world.journal import Webhook

__all__ = ["BACKOFF_SECONDS", "RETRY_JOB", "STATES", "Attempt", "Delivery", "DeliveryEngine",
           "Drills", "Target", "Verification", "attach", "backoff", "batch_payload",
           "engine_of", "signed_headers", "signed_request"]


class DeliveryEngine(Feature):
    """Delivers a simulator's webhooks to one target, with retries, a log and drills.

    A feature of the simulator (``Simulator.attach`` makes one and plugs it in): its
    retries are scheduled jobs, its log is the ``deliveries`` part of a state export,
    and ``advance`` lets it settle between steps.

    Args:
        sim: The core of the simulator whose webhooks are delivered (the engine becomes
            its sink).
        timeout: Seconds to wait for the receiver on each request.
    """

    part = "deliveries"

    def __init__(self, sim: Core, *, timeout: float = 5.0) -> None:
        self.sim = sim
        self._core = sim
        self.transport: Transport | None = None
        self.target: Target = None
        self.path = "/webhook"
        self.verification: Verification | None = None
        self.log = DeliveryLog()
        self.attempts: list[Attempt] = self.log.attempts
        self.deliveries: dict[str, Delivery] = self.log.deliveries
        self.drills = Drills(sim.lock, self._release, self.redeliver)
        self._timeout = timeout
        self.paused = False
        """Whether POSTs are held (``pause()``; the inbox shows it)."""
        self.pump: Pump = ThreadPump(self._prepare, send_now, self._finish,
                                     lambda: int(sim.world.settings.webhook_batch_size),
                                     lambda: int(sim.world.settings.webhook_concurrency))
        sim.plug(self)

    def jobs(self) -> Mapping[str, JobHandler]:
        return {RETRY_JOB: self._retry_job}

    def reset(self) -> None:
        self.pump.clear()
        self.log.clear()
        self.drills.disarm()

    def settle(self) -> object:
        return self.flush()

    # --- the target ----------------------------------------------------------------

    def set_target(self, target: Target, *, app_secret: str | None = None,
                   verify_token: str | None = None, path: str | None = None) -> Verification | None:
        """Deliver to ``target`` from now on and run the verification handshake (§5.3).

        Args:
            target: A URL, an ASGI app (POSTed at ``path``), a callable
                ``(headers, body) -> status | None`` (``None`` counts as 200), or ``None``
                to stop delivering.
            app_secret: Key of ``X-Hub-Signature-256`` (default: the world's).
            verify_token: ``hub.verify_token`` of the handshake (default: the world's).
            path: Where an ASGI app receives webhooks (default ``/webhook``).
        """
        problem = check_target(target)
        if problem is not None:
            raise INVALID_PARAMETER(problem)
        with self.sim.lock:
            if app_secret is not None:
                self.sim.world.app_secret = app_secret
            if verify_token is not None:
                self.sim.world.verify_token = verify_token
            if path is not None:
                self.path = path
            old, self.transport = self.transport, (
                Transport(target, self.path, self._timeout) if target is not None else None)
            if old is not None:
                old.close()
            self.target = target
            self.sim.world.webhook_url = target if isinstance(target, str) else None
        transport = self.transport
        self.verification = (transport.verify(self.sim.world.verify_token)
                             if transport is not None else None)
        return self.verification

    # --- the sink --------------------------------------------------------------------

    def __call__(self, webhook: Webhook) -> None:
        """Take a freshly emitted webhook (the simulator calls this under its lock).

        With no target nothing is delivered; ``redeliver`` finds such a webhook later
        through ``sim.webhooks``. Nor is anything delivered for a WABA whose app was
        unsubscribed (``DELETE /{WABA-ID}/subscribed_apps``): the platform sends a
        WABA's webhooks only to the apps subscribed to it (§5).
        """
        if self.transport is None:
            return
        subscriptions = self.sim.world.subscribed_apps
        if subscriptions and subscriptions.get(webhook.waba_id, True) is False:
            return
        webhook_id = webhook.id  # one string for all (a compact webhook writes it anew)
        self.log.webhooks[webhook_id] = webhook
        delivery = self.log.new(webhook_id, webhook.created_at, "event")
        drills = self.drills
        route = drills.route(delivery.id)
        if route == "delay":
            self._schedule(delivery, webhook.created_at + drills.delay_by)
        elif route in ("hold", "release"):
            self.log.move(delivery, "held")
            if route == "release":
                drills.release()
        else:
            self._enqueue(delivery.id, webhook.created_at)
        if drills.take_duplicate():
            copy = self.log.new(webhook_id, webhook.created_at, "duplicate")
            self._enqueue(copy.id, webhook.created_at)

    def _release(self, delivery_ids: list[str]) -> None:
        for delivery_id in delivery_ids:
            self._enqueue(delivery_id, self.deliveries[delivery_id].created_at)

    def _enqueue(self, delivery_id: str, at: datetime) -> None:
        self.log.retrying.discard(delivery_id)
        self.log.move(self.deliveries[delivery_id], "queued")
        self.pump.put((delivery_id, at))

    def _schedule(self, delivery: Delivery, due: datetime) -> None:
        self.log.retrying.add(delivery.id)
        delivery.next_at = due
        self.log.move(delivery, "retrying")
        self.sim.schedule.add(due, RETRY_JOB, {"delivery_id": delivery.id})

    def _retry_job(self, job: Job) -> None:
        delivery = self.deliveries.get(str(job.data.get("delivery_id")))
        if delivery is not None and delivery.state == "retrying":
            self._enqueue(delivery.id, job.due)

    # --- POSTing (the pump calls these) ---------------------------------------------

    def _prepare(self, batch: list[Item]) -> Batch | None:
        with self.sim.lock:
            items = [(self.deliveries[d], at) for d, at in batch if d in self.deliveries]
            payloads = [self.log.webhooks[d.webhook_id].payload for d, _ in items
                        if d.webhook_id in self.log.webhooks]
            secret = self.sim.world.app_secret
            transport = self.transport
        if not items or len(payloads) != len(items) or transport is None:
            return None
        body = encode(payloads[0] if len(payloads) == 1 else batch_payload(payloads))
        return Batch(transport, body, signed_headers(body, secret), items)

    def _finish(self, batch: Batch, status: int | None, error: str | None,
                latency: float) -> None:
        with self.sim.lock:
            limit = timedelta(seconds=float(self.sim.world.settings.webhook_retry_seconds))
            for delivery, at in batch.items:
                if self.deliveries.get(delivery.id) is delivery:  # not reset or replaced
                    due = self.log.record(delivery, at, status, error, latency,
                                          len(batch.items), limit)
                    if due is not None:
                        self._schedule(delivery, due)

    # --- waiting, the log ----------------------------------------------------------

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued POST has been made, running retries that are already due
        (the immediate retry after a failure); ``False`` if ``timeout`` ran out or the
        engine is paused with work queued."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.pump.wait(max(deadline - time.monotonic(), 0.0)):
                return False
            with self.sim.lock:
                due = self.log.retry_due(self.sim.clock.now())
            if not due or time.monotonic() >= deadline:
                return True
            self.sim.run_due()

    def pause(self) -> None:
        """Hold POSTs (queued deliveries wait; with batching they then go together)."""
        self.paused = True
        self.pump.pause()

    def resume(self) -> None:
        self.paused = False
        self.pump.resume()

    def pending(self) -> list[Delivery]:
        """Deliveries not yet made: queued, held by a drill, or waiting for a retry."""
        with self.sim.lock:
            return self.log.in_state("pending")

    @property
    def dropped(self) -> list[Delivery]:
        """Deliveries given up after the retry period (§5.3)."""
        with self.sim.lock:
            return self.log.in_state("dropped")

    def attempts_of(self, webhook_id: str) -> list[Attempt]:
        return [a for a in self.attempts if a.webhook_id == webhook_id]

    def received(self) -> list[Webhook]:
        """Webhooks the target acknowledged with 200, in the order they were taken."""
        seen: set[str] = set()
        out: list[Webhook] = []
        for attempt in self.attempts:
            if attempt.ok and attempt.webhook_id not in seen:
                seen.add(attempt.webhook_id)
                out.append(self.log.webhooks[attempt.webhook_id])
        return out

    def redeliver(self, webhook_id: str, kind: str = "redelivery") -> Delivery:
        """POST a logged webhook again now (a new delivery of kind ``redelivery``)."""
        with self.sim.lock:
            if webhook_id not in self.log.webhooks:
                self.log.webhooks.update((w.id, w) for w in self.sim.webhooks)
            if webhook_id not in self.log.webhooks:
                raise INVALID_PARAMETER(f"no emitted webhook has id {webhook_id!r}")
            if self.transport is None:
                raise INVALID_PARAMETER("no webhook target is set (POST /_sim/webhook)")
            delivery = self.log.new(webhook_id, self.sim.clock.now(), kind)
            self._enqueue(delivery.id, delivery.created_at)
            return delivery

    def retry_now(self) -> int:
        """Make every delivery waiting for a retry due now; returns how many."""
        with self.sim.lock:
            now = self.sim.clock.now()
            waiting = sorted((d for d in self.log.waiting() if d.state == "retrying"),
                             key=lambda d: (d.next_at or now, int(d.id.lstrip("d") or 0)))
            ids = {d.id for d in waiting}
            self.sim.schedule.remove(lambda j: j.kind == RETRY_JOB
                                     and j.data.get("delivery_id") in ids)
            for delivery in waiting:
                self._enqueue(delivery.id, now)
            return len(waiting)

    # --- state -----------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Deliveries and attempts as JSON (retry jobs travel in the schedule)."""
        return self.log.export()

    def load(self, data: Any) -> None:
        """Restore an export: pending deliveries are queued again or keep their retry."""
        self.pump.clear()
        self.log.load(data if isinstance(data, dict) else {})
        self.drills.disarm()
        self.log.webhooks.update((w.id, w) for w in self.sim.webhooks)
        if self.transport is None and self.sim.world.webhook_url:
            self.target = self.sim.world.webhook_url
            self.transport = Transport(self.target, self.path, self._timeout)
        scheduled = {j.data.get("delivery_id") for j in self.sim.schedule.pending()
                     if j.kind == RETRY_JOB}
        for delivery in self.deliveries.values():
            if delivery.state in ("queued", "held") or (
                    delivery.state == "retrying" and delivery.id not in scheduled):
                self._enqueue(delivery.id, self.sim.clock.now())

    def status(self, state: str | None = None, limit: int | None = None,
               select: Callable[[list[Delivery]], list[Delivery]] | None = None,
               ) -> dict[str, Any]:
        """The delivery log as JSON (``GET /_sim/deliveries``): counts, and the deliveries
        (optionally only those in ``state``; the newest ``limit``, or those ``select``
        picks) with their attempts."""
        with self.sim.lock:
            chosen = self.log.in_state(state)
            if limit is not None:
                chosen = chosen[-limit:] if limit > 0 else []
            if select is not None:
                chosen = select(chosen)
            return {"target": self.transport.shown if self.transport else None,
                    "verification": self.verification.to_dict() if self.verification else None,
                    **self.log.summary(chosen), "drills": self.drills.to_dict()}

    def close(self) -> None:
        """Stop the workers and detach from the simulator (queued deliveries stay pending)."""
        sim = self.sim
        with sim.lock:
            if sim.sink is self:
                sim.sink = None
            sim.unplug(self)
        self.pump.close()
        if self.transport is not None:
            self.transport.close()


async def settled(engine: DeliveryEngine, timeout: float = 5.0) -> bool:
    """Wait on the server's loop (without blocking it) until nothing is queued or in
    flight and no retry is due; ``False`` if ``timeout`` ran out first. Retries not yet
    due on the simulated clock do not count (advance the clock to make them due)."""
    deadline = time.monotonic() + timeout
    pump = engine.pump
    while True:
        remaining = deadline - time.monotonic()
        if isinstance(pump, LoopPump):
            if not await pump.idle(remaining):
                return False
        elif not await asyncio.to_thread(pump.wait, max(remaining, 0.0)):
            return False
        with engine.sim.lock:
            due = engine.log.retry_due(engine.sim.clock.now())
        if not due:
            return True
        if time.monotonic() >= deadline:
            return False
        engine.sim.run_due()


def deliver_on_loop(engine: DeliveryEngine, loop: asyncio.AbstractEventLoop) -> None:
    """Make ``engine`` POST from coroutines on ``loop`` (a server's) instead of threads:
    ``webhook_concurrency`` lanes, one customer's webhooks always in the same lane."""
    if isinstance(engine.pump, LoopPump):
        return
    settings = engine.sim.world

    def key(delivery_id: str) -> str:
        delivery = engine.deliveries.get(delivery_id)
        webhook = engine.log.webhooks.get(delivery.webhook_id) if delivery else None
        return customer_of(webhook) if webhook is not None else delivery_id

    with engine.sim.lock:
        old = engine.pump
        old.pause()
        engine.pump = LoopPump(loop, engine._prepare, send_on_loop, engine._finish, key,
                               lambda: int(settings.settings.webhook_batch_size),
                               lambda: int(settings.settings.webhook_concurrency))
        engine.load(engine.export())  # what the threads had queued, queued again
    old.close()


class Host(Protocol):
    """A simulator, as :func:`attach` and :func:`engine_of` see it."""

    @property
    def delivery(self) -> DeliveryEngine | None: ...

    def attach(self, target: Target = None, *, app_secret: str | None = None,
               verify_token: str | None = None, path: str | None = None,
               timeout: float = 5.0) -> DeliveryEngine: ...


def attach(sim: Host, target: Target = None, *, app_secret: str | None = None,
           verify_token: str | None = None, path: str | None = None,
           timeout: float = 5.0) -> DeliveryEngine:
    """``sim.attach(...)``: make ``sim`` deliver its webhooks to ``target`` (default: the
    world's webhook_url), reusing the engine already attached, if any."""
    return sim.attach(target, app_secret=app_secret, verify_token=verify_token, path=path,
                      timeout=timeout)


def engine_of(sim: Host) -> DeliveryEngine | None:
    """The delivery engine attached to ``sim``, if any (``sim.delivery``)."""
    return sim.delivery
