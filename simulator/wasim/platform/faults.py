"""Fault injection: make chosen Graph calls fail or stall, make chosen sends fail later.

``sim.faults.add(...)`` arms a :class:`CallFault` that the Graph seam consults for every
authenticated call (``wasim.platform.hooks``); ``sim.faults.fail_next_message(...)`` arms a
:class:`MessageFault` that turns the next matching accepted send into a ``failed``
status webhook with the given code (§4.2). The same verbs exist under ``/_sim/faults``.
"""

from __future__ import annotations

import fnmatch
import random
from dataclasses import dataclass, field
from typing import Any

from wasim.core import Core, Feature, locked
from wasim.errors import INVALID_PARAMETER, GraphError, by_code
from wasim.platform.hooks import GraphCall, Interference
from wasim.platform.send_hooks import SendAttempt, SendHook

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
RATE_LIMIT_CODES = (130429, 131056)
MAX_LATENCY_MS = 60_000


def _positive(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise INVALID_PARAMETER(f"{name} must be a whole number of at least 1, got {value!r}")
    return value


def _code(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise INVALID_PARAMETER(f"code must be a Graph error code (an integer), got {value!r}")
    return value


@dataclass(slots=True)
class CallFault:
    """One armed fault on Graph calls matching ``method`` and ``path``.

    ``path`` is either a suffix of the path after the version (``messages``,
    ``106540352242922/media``) or a glob on the whole path (``/v*/*/message_templates``).
    It fires on the next ``times`` matching calls, or on every ``every``-th, or on a
    ``share`` of them drawn from a generator seeded with ``seed``.
    """

    id: str
    method: str | None
    path: str | None
    code: int | None
    status: int | None
    details: str | None
    times: int | None
    every: int | None
    share: float | None
    seed: int | None
    latency_ms: float
    seen: int = 0
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, call: GraphCall) -> bool:
        if self.method is not None and call.method.upper() != self.method:
            return False
        if self.path is None:
            return True
        if any(ch in self.path for ch in "*?["):
            return fnmatch.fnmatchcase(call.path, self.path)
        rest = "/".join(call.segments)
        wanted = self.path.strip("/")
        return rest == wanted or rest.endswith("/" + wanted)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def decide(self) -> bool:
        """Count a matching call and say whether this one fails."""
        self.seen += 1
        if self.every is not None:
            hit = self.seen % self.every == 0
        elif self.share is not None:
            hit = self._random.random() < self.share
        else:
            hit = True
        if hit:
            self.fired += 1
        return hit

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "method": self.method, "path": self.path, "code": self.code,
                "status": self.status, "details": self.details, "times": self.times,
                "every": self.every, "share": self.share, "seed": self.seed,
                "latency_ms": self.latency_ms, "seen": self.seen, "fired": self.fired,
                "remaining": None if self.times is None else self.times - self.fired}


@dataclass(slots=True)
class MessageFault:
    """The next ``times`` sends (to ``to`` if given) fail asynchronously with ``code``."""

    id: str
    code: int
    to: str | None
    times: int
    details: str | None = None
    fired: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "to": self.to, "times": self.times,
                "details": self.details, "fired": self.fired,
                "remaining": self.times - self.fired}


