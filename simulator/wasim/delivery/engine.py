"""Deliver emitted webhooks to the app under test, and keep a log of every attempt.

A :class:`DeliveryEngine` is the simulator's webhook sink. Each webhook becomes a
:class:`Delivery`, POSTed by a background thread (a send's HTTP answer never waits on the
receiver) to the target: a URL, an ASGI app in the same process, or a Python callable.
Every POST carries the exact ASCII-escaped bytes that were signed, with
``X-Hub-Signature-256``, ``Content-Type`` and ``Content-Length`` (§5.3, §11). Setting a
target runs the GET verification handshake (§5.3). A non-200 answer or a connection error
is retried with backoff on the simulated clock (``webhook_retry`` jobs) for up to
``webhook_retry_seconds`` (7 days, §5.3), then the delivery is dropped and recorded so.
Pending deliveries are part of the exported state. Drills (duplicate, reorder, delay)
reproduce what §5.3 says receivers must cope with.
"""

from __future__ import annotations

import http.client
import inspect
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import httpx

from wasim.asgi import sync_client
from wasim.clock import Job, parse_duration, parse_instant
from wasim.core import Core, Feature, JobHandler, locked
from wasim.errors import INVALID_PARAMETER
from wasim.platform.webhooks import encode, sign
from wasim.world.journal import Webhook

CallableTarget = Callable[[dict[str, str], bytes], "int | None"]
Target = Any
"""A URL string, an ASGI app, or ``callable(headers, body) -> status | None``."""

RETRY_JOB = "webhook_retry"
BACKOFF_SECONDS = (0, 60, 240, 960, 3600)
"""Delay before the retry that follows the 1st, 2nd, ... failure, then hourly (§5.3:
an immediate retry, then decreasing frequency; exact intervals UNCERTAIN)."""

STATES = ("queued", "held", "retrying", "delivered", "dropped")


def backoff(failures: int) -> timedelta:
    """How long after the ``failures``-th failed attempt the next one is made (§5.3)."""
    index = min(max(failures, 1), len(BACKOFF_SECONDS)) - 1
    return timedelta(seconds=BACKOFF_SECONDS[index])


def signed_headers(body: bytes, app_secret: str) -> dict[str, str]:
    """The headers of a webhook POST of ``body`` (§5.3, §11)."""
    return {"Content-Type": "application/json", "Content-Length": str(len(body)),
            "X-Hub-Signature-256": sign(body, app_secret), "User-Agent": "facebookexternalua"}


signed_request = signed_headers


def batch_payload(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """Several webhook bodies as one POST: their ``entry[]`` items side by side (§5.3)."""
    entries = [entry for payload in payloads for entry in payload["entry"]]
    return {"object": "whatsapp_business_account", "entry": entries}


@dataclass(frozen=True, slots=True)
class Attempt:
    """One POST of one webhook: when (simulated), what came back, how long it took."""

    webhook_id: str
    at: datetime
    ok: bool
    status_code: int | None
    error: str | None
    latency_ms: float
    delivery_id: str = ""
    number: int = 1
    kind: str = "event"
    batch_size: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"webhook_id": self.webhook_id, "at": self.at.isoformat(), "ok": self.ok,
                "status_code": self.status_code, "error": self.error,
                "latency_ms": round(self.latency_ms, 2), "delivery_id": self.delivery_id,
                "number": self.number, "kind": self.kind, "batch_size": self.batch_size}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Attempt:
        return cls(d["webhook_id"], parse_instant(d["at"]), bool(d["ok"]),
                   d.get("status_code"), d.get("error"), float(d.get("latency_ms", 0.0)),
                   d.get("delivery_id", ""), int(d.get("number", 1)),
                   d.get("kind", "event"), int(d.get("batch_size", 1)))


