"""``Simulator``: the handle users hold.

It owns one world, one clock, one id generator and one schedule, records what happened
(``sent``, ``received``, ``webhooks``, ``requests``) and hands every webhook to an
injected sink. It does not build the HTTP app (``wasim.api`` does) and does not
deliver webhooks itself (``wasim.delivery.engine`` does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from wasim.clock import Clock, Job, Schedule, parse_duration, parse_instant
from wasim.config import Options
from wasim.errors import INVALID_PARAMETER
from wasim.ids import IdGenerator
from wasim.platform import inbound as inbound_types
from wasim.platform import lifecycle
from wasim.platform.hooks import CallHook
from wasim.platform.messaging import Backend
from wasim.platform.webhooks import envelope
from wasim.platform.wiring import Platform
from wasim.rules import window
from wasim.templates.control import Templates
from wasim.world.journal import Journal, RequestRecord, Webhook
from wasim.world.models import InboundMessage, OutboundMessage
from wasim.world.seed import load_world
from wasim.world.state import World

Sink = Callable[[Webhook], None]
JobHandler = Callable[[Job], None]
STATE_FORMAT = 2
"""2: each feature's state in typed fields of the world (1 kept it in ``extra`` bags;
format 1 exports still load)."""
_READABLE_FORMATS = (1, 2)


class Customer:
    """A WhatsApp user writing to the business: ``sim.customer("ana").says("hi")``."""

    def __init__(self, sim: Simulator, wa_id: str) -> None:
        self.sim = sim
        self.wa_id = wa_id

    def says(self, text: str, **kwargs: Any) -> InboundMessage:
        """Send a text message to the business number."""
        return self.sim.inbound(self.wa_id, text=text, **kwargs)


class Simulator:
    """An in-memory WhatsApp Cloud API.

    Args:
        options: An :class:`~wasim.config.Options`; or pass its fields as keywords.
        sink: Receives every emitted :class:`~wasim.world.journal.Webhook`.
        clock: A clock to share (default: a new one, frozen at ``options.now`` if given).
    """

    def __init__(self, options: Options | None = None, *, sink: Sink | None = None,
                 clock: Clock | None = None, **kwargs: Any) -> None:
        if options is not None and kwargs:
            raise TypeError("pass either an Options object or keyword options, not both")
        self.options = options if options is not None else Options(**kwargs)
        self.lock = threading.RLock()
        self.ids = IdGenerator(self.options.seed)
        start = parse_instant(self.options.now) if self.options.now is not None else None
        self.clock = clock if clock is not None else Clock(start=start)
        self._base = self._configured_world()
        self.world = self._base.copy()
        self.schedule = Schedule()
        self.webhooks: Journal[Webhook] = Journal()
        self.requests: Journal[RequestRecord] = Journal()
        self.sink = sink
        self.backend = Backend(self.world, self.clock, self.ids, self.schedule, self._emit)
        self.job_handlers: dict[str, JobHandler] = {}
        self.on_reset: list[Callable[[], None]] = []
        self.settle_hooks: list[Callable[[], object]] = []
        """Called between the steps of ``advance`` (outside the lock), e.g. to let
        webhook deliveries finish so their retries land on the schedule in time."""
        self.state_parts: dict[str, tuple[Callable[[], Any], Callable[[Any], None]]] = {}
        """Extra named parts of the exported state: ``name -> (export, load)``."""
        self.imported_parts: dict[str, Any] = {}
        """Parts of an imported state that no registered part claimed (yet)."""
        self._install_handlers()
        self.templates = Templates(self)
        self.call_hooks: list[CallHook] = []
        """Consulted by the Graph seam for every authenticated call (faults, limits)."""
        self.media_info: Callable[[str], dict[str, Any] | None] | None = None
        """media id → its description, or None when unknown (set by the platform)."""
        platform = Platform(self)
        self.faults = platform.faults
        self.tokens = platform.tokens
        self.limits = platform.limits
        self.media = platform.media
        self.phones = platform.phones

    def _configured_world(self) -> World:
        given = self.options.world
        world = given.copy() if isinstance(given, World) else load_world(given)
        opts = self.options
        if opts.webhook_url is not None:
            world.webhook_url = opts.webhook_url
        if opts.app_secret is not None:
            world.app_secret = opts.app_secret
        if opts.verify_token is not None:
            world.verify_token = opts.verify_token
        world.settings.update(dict(opts.settings))
        return world

    def _install_handlers(self) -> None:
        self.job_handlers["status"] = self.backend.run_status_job

    # --- webhooks ------------------------------------------------------------------

    def _emit(self, waba_id: str, field: str,
              value: dict[str, Any] | Callable[[], dict[str, Any]],
              entry_time: bool = False, at: datetime | None = None) -> Webhook:
        """Record and hand on a webhook; ``value`` may be a builder, run when first read.
        ``at``: the time it is emitted at (default: now; the event it reports took it)."""
        now = self.clock.now() if at is None else at
        time = now if entry_time else None
        if callable(value):
            webhook = Webhook.later(self.ids.token(8), field, waba_id, now, value, time)
        else:
            webhook = Webhook(self.ids.token(8), field, waba_id,
                              envelope(waba_id, field, value, time), now)
        self.webhooks.append(webhook)
        if self.sink is not None:
            self.sink(webhook)
        return webhook

    # --- time ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def run_due(self) -> int:
        """Run every scheduled job whose time has come, in order; returns how many ran."""
        ran = 0
        if self.schedule.next_due() is None:
            return 0  # nothing scheduled: not even the clock needs reading
        with self.lock:
            while (job := self.schedule.pop_due(self.clock.now())) is not None:
                handler = self.job_handlers.get(job.kind)
                if handler is not None:
                    handler(job)
                ran += 1
        return ran

    def advance(self, duration: str | float | timedelta | None = None, **units: float) -> None:
        """Move the clock forward, running scheduled work at its own time on the way.

        Args:
            duration: ``"25h"``, ``"1d2h"``, seconds, or a ``timedelta``.
            **units: Or ``days=``, ``hours=``, ``minutes=``, ``seconds=``.
        """
        delta = self._delta(duration, units)
        with self.lock:
            try:
                target = self.clock.now() + delta
            except OverflowError:
                raise INVALID_PARAMETER(f"advancing by {delta} would pass the year 9999"
                                        ) from None
            self.run_due()
        self._settle()
        while True:
            with self.lock:
                due = self.schedule.next_due()
                if due is None or due > target:
                    break
                self.clock.set(max(due, self.clock.now()))
                self.run_due()
            self._settle()
        with self.lock:
            self.clock.set(target)
            self.run_due()
        self._settle()

    def _settle(self) -> None:
        for hook in self.settle_hooks:
            hook()

    @staticmethod
    def _delta(duration: str | float | timedelta | None, units: dict[str, float]) -> timedelta:
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

    def set_time(self, instant: str | datetime) -> None:
        """Jump the clock to ``instant`` (forward jumps run the work due on the way)."""
        target = parse_instant(instant)
        if target >= self.clock.now():
            self.advance(target - self.clock.now())
        else:
            with self.lock:
                self.clock.set(target)

    def freeze(self, at: str | datetime | None = None) -> None:
        with self.lock:
            self.clock.freeze(parse_instant(at) if at is not None else None)

    def unfreeze(self) -> None:
        with self.lock:
            self.clock.unfreeze()

    # --- customers -----------------------------------------------------------------

    def resolve_customer(self, who: str) -> str:
        """A wa_id for a contact alias, name, BSUID or phone number."""
        for account in self.world.accounts.values():
            for contact in account.contacts.values():
                if who in (contact.alias, contact.wa_id, contact.user_id):
                    return contact.wa_id
        return who

    def customer(self, who: str) -> Customer:
        return Customer(self, self.resolve_customer(who))

    def inbound(self, from_: str, text: str | None = None, *, type: str = "text",
                content: Any = None, name: str | None = None, context: Any = None,
                referral: Any = None, phone_number_id: str | None = None,
                extra: dict[str, Any] | None = None) -> InboundMessage:
        """A customer writes to the business (§5.1).

        Args:
            from_: The customer (alias, wa_id, BSUID or phone number).
            text: Shortcut for a text message.
            type: Any inbound type: text, image, audio, video, document, sticker,
                location, contacts, interactive, button, reaction, order, system,
                unsupported, request_welcome, edit (``{"original_message_id", "text"}``
                or ``{..., "caption"}``), revoke (the original message id).
            content: The object of that type (a media id string is enough for media).
            name: The customer's profile name (updates the contact).
            context: The id (or ``{"id", "from"?}``) of the message this one replies to.
            referral: ``True`` or a partial ``referral`` object: the message came from a
                click-to-WhatsApp ad (opens a free entry point window on reply, §7.3).
        """
        if text is not None:
            if type != "text" or content is not None:
                raise TypeError("text= is for text messages; use type= and content= otherwise")
            content = {"body": text}
        if content is None and type not in ("unsupported", "request_welcome"):
            raise TypeError("inbound() needs text= or content=")
        with self.lock:
            wa_id = self.resolve_customer(from_)
            content = self._customer_media(type, content, phone_number_id)
            phone = phone_number_id or self.world.first_phone().id
            built, more = inbound_types.build(
                type, content, sender=wa_id, name=name or "", media_info=self.media_info,
                original=lambda message_id: self._sent_by(wa_id, phone, message_id),
                now=self.clock.now())
            fields = dict(extra or {})
            fields.update(more)
            if context is not None:
                fields["context"] = inbound_types.context_of(self.world, context)
            if referral is not None and referral is not False:
                fields["referral"] = inbound_types.referral_of(referral, self.ids.token(24))
            message = self.backend.receive(phone, wa_id, type, built, name=name, extra=fields)
            self.run_due()
            return message

    def _sent_by(self, wa_id: str, phone_number_id: str,
                 message_id: str) -> InboundMessage | None:
        """The message ``message_id`` if ``wa_id`` sent it to ``phone_number_id``."""
        for message in reversed(self.world.inbound):
            if (message.id == message_id and message.from_wa_id == wa_id
                    and message.phone_number_id == phone_number_id):
                return message
        return None

    def _customer_media(self, kind: str, content: Any, phone_number_id: str | None) -> Any:
        """Media a customer sends without naming an id is stored as the platform stores it
        (valid 7 days, downloadable by the business, §8) and gets a fresh media id."""
        if kind not in inbound_types.MEDIA_MIME or not isinstance(content, dict) \
                or "id" in content:
            return content
        mime = content.get("mime_type") or inbound_types.MEDIA_MIME[kind]
        data = f"wasim: media a customer sent ({kind})".encode()
        media_id = self.media.upload(data, mime, phone_number_id, inbound=True,
                                     filename=content.get("filename"))
        return {**content, "id": media_id}

    def set_contact(self, who: str, *, name: str | None = None,
                    opted_out_marketing: bool | None = None) -> dict[str, Any]:
        """Change what the platform knows of a customer (profile name, marketing opt-out)."""
        with self.lock:
            wa_id = self.resolve_customer(who)
            account = self.world.first_account()
            for candidate in self.world.accounts.values():
                if wa_id in candidate.contacts:
                    account = candidate
                    break
            contact = self.backend.contact(account, wa_id, name)
            if opted_out_marketing is not None:
                contact.opted_out_marketing = opted_out_marketing
            return contact.to_dict()

    def set_progression(self, policy: str | None = None, *, who: str | None = None,
                        **delays: float | None) -> dict[str, Any]:
        """Set how statuses progress: ``immediate``, ``manual``, or ``delivered_after`` /
        ``read_after`` simulated seconds; for the world, or for one customer (``who``)."""
        unknown = set(delays) - {"delivered_after", "read_after"}
        if unknown:
            raise TypeError(f"unknown progression field(s) {sorted(unknown)}")
        with self.lock:
            values = lifecycle.resolve(policy, **delays)
            wa_id = self.resolve_customer(who) if who is not None else None
            lifecycle.set_progression(self.world, wa_id, values)
            return lifecycle.progression_for(self.world, wa_id or "").to_dict()

    def window(self, who: str, phone_number_id: str | None = None) -> dict[str, Any]:
        """The customer service window of ``who`` with a business number (§1)."""
        phone = phone_number_id or self.world.first_phone().id
        last = self.world.last_inbound(phone, self.resolve_customer(who))
        closes = window.closes_at(last)
        return {"open": window.is_open(last, self.clock.now()),
                "last_inbound": last.isoformat() if last else None,
                "closes_at": closes.isoformat() if closes else None}

    # --- sending (the Python twin of POST /messages) --------------------------------

    def send(self, body: dict[str, Any], phone_number_id: str | None = None) -> dict[str, Any]:
        """Send as the business, exactly as ``POST /{phone-number-id}/messages`` would."""
        with self.lock:
            self.run_due()
            response = self.backend.send(phone_number_id or self.world.first_phone().id, body)
            self.run_due()
            return response

    # --- the journal ---------------------------------------------------------------

    @property
    def sent(self) -> Journal[OutboundMessage]:
        """Every accepted outbound message, oldest first."""
        return Journal(list(self.world.messages.values()))

    @property
    def received(self) -> Journal[InboundMessage]:
        return Journal(list(self.world.inbound))

    def messages(self, *, to: str | None = None, status: str | None = None,
                 type: str | None = None) -> list[OutboundMessage]:
        """Recorded outbound messages filtered by recipient, status and type."""
        wa_id = self.resolve_customer(to) if to is not None else None
        return [m for m in self.world.messages.values()
                if (wa_id is None or m.to == wa_id or m.input == to)
                and (status is None or m.status == status)
                and (type is None or m.type == type)]

    def message(self, message_id: str) -> OutboundMessage:
        try:
            return self.world.messages[message_id]
        except KeyError:
            raise INVALID_PARAMETER(f"no recorded message has id {message_id!r}") from None

    def set_status(self, message_id: str, status: str, *, code: int | None = None,
                   details: str | None = None) -> OutboundMessage:
        """Force a message's status now (``read``, or ``failed`` with an error code)."""
        with self.lock:
            return self.backend.force_status(message_id, status, code, details)

    # --- whole state ---------------------------------------------------------------

    def reset(self) -> None:
        """Back to the configured world: no messages, windows, webhooks or pending work."""
        with self.lock:
            self.world = self._base.copy()
            self.backend.world = self.world
            self.schedule.remove(lambda job: True)
            self.webhooks.clear()
            self.requests.clear()
            self.ids.reseed(self.options.seed)
            for hook in self.on_reset:
                hook()

    def export_state(self) -> dict[str, Any]:
        """The whole state as JSON: world, clock, pending work and the webhook log."""
        with self.lock:
            return {"format": STATE_FORMAT, "clock": self.clock.to_dict(),
                    "world": self.world.to_dict(), "schedule": self.schedule.to_list(),
                    "webhooks": [w.to_dict() for w in self.webhooks],
                    "parts": {name: part[0]() for name, part in self.state_parts.items()}}

    def import_state(self, state: dict[str, Any]) -> None:
        """Replace the state with an export (the clock jumps to the exported time)."""
        if not isinstance(state, dict) or state.get("format") not in _READABLE_FORMATS:
            raise INVALID_PARAMETER("not a wasim state export (format 1 or 2)")
        try:
            world = World.from_dict(state["world"])
            self.schedule.load(state.get("schedule", []))
            webhooks = [Webhook(w["id"], w["field"], w["waba_id"], w["payload"],
                                parse_instant(w["created_at"]))
                        for w in state.get("webhooks", [])]
            now = parse_instant(state["clock"]["now"])
        except (KeyError, TypeError, ValueError) as exc:
            raise INVALID_PARAMETER(f"malformed state export: {exc!r}") from None
        with self.lock:
            self.world = world
            self.backend.world = world
            self.webhooks = Journal(webhooks)
            self.clock.set(now)
            parts = dict(state.get("parts") or {})
            self.imported_parts = parts
            for name, (_, load) in list(self.state_parts.items()):
                load(parts.pop(name, None))