class Faults(Feature, SendHook):
    """The armed faults of one simulator.

    Args:
        core: Its world's settings (the HTTP status of rate-limit codes) and customers.
    """

    def __init__(self, core: Core) -> None:
        self._core = core
        self.calls: list[CallFault] = []
        self.messages: list[MessageFault] = []
        self._next = 0

    def _id(self) -> str:
        self._next += 1
        return f"fault-{self._next}"

    @locked
    def add(self, method: str | None = None, path: str | None = None, *,
            code: int | None = None, status: int | None = None, details: str | None = None,
            times: int | None = None, every: int | None = None, share: float | None = None,
            seed: int | None = None, latency_ms: float | None = None) -> CallFault:
        """Arm a fault on Graph calls (see :class:`CallFault`); returns it.

        Args:
            method: ``GET``, ``POST``, ... (``None``: any).
            path: A path suffix such as ``messages``, or a glob (``None``: any path).
            code: The Graph error code to answer with (``None``: only the latency).
            status: The HTTP status (default: the catalogue's for ``code``).
            details: ``error_data.details`` (default: the catalogue's).
            times: Fail this many matching calls (default 1 unless ``every``/``share``).
            every: Fail every N-th matching call.
            share: Fail this share (0-1] of matching calls, drawn with ``seed``.
            latency_ms: Answer after this many real milliseconds.
        """
        method = self._method(method)
        code = _code(code)
        latency = self._latency(latency_ms)
        if code is None and latency == 0:
            raise INVALID_PARAMETER("a fault needs a code (Graph error) or a latency_ms")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)
                                   or not 100 <= status <= 599):
            raise INVALID_PARAMETER(f"status must be an HTTP status code, got {status!r}")
        times, every = _positive("times", times), _positive("every", every)
        if every is not None and share is not None:
            raise INVALID_PARAMETER("give either every or share, not both")
        share = self._share(share)
        if times is None and every is None and share is None:
            times = 1
        if path is not None and (not isinstance(path, str) or not path.strip("/")):
            raise INVALID_PARAMETER("path must be a non-empty string such as 'messages'")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise INVALID_PARAMETER("seed must be an integer")
        fault = CallFault(self._id(), method, path, code, status, details, times, every,
                          share, seed, latency, _random=random.Random(seed))
        self.calls.append(fault)
        return fault

    @staticmethod
    def _method(method: str | None) -> str | None:
        if method is None:
            return None
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise INVALID_PARAMETER(f"method must be one of {', '.join(METHODS)}")
        return method.upper()

    @staticmethod
    def _latency(latency_ms: Any) -> float:
        if latency_ms is None:
            return 0.0
        if isinstance(latency_ms, bool) or not isinstance(latency_ms, int | float) or not (
                0 <= latency_ms <= MAX_LATENCY_MS):
            raise INVALID_PARAMETER(f"latency_ms must be between 0 and {MAX_LATENCY_MS}")
        return float(latency_ms)

    @staticmethod
    def _share(share: Any) -> float | None:
        if share is None:
            return None
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
            raise INVALID_PARAMETER(f"share must be a number in (0, 1], got {share!r}")
        return float(share)

    @locked
    def fail_next_message(self, code: int, to: str | None = None, times: int = 1,
                          details: str | None = None) -> MessageFault:
        """The next ``times`` accepted sends (to ``to``) fail later with ``code``.

        The send still answers HTTP 200 with a wamid; its status webhook is ``failed``
        with the catalogue's error for ``code`` (131026, 131049, 131050, 130472 ...).
        """
        checked = _code(code)
        if checked is None:
            raise INVALID_PARAMETER("missing field 'code'")
        count = _positive("times", times) or 1
        if to is not None and not isinstance(to, str):
            raise INVALID_PARAMETER("to must be a customer (alias or phone number)")
        wa_id = self._core.world.resolve_customer(to) if to else None
        fault = MessageFault(self._id(), checked, wa_id, count, details)
        self.messages.append(fault)
        return fault

    @locked
    def clear(self) -> None:
        """Disarm every fault."""
        self.calls.clear()
        self.messages.clear()

    def reset(self) -> None:
        """Disarm every fault and number the next one ``fault-1`` again (a simulator
        reset: a run after it names its faults as a fresh simulator would)."""
        self.clear()
        self._next = 0

    @locked
    def to_dict(self) -> dict[str, Any]:
        return {"calls": [f.to_dict() for f in self.calls],
                "messages": [f.to_dict() for f in self.messages]}

    # --- the seams -------------------------------------------------------------------

    def on_call(self, call: GraphCall) -> Interference | None:
        """The Graph seam's hook: the first armed fault that fires on ``call``."""
        for fault in self.calls:
            if fault.exhausted or not fault.matches(call) or not fault.decide():
                continue
            return Interference(fault.latency_ms / 1000.0, self._error(fault))
        return None

    def _error(self, fault: CallFault) -> GraphError | None:
        if fault.code is None:
            return None
        error = by_code(fault.code, fault.details)
        if fault.status is not None:
            error.http_status = fault.status
        elif fault.code in RATE_LIMIT_CODES:
            error.http_status = self._core.world.settings.rate_limit_http_status
        return error

    def async_failure(self, attempt: SendAttempt, in_window: bool,
                      category: str | None) -> GraphError | None:
        for fault in self.messages:
            if fault.fired < fault.times and fault.to in (None, attempt.contact.wa_id):
                fault.fired += 1
                return by_code(fault.code, fault.details)
        return None