@dataclass(slots=True)
class Delivery:
    """The delivery of one webhook: its state, failures so far and next attempt time.

    ``kind`` is ``event`` (the first delivery of a webhook), ``redelivery`` (asked for)
    or ``duplicate`` (a drill).
    """

    id: str
    webhook_id: str
    created_at: datetime
    kind: str = "event"
    state: str = "queued"
    failures: int = 0
    attempts: int = 0
    next_at: datetime | None = None
    delivered_at: datetime | None = None
    dropped_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.state in ("queued", "held", "retrying")

    def to_dict(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {"id": self.id, "webhook_id": self.webhook_id,
                "created_at": self.created_at.isoformat(), "kind": self.kind,
                "state": self.state, "failures": self.failures, "attempts": self.attempts,
                "next_at": iso(self.next_at), "delivered_at": iso(self.delivered_at),
                "dropped_at": iso(self.dropped_at)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Delivery:
        def at(value: Any) -> datetime | None:
            return parse_instant(value) if value is not None else None

        return cls(d["id"], d["webhook_id"], parse_instant(d["created_at"]),
                   d.get("kind", "event"), d.get("state", "queued"), int(d.get("failures", 0)),
                   int(d.get("attempts", 0)), at(d.get("next_at")), at(d.get("delivered_at")),
                   at(d.get("dropped_at")))


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of the GET handshake run when a target is set (§5.3)."""

    ok: bool
    status_code: int | None
    challenge: str
    error: str | None = None
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "status_code": self.status_code, "challenge": self.challenge,
                "error": self.error, "skipped": self.skipped}


@dataclass(slots=True)
class Drills:
    """Armed fault drills: duplicate the next N, reorder the next N, delay the next N."""

    duplicate: int = 0
    reorder: int = 0
    delay: int = 0
    delay_by: timedelta = field(default_factory=lambda: timedelta(seconds=60))
    held: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"duplicate": self.duplicate, "reorder": self.reorder, "delay": self.delay,
                "delay_by_seconds": self.delay_by.total_seconds(), "held": list(self.held)}


class UrlPoster:
    """POSTs to one URL over a kept-alive ``http.client`` connection (the worker's own).

    About half the CPU of an httpx request per POST, which matters because delivery runs
    in the same process as the simulator's HTTP server. A POST on a kept-alive connection
    the receiver has since closed is retried once on a new one.
    """

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._used = False

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        """The receiver's HTTP status (raises ``OSError`` / ``HTTPException`` on failure)."""
        for retry in (False, True):
            if self._conn is None:
                kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
                self._conn = kind(self._host, self._port, timeout=self._timeout)
                self._used = False
            try:
                self._conn.request("POST", self._path, body=body, headers=headers)
                response = self._conn.getresponse()
                response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError) as exc:
                stale = self._used and not retry
                self.close()
                if stale:
                    continue
                raise exc
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            self._used = True
            if response.will_close:
                self.close()
            return response.status
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _is_asgi(target: Any) -> bool:
    call = getattr(target, "__call__", None)  # noqa: B004 - classes with async __call__
    return inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(call)


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
        self.target: Target = None
        self.path = "/webhook"
        self.verification: Verification | None = None
        self.attempts: list[Attempt] = []
        self.deliveries: dict[str, Delivery] = {}
        self.drills = Drills()
        self._webhooks: dict[str, Webhook] = {}
        self._retrying: set[str] = set()
        self._queue: deque[tuple[str, datetime]] = deque()
        self._cond = threading.Condition()
        self._busy = 0
        self._paused = False
        self._closed = False
        self._seq = 0
        self._http = httpx.Client(timeout=timeout)
        self._timeout = timeout
        self._posters: list[UrlPoster] = []
        self._local = threading.local()
        self._asgi: httpx.Client | None = None
        self._threads: list[threading.Thread] = []
        self._start_worker()
        sim.plug(self)

    def jobs(self) -> Mapping[str, JobHandler]:
        return {RETRY_JOB: self._retry_job}

    def reset(self) -> None:
        self._on_reset()

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
        if target is not None and not (isinstance(target, str) or callable(target)):
            raise INVALID_PARAMETER("a webhook target is a URL, an ASGI app or a callable")
        if isinstance(target, str) and not target.startswith(("http://", "https://")):
            raise INVALID_PARAMETER(f"webhook url must start with http:// or https://: "
                                    f"{target!r}")
        with self.sim.lock:
            if app_secret is not None:
                self.sim.world.app_secret = app_secret
            if verify_token is not None:
                self.sim.world.verify_token = verify_token
            if path is not None:
                self.path = path
            self.target = target
            self._asgi = sync_client(target) if _is_asgi(target) else None
            self.sim.world.webhook_url = target if isinstance(target, str) else None
        self.verification = self.verify() if target is not None else None
        return self.verification

    def verify(self) -> Verification:
        """Run the GET handshake against the target and return its outcome (§5.3)."""
        challenge = secrets.token_hex(8)
        query = urlencode({"hub.mode": "subscribe", "hub.challenge": challenge,
                           "hub.verify_token": self.sim.world.verify_token})
        target = self.target
        if target is None or not (isinstance(target, str) or self._asgi is not None):
            return Verification(True, None, challenge, None, skipped=True)
        try:
            if isinstance(target, str):
                sep = "&" if "?" in target else "?"
                response = self._http.get(f"{target}{sep}{query}")
            else:
                assert self._asgi is not None
                response = self._asgi.get(f"{self.path}?{query}")
        except httpx.HTTPError as exc:
            return Verification(False, None, challenge, f"{type(exc).__name__}: {exc}")
        ok = response.status_code == 200 and response.text == challenge
        error = None if ok else (
            f"answered {response.status_code} with {response.text[:80]!r}; expected 200 with "
            f"the hub.challenge")
        return Verification(ok, response.status_code, challenge, error)

    # --- the sink --------------------------------------------------------------------

    def __call__(self, webhook: Webhook) -> None:
        """Take a freshly emitted webhook (the simulator calls this under its lock).

        With no target nothing is delivered; ``redeliver`` finds such a webhook later
        through ``sim.webhooks`` (``_index``). Nor is anything delivered for a WABA whose
        app was unsubscribed (``DELETE /{WABA-ID}/subscribed_apps``): the platform sends a
        WABA's webhooks only to the apps subscribed to it (§5).
        """
        if self.target is None:
            return
        subscriptions = self.sim.world.subscribed_apps
        if subscriptions and subscriptions.get(webhook.waba_id, True) is False:
            return
        self._webhooks[webhook.id] = webhook
        delivery = self._new(webhook.id, webhook.created_at, "event")
        drills = self.drills
        if drills.delay:
            drills.delay -= 1
            self._schedule(delivery, webhook.created_at + drills.delay_by, "retrying")
        elif drills.reorder:
            delivery.state = "held"
            drills.held.append(delivery.id)
            if len(drills.held) >= drills.reorder:
                self.release_held()
        else:
            self._enqueue(delivery.id, webhook.created_at)
        if drills.duplicate:
            drills.duplicate -= 1
            copy = self._new(webhook.id, webhook.created_at, "duplicate")
            self._enqueue(copy.id, webhook.created_at)

    def _new(self, webhook_id: str, at: datetime, kind: str) -> Delivery:
        self._seq += 1
        delivery = Delivery(f"d{self._seq}", webhook_id, at, kind)
        self.deliveries[delivery.id] = delivery
        return delivery

    def _enqueue(self, delivery_id: str, at: datetime) -> None:
        self._retrying.discard(delivery_id)
        self.deliveries[delivery_id].state = "queued"
        with self._cond:
            self._queue.append((delivery_id, at))
            self._busy += 1
            self._cond.notify_all()
            wanted = int(self.sim.world.settings.webhook_concurrency)
            if len(self._queue) > 1 and len(self._threads) < wanted:
                self._start_worker()

    def _start_worker(self) -> None:
        thread = threading.Thread(target=self._run, daemon=True,
                                  name=f"wasim-webhooks-{len(self._threads) + 1}")
        self._threads.append(thread)
        thread.start()

    def _schedule(self, delivery: Delivery, due: datetime, state: str) -> None:
        self._retrying.add(delivery.id)
        delivery.state = state
        delivery.next_at = due
        self.sim.schedule.add(due, RETRY_JOB, {"delivery_id": delivery.id})

    def _retry_job(self, job: Job) -> None:
        delivery = self.deliveries.get(str(job.data.get("delivery_id")))
        if delivery is not None and delivery.state == "retrying":
            self._enqueue(delivery.id, job.due)

    # --- the worker ----------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (self._paused or not self._queue):
                    self._cond.wait()
                if self._closed:
                    return
                batch = [self._queue.popleft()]
                size = max(1, int(self.sim.world.settings.webhook_batch_size))
                while self._queue and len(batch) < size:
                    batch.append(self._queue.popleft())
            try:
                self._post(batch)
            except Exception:  # a broken receiver must never stop the worker
                pass
            finally:
                with self._cond:
                    self._busy -= len(batch)
                    self._cond.notify_all()

    def _post(self, batch: list[tuple[str, datetime]]) -> None:
        with self.sim.lock:
            items = [(self.deliveries[d], at) for d, at in batch if d in self.deliveries]
            payloads = [self._webhooks[d.webhook_id].payload for d, _ in items
                        if d.webhook_id in self._webhooks]
            secret = self.sim.world.app_secret
            target = self.target
        if not items or len(payloads) != len(items) or target is None:
            return
        body = encode(payloads[0] if len(payloads) == 1 else batch_payload(payloads))
        headers = signed_headers(body, secret)
        started = time.perf_counter()
        status, error = self._send(target, headers, body)
        latency = (time.perf_counter() - started) * 1000
        with self.sim.lock:
            for delivery, at in items:
                if self.deliveries.get(delivery.id) is delivery:  # not reset or replaced
                    self._record(delivery, at, status, error, latency, len(items))

    def _send(self, target: Target, headers: dict[str, str],
              body: bytes) -> tuple[int | None, str | None]:
        try:
            if isinstance(target, str):
                poster: UrlPoster | None = getattr(self._local, "poster", None)
                if poster is None or poster.url != target:
                    if poster is not None:
                        poster.close()
                    poster = UrlPoster(target, self._timeout)
                    self._local.poster = poster
                    with self._cond:
                        self._posters.append(poster)
                return poster.post(body, headers), None
            if self._asgi is not None:
                response = self._asgi.post(self.path, content=body, headers=headers)
                return response.status_code, None
            answer = target(dict(headers), body)
            return (200 if answer is None else int(answer)), None
        except (httpx.HTTPError, OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            return None, f"receiver raised {type(exc).__name__}: {exc}"

    def _record(self, delivery: Delivery, at: datetime, status: int | None,
                error: str | None, latency: float, batch_size: int) -> None:
        ok = status == 200
        if not ok and error is None:
            error = f"receiver answered HTTP {status}"
        delivery.attempts += 1
        self.attempts.append(Attempt(delivery.webhook_id, at, ok, status, error, latency,
                                     delivery.id, delivery.attempts, delivery.kind,
                                     batch_size))
        if ok:
            delivery.state, delivery.delivered_at, delivery.next_at = "delivered", at, None
            return
        delivery.failures += 1
        due = at + backoff(delivery.failures)
        limit = timedelta(seconds=float(self.sim.world.settings.webhook_retry_seconds))
        if due - delivery.created_at > limit:
            delivery.state, delivery.dropped_at, delivery.next_at = "dropped", at, None
            return
        self._schedule(delivery, due, "retrying")

    # --- waiting, the log ----------------------------------------------------------

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued POST has been made, running retries that are already due
        (the immediate retry after a failure); ``False`` if ``timeout`` ran out or the
        engine is paused with work queued."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                while self._busy and not self._paused and not self._closed:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                if self._busy:
                    return self._closed
            if not self._retry_due() or time.monotonic() >= deadline:
                return True
            self.sim.run_due()

    def _retry_due(self) -> bool:
        with self.sim.lock:
            now = self.sim.clock.now()
            return any(d.state == "retrying" and d.next_at is not None and d.next_at <= now
                       for d in self._waiting())

    def _waiting(self) -> list[Delivery]:
        """Deliveries whose next attempt is a scheduled retry (a short list, usually)."""
        return [self.deliveries[i] for i in self._retrying if i in self.deliveries]

    def pause(self) -> None:
        """Hold POSTs (queued deliveries wait; with batching they then go together)."""
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def pending(self) -> list[Delivery]:
        """Deliveries not yet made: queued, held by a drill, or waiting for a retry."""
        with self.sim.lock:
            return [d for d in self.deliveries.values() if d.pending]

    @property
    def dropped(self) -> list[Delivery]:
        """Deliveries given up after the retry period (§5.3)."""
        with self.sim.lock:
            return [d for d in self.deliveries.values() if d.state == "dropped"]

    def attempts_of(self, webhook_id: str) -> list[Attempt]:
        return [a for a in self.attempts if a.webhook_id == webhook_id]

    def received(self) -> list[Webhook]:
        """Webhooks the target acknowledged with 200, in the order they were taken."""
        seen: set[str] = set()
        out: list[Webhook] = []
        for attempt in self.attempts:
            if attempt.ok and attempt.webhook_id not in seen:
                seen.add(attempt.webhook_id)
                out.append(self._webhooks[attempt.webhook_id])
        return out

    def redeliver(self, webhook_id: str) -> Delivery:
        """POST a logged webhook again now (a new delivery of kind ``redelivery``)."""
        with self.sim.lock:
            if webhook_id not in self._webhooks:
                self._index()
            if webhook_id not in self._webhooks:
                raise INVALID_PARAMETER(f"no emitted webhook has id {webhook_id!r}")
            if self.target is None:
                raise INVALID_PARAMETER("no webhook target is set (POST /_sim/webhook)")
            delivery = self._new(webhook_id, self.sim.clock.now(), "redelivery")
            self._enqueue(delivery.id, delivery.created_at)
            return delivery

    def retry_now(self) -> int:
        """Make every delivery waiting for a retry due now; returns how many."""
        with self.sim.lock:
            now = self.sim.clock.now()
            waiting = sorted((d for d in self._waiting() if d.state == "retrying"),
                             key=lambda d: (d.next_at or now, int(d.id.lstrip("d") or 0)))
            ids = {d.id for d in waiting}
            self.sim.schedule.remove(lambda j: j.kind == RETRY_JOB
                                     and j.data.get("delivery_id") in ids)
            for delivery in waiting:
                self._enqueue(delivery.id, now)
            return len(waiting)

    # --- drills ----------------------------------------------------------------------

    @locked
    def duplicate(self, times: int = 1, webhook_id: str | None = None) -> None:
        """POST the next ``times`` webhooks twice, or one logged webhook once more."""
        if webhook_id is not None:
            with self.sim.lock:
                delivery = self.redeliver(webhook_id)
                delivery.kind = "duplicate"
            return
        self.drills.duplicate = _count(times)

    @locked
    def reorder(self, count: int = 2) -> None:
        """Hold the next ``count`` webhooks, then POST them in reverse order (§5.3)."""
        if _count(count) < 2:
            raise INVALID_PARAMETER("reorder needs a count of at least 2")
        self.drills.reorder = count

    @locked
    def delay(self, by: str | float | timedelta = "60s", times: int = 1) -> None:
        """Hold the next ``times`` webhooks for ``by`` on the simulated clock."""
        self.drills.delay_by = by if isinstance(by, timedelta) else parse_duration(by)
        self.drills.delay = _count(times)

    def release_held(self) -> None:
        """POST the webhooks a reorder drill holds, newest first, and disarm it."""
        held, self.drills.held, self.drills.reorder = self.drills.held, [], 0
        for delivery_id in reversed(held):
            self._enqueue(delivery_id, self.deliveries[delivery_id].created_at)

    @locked
    def clear_drills(self) -> None:
        self.release_held()
        self.drills = Drills()

    # --- state -----------------------------------------------------------------------

    def _index(self) -> None:
        self._webhooks = {w.id: w for w in self.sim.webhooks}

    def export(self) -> dict[str, Any]:
        """Deliveries and attempts as JSON (retry jobs travel in the schedule)."""
        return {"deliveries": [d.to_dict() for d in self.deliveries.values()],
                "attempts": [a.to_dict() for a in self.attempts], "seq": self._seq}

    def load(self, data: Any) -> None:
        """Restore an export: pending deliveries are queued again or keep their retry."""
        if not isinstance(data, dict):
            data = {}
        with self._cond:
            self._queue.clear()
            self._busy = 0
        self.deliveries = {d["id"]: Delivery.from_dict(d) for d in data.get("deliveries", [])}
        self._retrying = {d.id for d in self.deliveries.values() if d.state == "retrying"}
        self.attempts = [Attempt.from_dict(a) for a in data.get("attempts", [])]
        self._seq = int(data.get("seq", len(self.deliveries)))
        self.drills = Drills()
        self._index()
        if self.target is None and self.sim.world.webhook_url:
            self.target = self.sim.world.webhook_url
        scheduled = {j.data.get("delivery_id") for j in self.sim.schedule.pending()
                     if j.kind == RETRY_JOB}
        for delivery in self.deliveries.values():
            if delivery.state in ("queued", "held") or (
                    delivery.state == "retrying" and delivery.id not in scheduled):
                self._enqueue(delivery.id, self.sim.clock.now())

    def _on_reset(self) -> None:
        with self._cond:
            self._queue.clear()
            self._busy = 0
            self._cond.notify_all()
        self.deliveries.clear()
        self._retrying.clear()
        self.attempts.clear()
        self._webhooks.clear()
        self.drills = Drills()

    def status(self, state: str | None = None, limit: int | None = None) -> dict[str, Any]:
        """The delivery log as JSON (``GET /_sim/deliveries?state=&limit=``): counts, and
        the deliveries (optionally only those in ``state``, the newest ``limit``) with
        their attempts."""
        if state is not None and state not in (*STATES, "pending"):
            raise INVALID_PARAMETER(f"state must be one of pending, {', '.join(STATES)}")
        with self.sim.lock:
            target = self.target
            shown = target if isinstance(target, str) or target is None else (
                f"asgi:{self.path}" if self._asgi is not None else "callable")
            chosen = [d for d in self.deliveries.values()
                      if state is None or d.state == state or (state == "pending" and d.pending)]
            if limit is not None:
                chosen = chosen[-limit:] if limit > 0 else []
            wanted = {d.id for d in chosen}
            logs: dict[str, list[dict[str, Any]]] = {}
            for attempt in self.attempts:
                if attempt.delivery_id in wanted:
                    logs.setdefault(attempt.delivery_id, []).append(attempt.to_dict())
            return {"target": shown,
                    "verification": self.verification.to_dict() if self.verification else None,
                    "pending": sum(d.pending for d in self.deliveries.values()),
                    "dropped": sum(d.state == "dropped" for d in self.deliveries.values()),
                    "delivered": sum(d.state == "delivered" for d in self.deliveries.values()),
                    "attempts": len(self.attempts),
                    "drills": self.drills.to_dict(),
                    "data": [d.to_dict() | {"attempts_log": logs.get(d.id, [])}
                             for d in chosen]}

    def close(self) -> None:
        """Stop the worker and detach from the simulator (queued deliveries stay pending)."""
        sim = self.sim
        with sim.lock:
            if sim.sink is self:
                sim.sink = None
            sim.unplug(self)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)
        self._http.close()
        for poster in self._posters:
            poster.close()


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise INVALID_PARAMETER(f"a drill count must be a non-negative integer, got {value!r}")
    return value


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
