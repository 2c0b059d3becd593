"""The delivery log: what was POSTed, when, what came back, and what is still pending.

A :class:`Delivery` is one webhook on its way to the target (its state, failures and next
attempt); an :class:`Attempt` is one POST of it; a :class:`Verification` is the GET
handshake run when a target is set (§5.3). :class:`DeliveryLog` keeps them, applies the
retry policy of §5.3 to each outcome, and answers the log's queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from wasim.clock import parse_instant
from wasim.errors import INVALID_PARAMETER
from wasim.platform.webhooks import sign
from wasim.world.compact import SharedField, interned
from wasim.world.journal import Webhook

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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(value: Any) -> datetime | None:
    return parse_instant(value) if value is not None else None


_Outcome = tuple[bool, int | None, str | None, int, str, int]
_OUTCOMES: dict[_Outcome, _Outcome] = {}


class Attempt:
    """One POST of one webhook: when (simulated), what came back, how long it took.

    Treat as read-only (the outcome fields are). What many attempts share (the outcome,
    the attempt's number, the delivery's kind, the batch size) is one tuple for all of
    them: five references per attempt, where ten fields were kept before.
    """

    __slots__ = ("_outcome", "at", "delivery_id", "latency_ms", "webhook_id")

    def __init__(self, webhook_id: str, at: datetime, ok: bool, status_code: int | None,
                 error: str | None, latency_ms: float, delivery_id: str = "",
                 number: int = 1, kind: str = "event", batch_size: int = 1) -> None:
        self.webhook_id = webhook_id
        self.at = at
        self.latency_ms = latency_ms
        self.delivery_id = delivery_id
        self._outcome = interned(_OUTCOMES, (ok, status_code, error, number, kind, batch_size))

    ok: SharedField[bool] = SharedField("_outcome", 0)
    status_code: SharedField[int | None] = SharedField("_outcome", 1)
    error: SharedField[str | None] = SharedField("_outcome", 2)
    number: SharedField[int] = SharedField("_outcome", 3)
    kind: SharedField[str] = SharedField("_outcome", 4)
    batch_size: SharedField[int] = SharedField("_outcome", 5)

    def _fields(self) -> tuple[Any, ...]:
        return (self.webhook_id, self.at, self.latency_ms, self.delivery_id, *self._outcome)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Attempt:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"Attempt(webhook_id={self.webhook_id!r}, at={self.at!r}, ok={self.ok!r}, "
                f"status_code={self.status_code!r}, error={self.error!r}, "
                f"latency_ms={self.latency_ms!r}, delivery_id={self.delivery_id!r}, "
                f"number={self.number!r}, kind={self.kind!r}, "
                f"batch_size={self.batch_size!r})")

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
        return {"id": self.id, "webhook_id": self.webhook_id,
                "created_at": self.created_at.isoformat(), "kind": self.kind,
                "state": self.state, "failures": self.failures, "attempts": self.attempts,
                "next_at": _iso(self.next_at), "delivered_at": _iso(self.delivered_at),
                "dropped_at": _iso(self.dropped_at)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Delivery:
        return cls(d["id"], d["webhook_id"], parse_instant(d["created_at"]),
                   d.get("kind", "event"), d.get("state", "queued"), int(d.get("failures", 0)),
                   int(d.get("attempts", 0)), _at(d.get("next_at")), _at(d.get("delivered_at")),
                   _at(d.get("dropped_at")))


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


class DeliveryLog:
    """Every delivery and attempt of one engine, and the webhooks they carry, kept in
    place (``deliveries`` and ``attempts`` are the same objects for the engine's whole
    life)."""

    def __init__(self) -> None:
        self.deliveries: dict[str, Delivery] = {}
        self.attempts: list[Attempt] = []
        self.webhooks: dict[str, Webhook] = {}
        self.retrying: set[str] = set()
        """Ids of the deliveries whose next attempt is a scheduled retry."""
        self.seq = 0
        self.trimmed = {"delivered": 0, "dropped": 0, "attempts": 0}
        """What :meth:`trim` forgot, so the log's counts stay whole."""
        self.carriers: dict[str, int] = {}
        """How many kept deliveries carry each webhook (a redelivery or a duplicate
        carries the same webhook as its event)."""
        self.changed: dict[str, Delivery] | None = None
        """The deliveries created or moved (state, attempts) since :meth:`take_changed`,
        while a writer watches (:meth:`watch`); ``None``: nobody does, nothing kept."""

    def watch(self) -> None:
        """Start keeping :attr:`changed`, with every delivery kept now in it (a writer
        that starts watching writes them all once)."""
        self.changed = dict(self.deliveries)

    def unwatch(self) -> None:
        self.changed = None

    def touch(self, delivery: Delivery) -> None:
        """Note that ``delivery`` was created or moved, for the writer that watches."""
        changed = self.changed
        if changed is not None:
            changed[delivery.id] = delivery

    def move(self, delivery: Delivery, state: str) -> None:
        """Put ``delivery`` in ``state`` (and note it for the writer)."""
        delivery.state = state
        self.touch(delivery)

    def take_changed(self) -> list[Delivery]:
        """The deliveries :meth:`touch` noted since the last call (under the lock), oldest
        first; a delivery the log forgot meanwhile is among them (its last state)."""
        changed = self.changed
        if not changed:
            return []
        self.changed = {}
        return list(changed.values())

    def new(self, webhook_id: str, at: datetime, kind: str) -> Delivery:
        self.seq += 1
        delivery = Delivery(f"d{self.seq}", webhook_id, at, kind)
        self.deliveries[delivery.id] = delivery
        self.carriers[webhook_id] = self.carriers.get(webhook_id, 0) + 1
        self.touch(delivery)
        return delivery

    def record(self, delivery: Delivery, at: datetime, status: int | None,
               error: str | None, latency: float, batch_size: int,
               retry_limit: timedelta) -> datetime | None:
        """Log one POST of ``delivery``; the time of its next attempt, if it gets one
        (a failure within ``retry_limit`` of its creation, §5.3)."""
        ok = status == 200
        if not ok and error is None:
            error = f"receiver answered HTTP {status}"
        delivery.attempts += 1
        self.touch(delivery)
        self.attempts.append(Attempt(delivery.webhook_id, at, ok, status, error, latency,
                                     delivery.id, delivery.attempts, delivery.kind,
                                     batch_size))
        if ok:
            delivery.state, delivery.delivered_at, delivery.next_at = "delivered", at, None
            return None
        delivery.failures += 1
        due = at + backoff(delivery.failures)
        if due - delivery.created_at > retry_limit:
            delivery.state, delivery.dropped_at, delivery.next_at = "dropped", at, None
            return None
        return due

    def waiting(self) -> list[Delivery]:
        """Deliveries whose next attempt is a scheduled retry (a short list, usually)."""
        return [self.deliveries[i] for i in self.retrying if i in self.deliveries]

    def retry_due(self, now: datetime) -> bool:
        return any(d.state == "retrying" and d.next_at is not None and d.next_at <= now
                   for d in self.waiting())

    def in_state(self, state: str | None) -> list[Delivery]:
        """The deliveries in ``state`` (``pending``: any not finished; ``None``: all)."""
        if state is not None and state not in (*STATES, "pending"):
            raise INVALID_PARAMETER(f"state must be one of pending, {', '.join(STATES)}")
        if state is None:
            return list(self.deliveries.values())
        return [d for d in self.deliveries.values()
                if state is None or d.state == state or (state == "pending" and d.pending)]

    def summary(self, chosen: list[Delivery]) -> dict[str, Any]:
        """Counts over the whole log, and ``chosen`` with their attempts.

        The attempts are looked for from the newest back, only until every chosen
        delivery's are found (a page of recent deliveries reads the end of the list)."""
        wanted = {d.id: d.attempts for d in chosen}
        needed = sum(wanted.values())
        logs: dict[str, list[dict[str, Any]]] = {}
        for attempt in reversed(self.attempts):
            if needed <= 0:
                break
            if attempt.delivery_id in wanted:
                logs.setdefault(attempt.delivery_id, []).append(attempt.to_dict())
                needed -= 1
        for found in logs.values():
            found.reverse()
        counts = Counter(d.state for d in self.deliveries.values())
        trimmed = self.trimmed
        return {"pending": counts["queued"] + counts["held"] + counts["retrying"],
                "dropped": counts["dropped"] + trimmed["dropped"],
                "delivered": counts["delivered"] + trimmed["delivered"],
                "attempts": len(self.attempts) + trimmed["attempts"],
                "data": [d.to_dict() | {"attempts_log": logs.get(d.id, [])} for d in chosen]}

    def export(self) -> dict[str, Any]:
        return {"deliveries": [d.to_dict() for d in self.deliveries.values()],
                "attempts": [a.to_dict() for a in self.attempts], "seq": self.seq,
                "trimmed": dict(self.trimmed)}

    def load(self, data: dict[str, Any]) -> None:
        self.clear()
        self.deliveries.update(
            (d["id"], Delivery.from_dict(d)) for d in data.get("deliveries", []))
        self.retrying.update(d.id for d in self.deliveries.values() if d.state == "retrying")
        for delivery in self.deliveries.values():
            self.carriers[delivery.webhook_id] = self.carriers.get(delivery.webhook_id, 0) + 1
        self.attempts.extend(Attempt.from_dict(a) for a in data.get("attempts", []))
        self.seq = int(data.get("seq", len(self.deliveries)))
        self.trimmed.update({k: int(v) for k, v in (data.get("trimmed") or {}).items()
                             if k in self.trimmed})
        if self.changed is not None:
            self.watch()  # a writer watching writes what was loaded

    def trim(self, keep: int, at_most: int | None = None) -> int:
        """Forget the oldest finished deliveries (delivered or dropped) beyond ``keep``
        (at most ``at_most`` of them), with their attempts and the webhooks no kept
        delivery carries; pending ones are never forgotten. Returns how many went.

        Its cost follows what goes, not what is kept (a served simulator trims a little
        at every tick): the scan stops once enough finished deliveries are found, the
        attempts go from the front of their list (newer attempts of a forgotten delivery,
        behind a kept one's, go when they reach the front), and a webhook goes when the
        last delivery carrying it does (:attr:`carriers`; one the log holds for a lookup
        only goes when it reaches the front of :attr:`webhooks`)."""
        excess = len(self.deliveries) - keep
        if at_most is not None:
            excess = min(excess, at_most)
        if excess <= 0:
            return 0
        gone: list[Delivery] = []
        for delivery in self.deliveries.values():
            if len(gone) >= excess:
                break
            if delivery.state in ("delivered", "dropped"):
                gone.append(delivery)
        carriers, webhooks = self.carriers, self.webhooks
        for delivery in gone:
            del self.deliveries[delivery.id]
            self.trimmed[delivery.state] += 1
            left = carriers.get(delivery.webhook_id, 1) - 1
            if left > 0:
                carriers[delivery.webhook_id] = left
            else:
                carriers.pop(delivery.webhook_id, None)
                webhooks.pop(delivery.webhook_id, None)
        for webhook_id in list(islice(webhooks, excess)):  # kept for a lookup, uncarried
            if webhook_id in carriers:
                break
            del webhooks[webhook_id]
        attempts, kept = self.attempts, self.deliveries
        front = 0
        while front < len(attempts) and attempts[front].delivery_id not in kept:
            front += 1
        del attempts[:front]
        self.trimmed["attempts"] += front
        return len(gone)

    def clear(self) -> None:
        self.trimmed = dict.fromkeys(self.trimmed, 0)
        self.deliveries.clear()
        self.attempts.clear()
        self.webhooks.clear()
        self.carriers.clear()
        self.retrying.clear()
        if self.changed is not None:
            self.changed = {}
