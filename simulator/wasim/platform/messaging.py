"""The only writer of simulator state: sends, inbound messages and status changes.

Each operation applies the rules of ``wasim.rules`` in the platform's order, records
what happened in the :class:`~wasim.world.state.World`, schedules follow-up work on the
clock and hands webhook bodies to ``emit``. It knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from wasim.clock import Job
from wasim.core import Core, Feature, JobHandler
from wasim.errors import (
    ECOSYSTEM,
    INVALID_PARAMETER,
    INVALID_VALUE,
    MARKETING_OPT_OUT,
    GraphError,
    by_code,
)
from wasim.platform import identity
from wasim.platform.charging import charge, record_referral
from wasim.platform.lifecycle import delays_for, is_voice
from wasim.platform.send_hooks import SendAttempt, SendHook
from wasim.platform.webhooks import (
    InboundWebhook,
    StatusSnapshot,
    StatusWebhook,
    status_snapshot,
    unix,
)
from wasim.rules import billing, marketing, numbers, payloads, reactions, templates, window
from wasim.rules.categories import pricing_category
from wasim.rules.content import check_contact_name_parts
from wasim.rules.regions import region_of
from wasim.rules.versions import check_parameters
from wasim.world.models import Contact, InboundMessage, OutboundMessage, PhoneNumber, StatusEvent
from wasim.world.state import BusinessAccount

STATUS_ORDER = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "played": 4, "failed": 5}


class Backend(Feature):
    """Applies the platform's rules to the core's world: the messaging feature.

    Args:
        core: The world, clock, ids, schedule, webhook emitter and send hooks it uses.
    """

    def __init__(self, core: Core) -> None:
        self.world = core.world
        self.clock = core.clock
        self.ids = core.ids
        self.schedule = core.schedule
        self.emit, self.record = core.emit, core.record
        self.send_hooks = core.send_hooks
        """Platform rules joined to every send (limits, media, registration)."""
        self._hook_key: tuple[SendHook, ...] | None = None
        self._hook_methods: tuple[list[Any], list[Any], list[Any]] = ([], [], [])

    def jobs(self) -> Mapping[str, JobHandler]:
        return {"status": self.run_status_job}

    # --- lookups -------------------------------------------------------------------

    def phone(self, phone_number_id: str) -> tuple[BusinessAccount, PhoneNumber]:
        """The account and number of ``phone_number_id`` (Graph 100/33 when unknown)."""
        account = self.world.account_of_phone(phone_number_id)
        if account is None:
            raise unknown_object(phone_number_id)
        return account, account.phone_numbers[phone_number_id]

    def contact(self, account: BusinessAccount, wa_id: str, name: str | None = None) -> Contact:
        """The account's contact for ``wa_id``, created (with a fresh BSUID) when new."""
        contact = account.contacts.get(wa_id)
        if contact is None:
            contact = Contact(wa_id, name or "", self.ids.bsuid(region_of(wa_id)))
            account.contacts[wa_id] = contact
        elif name:
            contact.name = name
        return contact

    def _resolve(self, account: BusinessAccount, phone: PhoneNumber,
                 request: payloads.SendRequest) -> Contact:
        if request.to is not None:
            return self.contact(account, numbers.recipient_wa_id(
                request.to, phone.display_phone_number))
        found = account.contact_by_user_id(str(request.recipient))
        if found is None:
            raise INVALID_VALUE(
                f"Parameter recipient is not a business-scoped user id known to this "
                f"business: {request.recipient!r}"
            )
        return found

    # --- sending -------------------------------------------------------------------

    def send(self, phone_number_id: str, body: Any, api_version: str = "") -> dict[str, Any]:
        """``POST /{phone-number-id}/messages``: validate, apply the rules, record, answer."""
        account, phone = self.phone(phone_number_id)
        request = payloads.parse_request(body)
        if isinstance(request, payloads.ReadRequest):
            return self.mark_read(phone_number_id, request)
        if request.type == "contacts" and self.world.settings.contacts_need_name_part:
            check_contact_name_parts(request.content)
        contact = self._resolve(account, phone, request)
        now = self.clock.now()
        attempt = SendAttempt(account, phone, contact, request, now)
        checks, failures, accepted = self._hooks()
        for check in checks:
            check(attempt)
        category = name = language = None
        if request.type == "template":
            template = templates.check_status(
                account.find_template(request.content["name"],
                                      request.content["language"]["code"]),
                request.content["name"], request.content["language"]["code"])
            check_parameters(template, request.content.get("components", []), api_version)
            category, name, language = template.category, template.name, template.language
        last_inbound = self.world.last_inbound(phone.id, contact.wa_id)
        in_window = window.is_open(last_inbound, now)
        own_number = identity.own_number_failure(self.world.settings, phone, contact.wa_id)
        failure = window.violation(request.type, last_inbound, now)
        if failure is not None and self.world.settings.window_violation_mode == "sync":
            raise failure
        failure = own_number or failure
        if failure is None and request.type == "reaction":
            failure = self._reaction_failure(phone.id, contact.wa_id, request.content, now)
        if (failure is None and category is not None
                and pricing_category(category) == "marketing"):
            failure = self._marketing_failure(contact.wa_id, contact.opted_out_marketing, now)
        for async_failure in failures:
            failure = failure or async_failure(attempt, in_window, category)
        message_id = self.ids.wamid()
        priced = None
        if failure is None:
            priced = charge(self.world, self.ids, phone_number_id=phone.id,
                            wa_id=contact.wa_id, message_id=message_id,
                            message_type=request.type, template_category=category,
                            in_window=in_window, now=now, api_version=api_version)
        message = OutboundMessage(  # positional, in field order: id, phone_number_id,
            # waba_id, to, input, type, body, created_at, in_window, category,
            # template_name, template_language, api_version, pricing,
            # biz_opaque_callback_data, conversation
            message_id, phone.id, account.waba_id, contact.wa_id, request.input,
            request.type, body, now, in_window, category, name, language, api_version,
            priced.pricing if priced else None, request.biz_opaque_callback_data,
            priced.conversation if priced else None)
        self.world.messages[message.id] = message
        for on_accepted in accepted:
            on_accepted(attempt, message, failure is not None)
        if failure is not None:
            self._schedule(message, "failed", now, failure.webhook_error(), at_once=True)
        else:
            self._schedule(message, "sent", now, at_once=True)
        return self._accepted(message, contact)

    def _reaction_failure(self, phone_number_id: str, wa_id: str, content: dict[str, Any],
                          now: datetime) -> GraphError | None:
        """Why a reaction is not delivered, if it is not (131009, §3)."""
        target_id = content["message_id"]
        target = deleted = None
        for inbound in reversed(self.world.inbound):
            if inbound.phone_number_id != phone_number_id or inbound.from_wa_id != wa_id:
                continue
            if inbound.id == target_id:
                target = inbound
                break
            if (inbound.type == "revoke"
                    and inbound.message["revoke"].get("original_message_id") == target_id):
                deleted = True
        return reactions.reaction_failure(content["emoji"], target, bool(deleted), now)

    def _marketing_failure(self, wa_id: str, opted_out: bool,
                           now: datetime) -> GraphError | None:
        """Why a marketing template is not delivered, if it is not: the customer stopped
        the business's marketing (131050), or a US number under the rules of 2025-04-01
        and later (131049, setting ``us_marketing_pause``) (§6)."""
        if opted_out:
            return MARKETING_OPT_OUT()
        settings = self.world.settings
        if settings.us_marketing_pause and marketing.us_marketing_paused(
                wa_id, settings.rules_date(now)):
            return ECOSYSTEM(details="Marketing template messages are not delivered to "
                             "WhatsApp users with US phone numbers (since 2025-04-01).")
        return None

    def _hooks(self) -> tuple[list[Any], list[Any], list[Any]]:
        """The bound ``check``, ``async_failure`` and ``accepted`` methods of the send hooks
        that override :class:`SendHook`'s do-nothing defaults, in hook order (cached
        until ``send_hooks`` changes)."""
        key = tuple(self.send_hooks)
        if self._hook_key != key:
            self._hook_key = key
            check, failure, accepted = (
                [getattr(hook, name) for hook in key
                 if getattr(type(hook), name) is not getattr(SendHook, name)]
                for name in ("check", "async_failure", "accepted"))
            self._hook_methods = (check, failure, accepted)
        return self._hook_methods

    @staticmethod
    def _accepted(message: OutboundMessage, contact: Contact) -> dict[str, Any]:
        """The success body of §3; ``message_status`` only on template sends."""
        sent: dict[str, Any] = {"id": message.id}
        if message.profile.type == "template":
            sent["message_status"] = "accepted"
        return {"messaging_product": "whatsapp",
                "contacts": [{"input": message.input, "wa_id": contact.wa_id}],
                "messages": [sent]}

    def mark_read(self, phone_number_id: str, request: payloads.ReadRequest) -> dict[str, Any]:
        """Mark an inbound message read (and show typing): ``{"success": true}`` (§3)."""
        for inbound in reversed(self.world.inbound):
            if inbound.id == request.message_id and inbound.phone_number_id == phone_number_id:
                return {"success": True}
        raise INVALID_PARAMETER(
            f"message_id {request.message_id!r} is not a message this number received"
        )

    # --- statuses ------------------------------------------------------------------

    def _schedule(self, message: OutboundMessage, status: str, due: datetime,
                  error: dict[str, Any] | None = None, *, at_once: bool = False) -> None:
        """Schedule ``status`` for ``message`` at ``due``.

        ``at_once``: ``due`` is now and the caller runs the due work right after (a send is
        always followed by ``run_due``; a status job runs inside it). When no other job is
        due before it, the job would be the next one run, so the step is taken at once,
        with no job or heap operation: the same events in the same order.
        """
        if at_once and self.schedule.claim(due):
            self._step(message, status, error, due)
            return
        data: dict[str, Any] = {"message_id": message.id, "status": status}
        if error is not None:
            data["error"] = error
        self.schedule.add(due, "status", data)

    def run_status_job(self, job: Job) -> None:
        """Reach the status a job carries, then schedule the next one by the progression."""
        message = self.world.messages.get(job.data["message_id"])
        if message is None:
            return
        self._step(message, job.data["status"], job.data.get("error"))

    def _step(self, message: OutboundMessage, status: str,
              error: dict[str, Any] | None, now: datetime | None = None) -> None:
        """Reach ``status``, then the next statuses by the progression, as far as they
        are due at once; the first one later goes on the schedule.

        The progression is the contact's policy, else the world's (``wasim.platform.lifecycle``);
        reactions only ever get ``sent``; voice messages go on from ``read`` to ``played``
        (§5.2). A status due at once is reached here only when the schedule has nothing
        due before it (``Schedule.claim``); otherwise it is queued behind that work.
        One clock reading and one number/contact lookup serve every step taken here.
        """
        if now is None:
            now = self.clock.now()
        delivered_after, read_after = delays_for(self.world, message.to)
        account, phone = self.phone(message.profile.phone_number_id)
        contact = account.contacts.get(message.to) or self.contact(account, message.to)
        snapshot = status_snapshot(account.waba_id, phone, contact)
        errors = [error] if error else None
        while True:
            if status == "delivered" and read_after == 0:
                status = "read"  # delivered and read together: only `read` is sent (§5.2)
            self._reach(message, status, errors, now, account.waba_id, snapshot)
            errors = None
            seconds: float | None
            if status == "sent" and message.profile.type != "reaction":
                status, seconds = "delivered", delivered_after
            elif status == "delivered":
                status, seconds = "read", read_after
            elif status == "read" and message.type == "audio" and is_voice(message.body):
                status, seconds = "played", 0
            else:
                return
            if seconds is None:
                return  # manual: only a forced status moves it on
            if seconds == 0:
                if self.schedule.claim(now):
                    continue
                due = now
            else:
                due = now + timedelta(seconds=seconds)
            self.schedule.add(due, "status", {"message_id": message.id, "status": status})
            return

    def reach(self, message: OutboundMessage, status: str,
              errors: list[dict[str, Any]] | None = None) -> None:
        """Record ``status`` on ``message`` now and emit its webhook (§5.2 pricing rules)."""
        account, phone = self.phone(message.phone_number_id)
        contact = account.contacts.get(message.to) or self.contact(account, message.to)
        self._reach(message, status, errors, self.clock.now(), account.waba_id,
                    status_snapshot(account.waba_id, phone, contact))

    def _reach(self, message: OutboundMessage, status: str,
               errors: list[dict[str, Any]] | None, now: datetime, waba_id: str,
               snapshot: StatusSnapshot) -> None:
        """:meth:`reach` with the clock read and the number and contact looked up.

        ``pricing`` and ``conversation`` go on ``sent`` and on the first of
        delivered/read, never both; ``failed`` carries ``errors`` and neither.
        """
        statuses = message.statuses
        current = statuses[-1].status if statuses else "accepted"
        if current == "failed" or STATUS_ORDER[status] <= STATUS_ORDER[current]:
            return
        pricing = conversation = None
        if status == "failed":
            message.error = errors[0] if errors else None
        elif status == "sent" or (status in ("delivered", "read")
                                  and not _priced_on_delivery(statuses)):
            pricing = message.profile.pricing
            conversation = message.conversation_ref or billing.status_conversation(
                message.conversation, status)
        event = StatusEvent(status, now, pricing, conversation, errors)
        message.statuses = (*statuses, event)
        self.record(StatusWebhook(self.ids.token_number(8), snapshot, message, event))

    def force_status(self, message_id: str, status: str, error_code: int | None = None,
                     details: str | None = None) -> OutboundMessage:
        """Move a message to ``status`` now (control surface); a failure needs a code."""
        message = self.world.messages.get(message_id)
        if message is None:
            raise INVALID_PARAMETER(f"no recorded message has id {message_id!r}")
        if status not in STATUS_ORDER or status == "accepted":
            raise INVALID_PARAMETER(
                f"status must be one of sent, delivered, read, played, failed; got {status!r}"
            )
        if message.status == "failed" or STATUS_ORDER[status] <= STATUS_ORDER[message.status]:
            raise INVALID_PARAMETER(
                f"message {message_id} is already {message.status}; statuses only move forward"
            )
        self.schedule.remove(lambda j: j.kind == "status"
                             and j.data.get("message_id") == message_id)
        errors = None
        if status == "failed":
            error: GraphError = by_code(error_code or 131000, details)
            errors = [error.webhook_error()]
        self.reach(message, status, errors)
        return message

    # --- inbound -------------------------------------------------------------------

    def receive(self, phone_number_id: str, wa_id: str, message_type: str,
                content: Any, *, name: str | None = None,
                extra: dict[str, Any] | None = None) -> InboundMessage:
        """A customer's message arrives: refresh the window (§1.2) and emit the webhook."""
        account, phone = self.phone(phone_number_id)
        normalized = payloads.normalize_phone(wa_id)
        if normalized is None:
            raise INVALID_VALUE(f"Parameter from is not a valid WhatsApp phone number: {wa_id!r}")
        contact = self.contact(account, normalized, name)
        now = self.clock.now()
        message: dict[str, Any] = {"from": contact.wa_id, "id": self.ids.wamid(),
                                   "timestamp": unix(now), "type": message_type}
        message.update(extra or {})
        if content is not None:
            message[message_type] = content
        inbound = InboundMessage(message["id"], phone.id, contact.wa_id, message_type,
                                 message, now)
        self.world.inbound.append(inbound)
        if "referral" in message:
            record_referral(self.world, phone.id, contact.wa_id, now)
        if window.opens_window(message_type,
                               reaction_opens=self.world.settings.reaction_opens_window):
            self.world.open_window(phone.id, contact.wa_id, now)
        sender = None if message_type == "system" else contact
        self.record(InboundWebhook.of(self.ids.token_number(8), self.clock.now(),
                                      account.waba_id, phone, sender, message))
        if message_type == "system" and isinstance(content, dict):
            identity.changed_number(account, contact,
                                   payloads.normalize_phone(str(content.get("wa_id", ""))),
                                   self.ids.bsuid)
        return inbound


def _priced_on_delivery(statuses: Sequence[StatusEvent]) -> bool:
    """Whether a ``delivered`` or ``read`` status already carried the pricing."""
    for event in statuses:
        if event.pricing is not None and event.status in ("delivered", "read"):
            return True
    return False


def unknown_object(object_id: str, method: str = "post") -> GraphError:
    """Graph's answer for an id that is not there (code 100, subcode 33)."""
    return INVALID_PARAMETER(
        message=(
            f"Unsupported {method} request. Object with ID '{object_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation."
        ),
        details="",
        subcode=33,
    )
