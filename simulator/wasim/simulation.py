"""``Simulator``: the one handle users hold (and what the ``whatsapp_sim`` fixture yields).

It composes the features (messaging, customers, templates, media, phone numbers, tokens,
limits, faults; webhook delivery once attached) on one :class:`~wasim.core.Core` and
offers their verbs, the journals as keyword-filterable logs, the credentials of its world
and ``assert_*`` helpers whose failures show what happened. Its verbs take the lock, so a
test may call them while a served simulator's threads work on the same state. It does not
build the HTTP app (``wasim.api`` does).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from wasim import assertions
from wasim.clock import Clock, duration_of, in_range, parse_instant
from wasim.config import Options
from wasim.core import Core, Feature, Sink
from wasim.errors import INVALID_PARAMETER
from wasim.ids import IdGenerator
from wasim.platform.customers import Customer, Customers
from wasim.platform.faults import Faults
from wasim.platform.limits import Limiter
from wasim.platform.media import MediaStore
from wasim.platform.messaging import Backend
from wasim.platform.phones import Phones
from wasim.platform.tokens import Tokens
from wasim.templates.control import Templates
from wasim.world.logs import ReceivedLog, RequestLog, SentLog, Text, WebhookLog
from wasim.world.models import InboundMessage, OutboundMessage
from wasim.world.seed import configured_world
from wasim.world.state import World

if TYPE_CHECKING:
    from wasim.delivery.engine import DeliveryEngine, Target

GRAPH_VERSION = "v23.0"
INSPECTED_SLACK = 1024  # inspected ids kept beyond 2x the stored messages before a prune
RE_ENGAGEMENT = assertions.RE_ENGAGEMENT


class Simulator:
    """An in-memory WhatsApp Cloud API.

    Args:
        options: An :class:`~wasim.config.Options`; or pass its fields as keywords.
        sink: Receives every emitted :class:`~wasim.world.journal.Webhook`.
        clock: A clock to share (default: a new one, frozen at ``options.now`` if given).
        base: A world already loaded from ``options.world`` (skips parsing YAML again).
    """

    def __init__(self, options: Options | None = None, *, sink: Sink | None = None,
                 clock: Clock | None = None, base: World | None = None,
                 **kwargs: Any) -> None:
        if options is not None and kwargs:
            raise TypeError("pass either an Options object or keyword options, not both")
        self.options = options if options is not None else Options(**kwargs)
        start = parse_instant(self.options.now) if self.options.now is not None else None
        self._base = configured_world(self.options, base)
        core = self._core = Core(self._base.copy(), clock if clock is not None
                                 else Clock(start=start), IdGenerator(self.options.seed))
        core.sink = sink
        self._inspected: set[str] = set()
        self._delivery: DeliveryEngine | None = None
        self._backend = Backend(core)
        self.templates = Templates(core)
        self.phones = Phones(core)
        self.faults = Faults(core)
        self.limits = Limiter(core)
        self.media = MediaStore(core)
        self.tokens = Tokens(core)
        self._customers = Customers(core, self._backend, self.media)
        for feature in (self._backend, self.templates, self.phones, self.faults,
                        self.limits, self.media, self.tokens, self._customers):
            core.plug(feature)

    def plug(self, feature: Feature) -> None:
        """Add a feature (its scheduled jobs, hooks and state part) to this simulator."""
        self._core.plug(feature)

    @property
    def world(self) -> World:
        """Everything the simulated platform knows (read it; change it through verbs)."""
        return self._core.world

    @property
    def clock(self) -> Clock:
        """The simulated clock (change it with ``advance``, ``set_time``, ``freeze``)."""
        return self._core.clock

    # --- time ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self._core.clock.now()

    def advance(self, duration: str | float | timedelta | None = None, **units: float) -> None:
        """Move the clock forward, running scheduled work at its own time on the way.

        Args:
            duration: ``"25h"``, ``"1d2h"``, seconds, or a ``timedelta``.
            **units: Or ``days=``, ``hours=``, ``minutes=``, ``seconds=``.
        """
        self._core.advance(duration_of(duration, units))

    def set_time(self, instant: str | datetime) -> None:
        """Jump the clock to ``instant`` (forward jumps run the work due on the way)."""
        target = in_range(parse_instant(instant))
        if target >= self.now():
            self.advance(target - self.now())
        else:
            with self._core.lock:
                self._core.clock.set(target)

    def freeze(self, at: str | datetime | None = None) -> None:
        """Stop the clock (at ``at``). With a fixture ``start=`` time is frozen already:
        the clock follows freezegun, so this only jumps to ``at`` when given."""
        if self.clock.mover is None:
            with self._core.lock:
                self.clock.freeze(parse_instant(at) if at is not None else None)
        elif at is not None:
            self.set_time(at)

    def unfreeze(self) -> None:
        """Let the clock tick again (a no-op while the fixture's ``start=`` freezes time)."""
        if self.clock.mover is None:
            with self._core.lock:
                self.clock.unfreeze()

    def update_settings(self, values: dict[str, Any]) -> dict[str, Any]:
        """Change settings of the world (all or nothing; an unknown name or a bad value is
        a Graph 100 error); returns them all."""
        with self._core.lock:
            self.world.settings.update(values)
            return self.world.settings.to_dict()

    def set_webhook_credentials(self, *, app_secret: str | None = None,
                                verify_token: str | None = None) -> None:
        """Change the app secret (webhook signatures) and/or the verify token (§5.3)."""
        with self._core.lock:
            if app_secret is not None:
                self.world.app_secret = app_secret
            if verify_token is not None:
                self.world.verify_token = verify_token

    def tick(self) -> int:
        """Run the work due by now (what a served simulator does as real time passes)."""
        return self._core.run_due()

    # --- customers -----------------------------------------------------------------

    def resolve_customer(self, who: str) -> str:
        """A wa_id for a contact alias, name, BSUID or phone number."""
        return self._core.world.resolve_customer(who)

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
        return self._customers.inbound(
            from_, text, type=type, content=content, name=name, context=context,
            referral=referral, phone_number_id=phone_number_id, extra=extra)

    def set_contact(self, who: str, *, name: str | None = None,
                    opted_out_marketing: bool | None = None) -> dict[str, Any]:
        """Change what the platform knows of a customer (profile name, marketing opt-out)."""
        return self._customers.set_contact(who, name=name,
                                           opted_out_marketing=opted_out_marketing)

    def set_progression(self, policy: str | None = None, *, who: str | None = None,
                        **delays: float | None) -> dict[str, Any]:
        """Set how statuses progress: ``immediate``, ``manual``, or ``delivered_after`` /
        ``read_after`` simulated seconds; for the world, or for one customer (``who``)."""
        return self._customers.set_progression(policy, who=who, **delays)

    def window(self, who: str, phone_number_id: str | None = None) -> dict[str, Any]:
        """The customer service window of ``who`` with a business number (§1)."""
        return self._customers.window(who, phone_number_id)

    # --- sending (the Python twin of POST /messages) --------------------------------

    def send(self, body: dict[str, Any], phone_number_id: str | None = None, *,
             api_version: str = "") -> dict[str, Any]:
        """Send as the business, exactly as ``POST /{phone-number-id}/messages`` would."""
        core = self._core
        with core.lock:
            core.run_due()
            response = self._backend.send(phone_number_id or core.world.first_phone().id,
                                          body, api_version)
            core.run_due()
            return response

    def set_status(self, message_id: str, status: str, *, code: int | None = None,
                   details: str | None = None) -> OutboundMessage:
        """Force a message's status now (``read``, or ``failed`` with an error code)."""
        with self._core.lock:
            return self._backend.force_status(message_id, status, code, details)

    def media_info(self, media_id: str) -> dict[str, Any] | None:
        """The id, type, hash and size of live media, or ``None``."""
        return self.media.info(media_id)

    # --- journals --------------------------------------------------------------------

    @property
    def sent(self) -> SentLog:
        """Every accepted outbound message, oldest first (filter with keywords)."""
        return SentLog(list(self.world.messages.values()), self.resolve_customer,
                       self._mark_inspected)

    @property
    def received(self) -> ReceivedLog:
        """Every message customers sent to the business, oldest first."""
        return ReceivedLog(list(self.world.inbound), self.resolve_customer)

    @property
    def webhooks(self) -> WebhookLog:
        """Every webhook the platform emitted, oldest first."""
        return self._core.webhooks

    @property
    def requests(self) -> RequestLog:
        """Every Graph API call the simulator answered, oldest first."""
        return self._core.requests

    def messages(self, *, to: str | None = None, status: str | None = None,
                 type: str | None = None) -> list[OutboundMessage]:
        """Recorded outbound messages filtered by recipient, status and type."""
        wa_id = self.resolve_customer(to) if to is not None else None
        found = [m for m in self.world.messages.values()
                 if (wa_id is None or m.to == wa_id or m.input == to)
                 and (status is None or m.status == status)
                 and (type is None or m.type == type)]
        if status == "failed":
            self._mark_inspected(found)
        return found

    def message(self, message_id: str) -> OutboundMessage:
        try:
            found = self.world.messages[message_id]
        except KeyError:
            raise INVALID_PARAMETER(f"no recorded message has id {message_id!r}") from None
        self._mark_inspected([found])
        return found

    def _mark_inspected(self, messages: list[OutboundMessage]) -> None:
        self._inspected.update(m.id for m in messages)
        if len(self._inspected) > 2 * len(stored := self.world.messages) + INSPECTED_SLACK:
            self._inspected = {i for i in self._inspected if i in stored}  # dropped: no check

    def inspected(self, message_id: str) -> bool:
        """Whether the test looked at this message's failure (teardown check 131047)."""
        return message_id in self._inspected

    # --- credentials ---------------------------------------------------------------

    @property
    def token(self) -> str:
        """The first access token of the world."""
        return next(iter(self.world.tokens))

    @property
    def phone_number_id(self) -> str:
        return self.world.first_phone().id

    @property
    def waba_id(self) -> str:
        return self.world.first_account().waba_id

    @property
    def app_secret(self) -> str:
        return self.world.app_secret

    @property
    def verify_token(self) -> str:
        return self.world.verify_token

    @property
    def graph_url(self) -> str:
        """``https://graph.facebook.com/v23.0``: intercepted while the fixture runs."""
        return f"https://graph.facebook.com/{GRAPH_VERSION}"

    @property
    def messages_url(self) -> str:
        return f"{self.graph_url}/{self.phone_number_id}/messages"

    # --- webhooks to the app under test --------------------------------------------

    @property
    def delivery(self) -> DeliveryEngine | None:
        """The webhook delivery engine (``attempts``, ``pending()``, ``redeliver()``...)."""
        engine = self._delivery
        return engine if engine is not None and self._core.sink is engine else None

    def attach(self, target: Target = None, *, app_secret: str | None = None,
               verify_token: str | None = None, path: str | None = None,
               timeout: float = 5.0) -> DeliveryEngine:
        """Deliver signed webhooks to ``target``: an ASGI app, a callable or a URL
        (default: the world's ``webhook_url``).

        Reuses the engine already attached, if any. Setting a target runs the verification
        handshake (``delivery.verification``); returns the engine.
        """
        from wasim.delivery.engine import DeliveryEngine  # the HTTP stack, when used

        engine = self.delivery
        if engine is None:
            engine = self._delivery = DeliveryEngine(self._core, timeout=timeout)
            self._core.sink = engine
        if target is None:
            target = self.world.webhook_url
        if target is not None or app_secret is not None or verify_token is not None:
            engine.set_target(target, app_secret=app_secret, verify_token=verify_token,
                              path=path)
        return engine

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every webhook emitted so far (and the app's answers) is delivered."""
        engine = self.delivery
        if engine is None:
            return
        deadline = time.perf_counter() + timeout
        seen, rounds = -1, 0
        while seen != len(self.webhooks) and rounds < 50:
            seen, rounds = len(self.webhooks), rounds + 1
            engine.flush(timeout=max(deadline - time.perf_counter(), 0.0))

    # --- assertions ----------------------------------------------------------------

    def assert_sent(self, *, to: str | None = None, type: str | None = None,
                    template: str | None = None, status: str | None = None,
                    text: Text | None = None, count: int | None = None) -> OutboundMessage:
        """Assert a matching message was sent (exactly ``count`` if given); the last one."""
        __tracebackhide__ = True
        return assertions.assert_sent(self, to=to, type=type, template=template,
                                      status=status, text=text, count=count)

    def assert_not_sent(self, *, to: str | None = None, type: str | None = None,
                        template: str | None = None, text: Text | None = None) -> None:
        """Assert no accepted message matches."""
        __tracebackhide__ = True
        assertions.assert_not_sent(self, to=to, type=type, template=template, text=text)

    def assert_failed(self, *, to: str | None = None, code: int = RE_ENGAGEMENT,
                      type: str | None = None) -> OutboundMessage:
        """Assert a sent message failed with error ``code``; the last such message."""
        __tracebackhide__ = True
        return assertions.assert_failed(self, to=to, code=code, type=type)

    def assert_window(self, who: str, *, open: bool) -> None:
        """Assert the customer service window with ``who`` is open (or closed)."""
        __tracebackhide__ = True
        assertions.assert_window(self, who, open=open)

    def assert_template_status(self, name: str, status: str, *,
                               language: str | None = None) -> None:
        """Assert template ``name`` (in ``language`` if given) has ``status``."""
        __tracebackhide__ = True
        assertions.assert_template_status(self, name, status, language=language)

    # --- whole state ---------------------------------------------------------------

    def reset(self) -> None:
        """Back to the configured world: no messages, windows, webhooks or pending work."""
        with self._core.lock:
            self._core.reset(self._base.copy())
            self._core.ids.reseed(self.options.seed)

    def export_state(self) -> dict[str, Any]:
        """The whole state as JSON: world, clock, pending work and the webhook log."""
        return self._core.export_state()

    def import_state(self, state: dict[str, Any]) -> None:
        """Replace the state with an export (the clock jumps to the exported time)."""
        self._core.import_state(state)

    def __repr__(self) -> str:
        return (f"<Simulator now={self.now().isoformat()} sent={len(self.world.messages)} "
                f"webhooks={len(self.webhooks)}>")

