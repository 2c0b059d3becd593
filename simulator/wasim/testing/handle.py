"""``WhatsAppSim``: the simulator a test holds, with filtered journals and assertions.

It is a :class:`~wasim.simulation.Simulator` (every verb of the control surface), plus:
the journals as keyword-filterable logs (``sent``, ``received``, ``webhooks``,
``requests``), the credentials of its world, the webhook delivery engine of the app under
test, and ``assert_*`` helpers whose failures show what happened instead.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from wasim.config import Options
from wasim.delivery.engine import DeliveryEngine, attach, engine_of
from wasim.simulation import Simulator
from wasim.testing import explain
from wasim.testing.logs import ReceivedLog, RequestLog, SentLog, Text, WebhookLog, error_code
from wasim.world.journal import Journal, RequestRecord, Webhook
from wasim.world.models import OutboundMessage
from wasim.world.state import World

GRAPH_VERSION = "v23.0"
RE_ENGAGEMENT = 131047


class WhatsAppSim(Simulator):
    """The simulator of one test.

    Args:
        options: How to build it (see :class:`~wasim.config.Options`).
        base: A world already loaded from ``options.world`` (skips parsing YAML again).
        **kwargs: Passed to :class:`~wasim.simulation.Simulator` (``clock=``, ``sink=``).
    """

    def __init__(self, options: Options | None = None, *, base: World | None = None,
                 **kwargs: Any) -> None:
        self._preloaded = base
        self._inspected: set[str] = set()
        super().__init__(options, **kwargs)

    def _configured_world(self) -> World:
        if self._preloaded is None:
            return super()._configured_world()
        opts = self.options
        if not (opts.settings or opts.webhook_url or opts.app_secret or opts.verify_token):
            return self._preloaded  # read-only as the reset base; the world is a copy
        world = self._preloaded.copy()
        world.settings.update(dict(opts.settings))
        world.webhook_url = opts.webhook_url or world.webhook_url
        world.app_secret = opts.app_secret or world.app_secret
        world.verify_token = opts.verify_token or world.verify_token
        return world

    # --- time ----------------------------------------------------------------------

    def freeze(self, at: str | datetime | None = None) -> None:
        """Stop the clock (at ``at``). With a fixture ``start=`` time is frozen already:
        the clock follows freezegun, so this only jumps to ``at`` when given."""
        if self.clock.mover is None:
            super().freeze(at)
        elif at is not None:
            self.set_time(at)

    def unfreeze(self) -> None:
        """Let the clock tick again (a no-op while the fixture's ``start=`` freezes time)."""
        if self.clock.mover is None:
            super().unfreeze()

    # --- journals ------------------------------------------------------------------

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
        return self._webhook_log

    @webhooks.setter
    def webhooks(self, value: Journal[Webhook]) -> None:
        self._webhook_log = WebhookLog(list(value), self.resolve_customer)

    @property
    def requests(self) -> RequestLog:
        """Every Graph API call the simulator answered, oldest first."""
        return self._request_log

    @requests.setter
    def requests(self, value: Journal[RequestRecord]) -> None:
        self._request_log = RequestLog(list(value))

    def message(self, message_id: str) -> OutboundMessage:
        found = super().message(message_id)
        self._mark_inspected([found])
        return found

    def messages(self, *, to: str | None = None, status: str | None = None,
                 type: str | None = None) -> list[OutboundMessage]:
        found = super().messages(to=to, status=status, type=type)
        if status == "failed":
            self._mark_inspected(found)
        return found

    def _mark_inspected(self, messages: list[OutboundMessage]) -> None:
        self._inspected.update(m.id for m in messages)

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
        return engine_of(self)

    def attach(self, target: Any, *, app_secret: str | None = None,
               verify_token: str | None = None) -> DeliveryEngine:
        """Deliver signed webhooks to ``target``: an ASGI app, a callable or a URL.

        Runs the verification handshake (``delivery.verification``) and returns the engine.
        """
        return attach(self, target, app_secret=app_secret, verify_token=verify_token)

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every webhook emitted so far (and the app's answers) is delivered."""
        engine = self.delivery
        if engine is None:
            return
        deadline = time.perf_counter() + timeout
        seen, rounds = -1, 0
        while seen != len(self._webhook_log) and rounds < 50:
            seen, rounds = len(self._webhook_log), rounds + 1
            engine.flush(timeout=max(deadline - time.perf_counter(), 0.0))

    # --- assertions ----------------------------------------------------------------

    def assert_sent(self, *, to: str | None = None, type: str | None = None,
                    template: str | None = None, status: str | None = None,
                    text: Text | None = None, count: int | None = None) -> OutboundMessage:
        """Assert a matching message was sent (exactly ``count`` if given); the last one."""
        __tracebackhide__ = True
        self.flush()
        found = self.sent.filter(to=to, type=type, template=template, status=status,
                                 text=text)
        if not found or (count is not None and len(found) != count):
            wanted = explain.criteria({"to": to, "type": type, "template": template,
                                       "status": status, "text": text})
            headline = (f"no message sent matching {wanted}" if not found else
                        f"{len(found)} message(s) sent matching {wanted}, expected {count}")
            raise AssertionError(explain.failure(headline, self, who=to,
                                                 templates=[template] if template else []))
        return found.last

    def assert_not_sent(self, *, to: str | None = None, type: str | None = None,
                        template: str | None = None, text: Text | None = None) -> None:
        """Assert no accepted message matches."""
        __tracebackhide__ = True
        self.flush()
        found = self.sent.filter(to=to, type=type, template=template, text=text)
        if found:
            wanted = explain.criteria({"to": to, "type": type, "template": template,
                                       "text": text})
            raise AssertionError(explain.failure(
                f"{len(found)} message(s) sent matching {wanted}, expected none", self,
                who=to, templates=[template] if template else []))

    def assert_failed(self, *, to: str | None = None, code: int = RE_ENGAGEMENT,
                      type: str | None = None) -> OutboundMessage:
        """Assert a sent message failed with error ``code``; the last such message."""
        __tracebackhide__ = True
        self.flush()
        found = self.sent.filter(to=to, type=type, status="failed", error=code)
        if not found:
            wanted = explain.criteria({"to": to, "type": type})
            codes = sorted({c for m in self.sent.filter(to=to) if (c := error_code(m))})
            seen = f"failure codes seen: {codes}" if codes else "no send failed"
            raise AssertionError(explain.failure(
                f"no message failed with {code} matching {wanted} ({seen})", self, who=to))
        return found.last

    def assert_window(self, who: str, *, open: bool) -> None:
        """Assert the customer service window with ``who`` is open (or closed)."""
        __tracebackhide__ = True
        if self.window(who)["open"] != open:
            word = "open" if open else "closed"
            raise AssertionError(explain.failure(f"expected the window of {who} to be {word}",
                                                 self, who=who))

    def assert_template_status(self, name: str, status: str, *,
                               language: str | None = None) -> None:
        """Assert template ``name`` (in ``language`` if given) has ``status``."""
        __tracebackhide__ = True
        found = [t for a in self.world.accounts.values() for t in a.templates.values()
                 if t.name == name and (language is None or t.language == language)]
        if not found or any(t.status != status for t in found):
            raise AssertionError(explain.failure(
                f"expected template {name} to be {status}", self, templates=[name]))

    def __repr__(self) -> str:
        return (f"<WhatsAppSim now={self.now().isoformat()} sent={len(self.world.messages)} "
                f"webhooks={len(self._webhook_log)}>")
