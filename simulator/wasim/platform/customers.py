"""Customers: what they write to the business (§5.1), what the platform knows of them, how
their messages' statuses progress (§5.2) and their customer service window (§1)."""

from __future__ import annotations

from typing import Any

from wasim.core import Core, Feature, locked
from wasim.platform import inbound as inbound_types
from wasim.platform import lifecycle
from wasim.platform.calls import customer_call
from wasim.platform.media import MediaStore
from wasim.platform.messaging import Backend
from wasim.rules import window
from wasim.world.models import InboundMessage


class Customer:
    """A WhatsApp user writing to the business: ``sim.customer("ana").says("hi")``."""

    def __init__(self, sim: Any, wa_id: str) -> None:
        self.sim = sim
        """The simulator (its ``inbound`` verb)."""
        self.wa_id = wa_id

    def says(self, text: str, **kwargs: Any) -> InboundMessage:
        """Send a text message to the business number."""
        message: InboundMessage = self.sim.inbound(self.wa_id, text=text, **kwargs)
        return message

    def calls(self, duration: float | None = None, *,
              phone_number_id: str | None = None) -> dict[str, Any]:
        """Call the business (§1.2): opens or refreshes the customer service window and
        emits the ``calls`` webhooks (``connect``, then ``terminate``). ``duration``:
        seconds the call lasted once answered; ``None`` for a call nobody answered.
        Returns ``{"id", "connect", "terminate"}`` (the two webhook objects)."""
        call: dict[str, Any] = self.sim._customers.call(self.wa_id, duration,
                                                        phone_number_id=phone_number_id)
        return call


class Customers(Feature):
    """The customers of the world.

    Args:
        core: The world, clock and ids.
        backend: Records what customers send.
        media: Stores the media customers send.
    """

    def __init__(self, core: Core, backend: Backend, media: MediaStore) -> None:
        self._core = core
        self._backend = backend
        self._media = media

    @locked
    def inbound(self, from_: str, text: str | None = None, *, type: str = "text",
                content: Any = None, name: str | None = None, context: Any = None,
                referral: Any = None, phone_number_id: str | None = None,
                extra: dict[str, Any] | None = None) -> InboundMessage:
        """A customer writes to the business (see ``Simulator.inbound``)."""
        if text is not None:
            if type != "text" or content is not None:
                raise TypeError("text= is for text messages; use type= and content= otherwise")
            content = {"body": text}
        if content is None and type not in ("unsupported", "request_welcome"):
            raise TypeError("inbound() needs text= or content=")
        core = self._core
        world = core.world
        wa_id = world.resolve_customer(from_)
        content = self._customer_media(type, content, phone_number_id)
        phone = phone_number_id or world.first_phone().id
        built, more = inbound_types.build(
            type, content, sender=wa_id, name=name or "", media_info=self._media.info,
            original=lambda message_id: self._sent_by(wa_id, phone, message_id),
            now=core.clock.now())
        fields = dict(extra or {})
        fields.update(more)
        if context is not None:
            fields["context"] = inbound_types.context_of(world, context)
        if referral is not None and referral is not False:
            fields["referral"] = inbound_types.referral_of(referral, core.ids.token(24))
        message = self._backend.receive(phone, wa_id, type, built, name=name, extra=fields)
        core.run_due()
        return message

    @locked
    def call(self, from_: str, duration: float | None = None, *,
             phone_number_id: str | None = None) -> dict[str, Any]:
        """A customer calls the business (see ``Customer.calls``)."""
        world = self._core.world
        phone = phone_number_id or world.first_phone().id
        call = customer_call(self._core, self._backend, phone,
                             world.resolve_customer(from_), duration)
        self._core.run_due()
        return call

    def _sent_by(self, wa_id: str, phone_number_id: str,
                 message_id: str) -> InboundMessage | None:
        """The message ``message_id`` if ``wa_id`` sent it to ``phone_number_id``."""
        for message in reversed(self._core.world.inbound):
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
        media_id = self._media.upload(data, mime, phone_number_id, inbound=True,
                                      filename=content.get("filename"))
        return {**content, "id": media_id}

    @locked
    def set_contact(self, who: str, *, name: str | None = None,
                    opted_out_marketing: bool | None = None) -> dict[str, Any]:
        """Change what the platform knows of a customer (profile name, marketing opt-out)."""
        world = self._core.world
        wa_id = world.resolve_customer(who)
        account = world.first_account()
        for candidate in world.accounts.values():
            if wa_id in candidate.contacts:
                account = candidate
                break
        contact = self._backend.contact(account, wa_id, name)
        if opted_out_marketing is not None:
            contact.opted_out_marketing = opted_out_marketing
        return contact.to_dict()

    @locked
    def set_progression(self, policy: str | None = None, *, who: str | None = None,
                        **delays: float | None) -> dict[str, Any]:
        """Set how statuses progress, for the world or for one customer (``who``)."""
        unknown = set(delays) - {"delivered_after", "read_after"}
        if unknown:
            raise TypeError(f"unknown progression field(s) {sorted(unknown)}")
        world = self._core.world
        values = lifecycle.resolve(policy, **delays)
        wa_id = world.resolve_customer(who) if who is not None else None
        lifecycle.set_progression(world, wa_id, values)
        return lifecycle.progression_for(world, wa_id or "").to_dict()

    @locked
    def window(self, who: str, phone_number_id: str | None = None) -> dict[str, Any]:
        """The customer service window of ``who`` with a business number (§1)."""
        world = self._core.world
        phone = phone_number_id or world.first_phone().id
        last = world.last_inbound(phone, world.resolve_customer(who))
        closes = window.closes_at(last)
        return {"open": window.is_open(last, self._core.clock.now()),
                "last_inbound": last.isoformat() if last else None,
                "closes_at": closes.isoformat() if closes else None}
