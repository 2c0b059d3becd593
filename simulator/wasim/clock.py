"""The one clock: every time the simulator reads comes from here.

The default source is ``datetime.now(timezone.utc)`` looked up at call time, so a process
frozen by freezegun moves this clock too. On top of the source the clock keeps an offset
(``advance``/``set`` while running) or a frozen instant (``freeze``).

Delayed work is kept as data in a :class:`Schedule` (kind + JSON payload), so pending work
survives a state export/import; the simulator's core runs it in due order as the clock passes.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from wasim.errors import INVALID_PARAMETER

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_SECONDS = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
"""The simulated clock's range: it is never set, frozen or advanced outside it, so that
every instant the rules derive from it (a window's end, a retry, a review decision, at
most a year of delays later) stays a valid date."""


def in_range(instant: datetime) -> datetime:
    """``instant`` when the clock may show it; else the 100 error naming the range."""
    if not EARLIEST <= instant <= LATEST:
        raise INVALID_PARAMETER(
            f"the clock cannot show {instant.isoformat()}: its range is "
            f"{EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return instant


def _real_utc_now() -> datetime:
    return datetime.now(UTC)


def wall_now() -> datetime:
    """Real time now (UTC), for what people read beside other logs, such as the request
    log of ``wasim serve``; never for anything the simulation decides."""
    return _real_utc_now()


def parse_duration(text: str | int | float) -> timedelta:
    """Read ``25h``, ``1d2h``, ``90s``, ``500ms`` or a number of seconds (``90``, ``"90"``)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return _seconds(text, text)
    if not isinstance(text, str):
        raise INVALID_PARAMETER(f"not a duration: {text!r} (use a number of seconds or units "
                                "ms, s, m, h, d, w such as '25h' or '1d2h30m')")
    cleaned = text.strip().replace(" ", "")
    if _SECONDS.match(cleaned):
        return _seconds(float(cleaned), text)
    sign = -1 if cleaned.startswith("-") else 1
    cleaned = cleaned.lstrip("+-")
    parts = _DURATION.findall(cleaned)
    if not cleaned or "".join(n + u for n, u in parts) != cleaned:
        raise INVALID_PARAMETER(
            f"not a duration: {text!r} (use a number of seconds or units ms, s, m, h, d, w "
            "such as '25h' or '1d2h30m')"
        )
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    return _seconds(sign * seconds, text)


def _seconds(seconds: float, given: object) -> timedelta:
    """``timedelta(seconds=...)``, or the Graph 100 error for a duration beyond its range
    (about 2.7 million years) or not a number (``nan``, ``inf``)."""
    try:
        return timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        raise INVALID_PARAMETER(f"not a usable duration: {given!r} (too long, or not a "
                                "number)") from None


