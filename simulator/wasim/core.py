"""The core one simulator's features share, and the protocol a feature follows.

A :class:`Core` holds the world, the clock, the id generator, the schedule, the webhook
and request journals and the lock. Each feature (templates, media, phone numbers,
faults, limits, tokens, webhook delivery...) is built on the core and plugged into it;
:class:`~wasim.simulation.Simulator` composes them and is the only public handle.

The world is reset and imported *in place* (:meth:`~wasim.world.state.World.restore`),
so a feature may read ``core.world`` at any time and never holds a stale one.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, ParamSpec, Protocol, TypeVar, cast

from wasim.clock import LATEST, Clock, Job, Schedule, in_range, parse_instant
from wasim.errors import INVALID_PARAMETER, GraphError
from wasim.ids import IdGenerator
from wasim.platform.hooks import GraphCall, Interference
from wasim.platform.send_hooks import SendHook
from wasim.world.journal import Webhook, envelope
from wasim.world.logs import RequestLog, WebhookLog
from wasim.world.models import Token
from wasim.world.state import World
from wasim.world.stateschema import check_state

JobHandler = Callable[[Job], None]
Sink = Callable[[Webhook], None]
NO_INTERFERENCE = Interference()
STATE_FORMAT = 2
"""2: each feature's state in typed fields of the world (1 kept it in ``extra`` bags;
format 1 exports still load)."""
_READABLE_FORMATS = (1, 2)
P = ParamSpec("P")
R = TypeVar("R")


class Feature:
    """A part of a simulator. Every hook defaults to doing nothing.

    ``part``: the name its :meth:`export` goes under in a state export (``None``: its
    state lives in the world, which is exported anyway).
    """

    part: ClassVar[str | None] = None

    def jobs(self) -> Mapping[str, JobHandler]:
        """The scheduled job kinds it runs, with their handlers."""
        return {}

    def reset(self) -> None:
        """Forget what is not in the world (the world itself is reset by the core)."""

    def export(self) -> Any:
        """Its part of a state export (JSON), when ``part`` is set."""
        return None

    def load(self, data: Any) -> None:
        """Take over an exported part (``None`` when the export has none)."""

    def on_call(self, call: GraphCall) -> Interference | None:
        """Called for every authenticated Graph call: a delay, an error, or ``None``."""
        return None

    def settle(self) -> object:
        """Called between the steps of ``advance``, outside the lock (e.g. to let webhook
        deliveries finish, so their retries land on the schedule in time)."""
        return None


class _HasCore(Protocol):
    _core: Core


def locked(method: Callable[P, R]) -> Callable[P, R]:
    """Run a feature's verb (a method of an object with a ``_core``) under its
    simulator's lock: verbs may be called from a test while a served simulator's threads
    work on the same state."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with cast(_HasCore, args[0])._core.lock:
            return method(*args, **kwargs)

    functools.update_wrapper(run, method)
    return run


