"""Steps on the platform around the conversation: time, faults, media, settings, webhooks."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import quote

from wasim.clock import Clock, parse_duration
from wasim.core import Core
from wasim.errors import GraphError
from wasim.ids import IdGenerator
from wasim.platform.faults import Faults
from wasim.scenario.checking import Checks, mark_of
from wasim.scenario.registry import (
    ANY,
    INTEGER,
    TEXT,
    Action,
    DurationAction,
    FlagAction,
    InstantAction,
    Outcome,
    Session,
    StepFailure,
    TextAction,
    settings_schema,
)
from wasim.scenario.variables import references
from wasim.world.source import plain
from wasim.world.state import World, WorldSettings

LONGEST_ADVANCE = timedelta(days=3660)
LONGEST_WAIT = timedelta(minutes=10)
"""Real time a ``wait`` may take: long enough for a slow app, short enough not to hang CI."""


class Advance(DurationAction):
    """``advance: 25h``: the simulated clock moves; due work runs (statuses, reviews)."""

    name = "advance"
    summary = "move the simulated clock forward (25h, 1d2h)"
    longest = LONGEST_ADVANCE
    longest_hint = "the simulated clock spans years, not centuries"

    def run(self, session: Session, args: Any) -> Outcome:
        return Outcome(response=session.call("POST", "/_sim/clock/advance", {"by": args}))


class SetTime(InstantAction):
    """``set_time: 2026-02-01T09:00:00Z``: the simulated clock jumps."""

    name = "set_time"
    summary = "jump the simulated clock to an instant"

    def run(self, session: Session, args: Any) -> Outcome:
        return Outcome(response=session.call("POST", "/_sim/clock/set", {"to": args}))


class Wait(DurationAction):
    """``wait: 2s``: real time passes (an app under test works meanwhile)."""

    name = "wait"
    summary = "wait real time (for an app under test)"
    longest = LONGEST_WAIT
    longest_hint = "a real wait; use 'advance' to move the simulated clock"

    def run(self, session: Session, args: Any) -> Outcome:
        waited = parse_duration(args)
        if not timedelta(0) <= waited <= LONGEST_WAIT:
            raise StepFailure(f"a wait from 0 to {LONGEST_WAIT}", f"wait {args!r}")
        time.sleep(waited.total_seconds())
        return Outcome()


class Fault(Action):
    """``fault: {path: messages, code: 131048, times: 2}``: matching Graph calls fail."""

    name = "fault"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "method": {"enum": ["GET", "POST", "DELETE", "PUT", "PATCH"]}, "path": TEXT,
        "code": INTEGER, "status": {"type": ["string", "integer"]}, "details": ANY,
        "times": INTEGER, "every": INTEGER, "share": {"type": "number"}, "seed": ANY,
        "latency_ms": {"type": "number"}}
    summary = "inject a fault into matching Graph calls (POST /_sim/faults)"

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        if any(True for _ in references(value)):
            return
        faults = Faults(Core(World(), Clock(), IdGenerator(None)))
        try:
            faults.add(**plain(value))
        except GraphError as exc:
            raise checks.error(mark_of(value), f"bad fault: {exc.details or exc.title}") \
                from None
        except TypeError as exc:
            raise checks.error(mark_of(value), f"bad fault: {exc}") from None

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        return Outcome(response=session.call("POST", "/_sim/faults", dict(args)))


class ClearFaults(FlagAction):
    """``clear_faults: true``."""

    name = "clear_faults"
    summary = "remove every injected fault"

    def run(self, session: Session, args: Any) -> Outcome:
        return Outcome(response=session.call("DELETE", "/_sim/faults"))


class UploadMedia(Action):
    """``upload_media: {mime_type: image/jpeg, text: ...}`` (save its id with ``as:``)."""

    name = "upload_media"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "mime_type": ANY, "text": {"type": ["string", "object"]}, "base64": ANY,
        "filename": ANY, "inbound": ANY, "phone_number_id": ANY}
    required = ("mime_type",)
    summary = "store media and save its id (for inbound media)"

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        response = session.call("POST", "/_sim/media", args)
        outcome = Outcome(response=response)
        if response.status_code < 400:
            outcome.saved = response.json()
        return outcome


class Settings(Action):
    """``settings: {window_violation_mode: sync}``: world settings change mid-scenario."""

    name = "settings"
    summary = "change world settings"

    def mapping_schema(self) -> dict[str, Any]:
        return settings_schema()

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        checks.settings(WorldSettings(), value)

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        return Outcome(response=session.call("POST", "/_sim/settings", args))


class Webhook(Action):
    """``webhook: {url: ..., app_secret: ...}``."""

    name = "webhook"
    fields: ClassVar[dict[str, dict[str, Any]]] = {
        "url": ANY, "app_secret": ANY, "verify_token": ANY}
    summary = "change the webhook target or its secrets"

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        return Outcome(response=session.call("POST", "/_sim/webhook", args))


class Receiver(Action):
    """``receiver: down``: the built-in receiver answers 500 (``up``: 200) or a status."""

    name = "receiver"
    shape = "text_or_mapping"
    fields: ClassVar[dict[str, dict[str, Any]]] = {"status": {"type": ["string", "integer"]}}
    required = ("status",)
    text_key = "status"
    summary = "the built-in webhook receiver answers up (200), down (500) or a status"

    def check(self, value: dict[str, Any], checks: Checks) -> None:
        status = value["status"]
        if not (status in ("up", "down") or (isinstance(status, int)
                                             and not isinstance(status, bool)
                                             and 100 <= status <= 599)):
            raise checks.error(mark_of(value, "status"),
                               f"receiver status must be up, down or an HTTP status, "
                               f"got {status!r}")

    def run(self, session: Session, args: dict[str, Any]) -> Outcome:
        if session.app_url is not None:
            raise StepFailure("the built-in receiver", "webhooks go to the app under test")
        status = args["status"]
        session.receiver.status = {"up": 200, "down": 500}.get(status, status)
        return Outcome()


class Redeliver(TextAction):
    """``redeliver: ${hook.id}``: one webhook is delivered again."""

    name = "redeliver"
    summary = "redeliver one webhook by id"

    def run(self, session: Session, args: Any) -> Outcome:
        ref = quote(str(args), safe="")
        return Outcome(response=session.call("POST", f"/_sim/deliveries/{ref}/redeliver"))