def parse_instant(text: str | datetime) -> datetime:
    """Read an ISO-8601 instant; a naive one is taken as UTC."""
    if isinstance(text, datetime):
        value = text
    else:
        try:
            value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            raise INVALID_PARAMETER(
                f"not an ISO-8601 instant: {text!r} (for example 2026-01-05T09:00:00Z)"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Clock:
    """Simulated UTC time: a source plus an offset, or a frozen instant.

    Args:
        source: Where real time comes from (default ``datetime.now(UTC)``, which
            freezegun patches).
        start: Freeze the clock at this instant from the start.
    """

    def __init__(
        self,
        source: Callable[[], datetime] = _real_utc_now,
        *,
        start: datetime | None = None,
    ) -> None:
        self._source = source
        self._offset = timedelta(0)
        self._frozen: datetime | None = None if start is None else in_range(start)
        self.mover: Callable[[timedelta], None] | None = None

    def now(self) -> datetime:
        """The current simulated instant (timezone-aware UTC)."""
        if self._frozen is not None:
            return self._frozen
        if not self._offset:
            return self._source()
        return self._source() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def advance(self, delta: timedelta) -> None:
        """Move forward (a negative delta is refused: time never runs back)."""
        if delta < timedelta(0):
            raise INVALID_PARAMETER("the clock only moves forward; use set() to jump")
        if delta > LATEST - self.now():
            raise INVALID_PARAMETER(f"cannot advance the clock past {LATEST.isoformat()} "
                                    "(the end of its range)")
        if self.mover is not None:
            self.mover(delta)
        elif self._frozen is not None:
            self._frozen += delta
        else:
            self._offset += delta

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (kept frozen if frozen, ticking on from there otherwise)."""
        in_range(instant)
        if self.mover is not None:
            self.mover(instant - self.now())
        elif self._frozen is not None:
            self._frozen = instant
        else:
            self._offset = instant - self._source()

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at ``at`` (default: now)."""
        if at is not None:
            in_range(at)
        self._frozen = at if at is not None else self.now()

    def unfreeze(self) -> None:
        """Let the clock tick again from its current reading."""
        if self._frozen is not None:
            self._offset = self._frozen - self._source()
            self._frozen = None

    @property
    def reading(self) -> tuple[datetime | None, timedelta]:
        """What the clock's reading derives from (frozen instant, offset): it changes when
        the clock is moved, set, frozen or unfrozen, not as real time passes."""
        return self._frozen, self._offset

    def to_dict(self) -> dict[str, Any]:
        return {"now": self.now().isoformat(), "frozen": self.frozen}


@dataclass(order=True, slots=True)
class Job:
    """Work due at ``due``: a kind a feature runs (its ``jobs()``) and a JSON payload."""

    due: datetime
    seq: int
    kind: str = field(compare=False)
    data: dict[str, Any] = field(compare=False, default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"due": self.due.isoformat(), "seq": self.seq, "kind": self.kind,
                "data": self.data}


class Schedule:
    """A due-ordered queue of :class:`Job` (ties keep the order they were added in)."""

    def __init__(self) -> None:
        self._heap: list[Job] = []
        self._seq = 0

    def add(self, due: datetime, kind: str, data: dict[str, Any]) -> Job:
        self._seq += 1
        job = Job(due, self._seq, kind, data)
        heapq.heappush(self._heap, job)
        return job

    def claim(self, due: datetime) -> bool:
        """Whether a job added now at ``due`` would be the next one run (nothing else is
        due at or before it); if so its sequence number is used up and the caller runs
        the work at once instead of adding it (the numbering stays as if it had been)."""
        if self._heap and self._heap[0].due <= due:
            return False
        self._seq += 1
        return True

    def pop_due(self, now: datetime) -> Job | None:
        """The earliest job due at or before ``now``, removed; ``None`` if none is due."""
        if self._heap and self._heap[0].due <= now:
            return heapq.heappop(self._heap)
        return None

    def next_due(self) -> datetime | None:
        return self._heap[0].due if self._heap else None

    def remove(self, predicate: Callable[[Job], bool]) -> int:
        """Drop the jobs matching ``predicate``; returns how many were dropped."""
        kept = [job for job in self._heap if not predicate(job)]
        dropped = len(self._heap) - len(kept)
        if dropped:
            heapq.heapify(kept)
            self._heap = kept
        return dropped

    def pending(self) -> list[Job]:
        return sorted(self._heap)

    def __len__(self) -> int:
        return len(self._heap)

    def to_list(self) -> list[dict[str, Any]]:
        return [job.to_dict() for job in self.pending()]

    def take(self, other: Schedule) -> None:
        """Hold ``other``'s jobs and numbering instead of this schedule's own."""
        self._heap, self._seq = other._heap, other._seq

    def load(self, jobs: list[dict[str, Any]]) -> None:
        self._heap = [
            Job(parse_instant(j["due"]), int(j["seq"]), str(j["kind"]), dict(j["data"]))
            for j in jobs
        ]
        heapq.heapify(self._heap)
        self._seq = max((job.seq for job in self._heap), default=0)


def duration_of(duration: str | float | timedelta | None,
                units: dict[str, float]) -> timedelta:
    """``advance()``'s arguments as a ``timedelta``: a duration (``"25h"``, seconds, a
    ``timedelta``) or keyword units (``hours=25``), not both."""
    if duration is not None and units:
        raise TypeError("give a duration or keyword units, not both")
    if isinstance(duration, timedelta):
        return duration
    if duration is not None:
        return parse_duration(duration)
    allowed = {"days", "hours", "minutes", "seconds", "weeks"}
    unknown = set(units) - allowed
    if unknown:
        raise TypeError(f"unknown time unit(s) {sorted(unknown)}; use {sorted(allowed)}")
    if not units:
        raise TypeError("advance() needs a duration, such as advance('25h') or hours=25")
    return timedelta(**units)