class Core:
    """What every feature of one simulator shares.

    Args:
        world: The state (reset and imported in place).
        clock: The one clock.
        ids: The id generator.
    """

    def __init__(self, world: World, clock: Clock, ids: IdGenerator) -> None:
        self.world = world
        self.clock = clock
        self.ids = ids
        self.schedule = Schedule()
        self.lock = threading.RLock()
        self.webhooks = WebhookLog([], world.resolve_customer)
        self.requests = RequestLog([])
        self.sink: Sink | None = None
        self.send_hooks: list[SendHook] = []
        """Platform rules joined to every send, in order (registration, faults, limits,
        media)."""
        self._features: list[Feature] = []
        self._jobs: dict[str, JobHandler] = {}
        self._call_hooks: list[Callable[[GraphCall], Interference | None]] = []
        self._settlers: list[Callable[[], object]] = []
        self._unclaimed: dict[str, Any] = {}

    # --- features --------------------------------------------------------------------

    def plug(self, feature: Feature) -> None:
        """Join ``feature``: its jobs, call hook, send hook and settle step; a part of an
        earlier import that names it is loaded into it."""
        self._features.append(feature)
        self._jobs.update(feature.jobs())
        kind = type(feature)
        if kind.on_call is not Feature.on_call:
            self._call_hooks.append(feature.on_call)
        if kind.settle is not Feature.settle:
            self._settlers.append(feature.settle)
        if isinstance(feature, SendHook):
            self.send_hooks.append(feature)
        if feature.part is not None and feature.part in self._unclaimed:
            with self.lock:
                feature.load(self._unclaimed.pop(feature.part))

    def unplug(self, feature: Feature) -> None:
        """Take ``feature`` out; its exported part is kept for the next one of its kind."""
        with self.lock:
            if feature not in self._features:
                return
            self._features.remove(feature)
            for kind, handler in feature.jobs().items():
                if self._jobs.get(kind) == handler:
                    del self._jobs[kind]
            self._call_hooks = [h for h in self._call_hooks if h != feature.on_call]
            self._settlers = [h for h in self._settlers if h != feature.settle]
            if isinstance(feature, SendHook) and feature in self.send_hooks:
                self.send_hooks.remove(feature)
            if feature.part is not None:
                self._unclaimed[feature.part] = feature.export()

    def admit(self, method: str, path: str,
              check: Callable[[World], Token]) -> tuple[Token, Interference]:
        """What every Graph call goes through before its handler, under the lock: the
        work due by now, ``check`` (which answers the caller's token or raises the Graph
        error) and the call hooks (faults, call limits)."""
        with self.lock:
            self.run_due()
            known = check(self.world)
            return known, self.interference(GraphCall(method, path, known))

    def interference(self, call: GraphCall) -> Interference:
        """Ask the call hooks (faults, call limits) about ``call``; the first error wins."""
        delay = 0.0
        for hook in self._call_hooks:
            found = hook(call)
            if found is not None:
                delay += found.delay
                if found.error is not None:
                    return Interference(delay, found.error)
        return Interference(delay) if delay else NO_INTERFERENCE

    # --- webhooks --------------------------------------------------------------------

    def emit(self, waba_id: str, field: str, value: dict[str, Any],
             entry_time: bool = False, at: datetime | None = None) -> Webhook:
        """Record and hand on a webhook of ``value``.
        ``at``: the time it is emitted at (default: now; the event it reports took it)."""
        now = self.clock.now() if at is None else at
        return self.record(Webhook(self.ids.token(8), field, waba_id,
                                   envelope(waba_id, field, value,
                                            now if entry_time else None), now))

    def record(self, webhook: Webhook) -> Webhook:
        """Record and hand on a webhook built by its feature (a status webhook keeps
        what its body is made from and builds it when read)."""
        self.webhooks.append(webhook)
        if self.sink is not None:
            self.sink(webhook)
        return webhook

    # --- time ------------------------------------------------------------------------

    def run_due(self) -> int:
        """Run every scheduled job whose time has come, in order; returns how many ran."""
        ran = 0
        if self.schedule.next_due() is None:
            return 0  # nothing scheduled: not even the clock needs reading
        with self.lock:
            while (job := self.schedule.pop_due(self.clock.now())) is not None:
                handler = self._jobs.get(job.kind)
                if handler is not None:
                    handler(job)
                ran += 1
        return ran

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward, running scheduled work at its own time on the way and
        letting the features settle between the steps."""
        with self.lock:
            now = self.clock.now()
            if delta > LATEST - now:
                raise INVALID_PARAMETER(f"cannot advance the clock by {delta} from "
                                        f"{now.isoformat()}: its range ends at "
                                        f"{LATEST.isoformat()}")
            target = now + delta
            self.run_due()
        self.settle()
        while True:
            with self.lock:
                due = self.schedule.next_due()
                if due is None or due > target:
                    break
                self.clock.set(max(due, self.clock.now()))
                self.run_due()
            self.settle()
        with self.lock:
            self.clock.set(target)
            self.run_due()
        self.settle()

    def settle(self) -> None:
        for step in list(self._settlers):
            step()

    # --- whole state -----------------------------------------------------------------

    def reset(self, world: World) -> None:
        """Back to ``world``: no pending work, no journals, every feature reset."""
        with self.lock:
            self.world.restore(world)
            self.schedule.remove(lambda job: True)
            self.webhooks.clear()
            self.requests.clear()
            self._unclaimed.clear()
            for feature in self._features:
                feature.reset()

    def export_parts(self, skip: str | None = None) -> dict[str, Any]:
        """The exported parts of the features (and of unplugged ones, kept); ``skip``: a
        part left out (the store writes the delivery log row by row)."""
        parts = dict(self._unclaimed)
        for feature in self._features:
            if feature.part is not None and feature.part != skip:
                parts[feature.part] = feature.export()
        if skip is not None:
            parts.pop(skip, None)
        return parts

    def export_state(self) -> dict[str, Any]:
        """The whole state as JSON: world, clock, pending work, webhook log, parts."""
        with self.lock:
            return {"format": STATE_FORMAT, "clock": self.clock.to_dict(),
                    "world": self.world.to_dict(), "schedule": self.schedule.to_list(),
                    "webhooks": [w.to_dict() for w in self.webhooks],
                    "parts": self.export_parts()}

    def import_state(self, state: dict[str, Any]) -> None:
        """Replace the state with an export of format 1 or 2, all or nothing.

        A format-2 export is checked as a whole first (:mod:`wasim.world.stateschema`);
        then everything is built before anything is replaced, and should a feature refuse
        its part while loading, the state from before the import is put back.
        """
        if not isinstance(state, dict) or state.get("format") not in _READABLE_FORMATS:
            raise INVALID_PARAMETER("not a wasim state export (format 1 or 2)")
        if state.get("format") == STATE_FORMAT:
            check_state(state)
        staged = self._staged(state)
        with self.lock:
            before = self._staged(self.export_state())
            try:
                self._load(*staged)
            except Exception as exc:
                self._load(*before)
                detail = exc.details if isinstance(exc, GraphError) else repr(exc)
                raise INVALID_PARAMETER(f"malformed state export: {detail[:300]}; nothing "
                                        "was imported") from None

    @staticmethod
    def _staged(state: dict[str, Any]) -> tuple[World, Schedule, list[Webhook], datetime,
                                                 dict[str, Any]]:
        """What an import puts in place, built without touching the simulator."""
        try:
            world = World.from_dict(state["world"])
            schedule = Schedule()
            schedule.load(state.get("schedule", []))
            webhooks = [Webhook(w["id"], w["field"], w["waba_id"], w["payload"],
                                parse_instant(w["created_at"]))
                        for w in state.get("webhooks", [])]
            now = in_range(parse_instant(state["clock"]["now"]))
            parts = dict(state.get("parts") or {})
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise INVALID_PARAMETER(f"malformed state export: {exc!r}"[:300]) from None
        return world, schedule, webhooks, now, parts

    def _load(self, world: World, schedule: Schedule, webhooks: list[Webhook],
              now: datetime, parts: dict[str, Any]) -> None:
        with self.lock:
            self.world.restore(world)
            self.schedule.take(schedule)
            self.webhooks.clear()
            for webhook in webhooks:
                self.webhooks.append(webhook)
            self.clock.set(now)
            self._unclaimed = dict(parts)
            for feature in self._features:
                if feature.part is not None:
                    feature.load(self._unclaimed.pop(feature.part, None))
