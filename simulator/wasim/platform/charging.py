"""Pricing state of a world: free entry point windows and CBP conversations (§7).

Kept in ``world.pricing`` (so it is exported with the world): ``fep`` (per business
number and customer: when the ad-referral message came, when the reply opened the
window) and ``conversations`` (open CBP conversations). The rules themselves are the pure
functions of :mod:`wasim.rules.billing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from wasim.clock import parse_instant
from wasim.ids import IdGenerator
from wasim.rules import billing
from wasim.world.compact import ConversationRef, kept
from wasim.world.parts import Conversation, FreeEntryPoint
from wasim.world.state import World


@dataclass(slots=True)
class Charge:
    """What a send costs: the ``pricing`` and ``conversation`` objects of its statuses.

    ``pricing`` is one shared dict per distinct value (never changed once made);
    ``conversation`` the compact :class:`~wasim.world.compact.ConversationRef`.
    """

    pricing: dict[str, Any]
    conversation: ConversationRef | MessageConversation | None


_PRICING: dict[tuple[Any, ...], dict[str, Any]] = {}
"""The pricing objects made so far, by what decides them: a few distinct values, shared
by every message (about 180 bytes saved per stored message)."""


def _ref(conversation_id: str, origin: str, expires: datetime) -> ConversationRef:
    return ConversationRef(conversation_id, int(expires.timestamp()), origin)


class MessageConversation(NamedTuple):
    """A per-message ``conversation`` (PMP, v23.0 and older, §5.2) kept as what it
    follows from: the message's id and send time (both the message's own objects) and
    the origin. Its id and expiry are worked out when read (``as_dict``), by the rule of
    ``billing.message_conversation``."""

    message_id: str
    sent_at: datetime
    origin: str

    def as_dict(self, with_expiration: bool = True) -> dict[str, Any]:
        shown = billing.message_conversation(self.message_id, self.origin, self.sent_at)
        if not with_expiration:
            del shown["expiration_timestamp"]  # the other keys keep their order
        return shown


def _key(phone_number_id: str, wa_id: str) -> str:
    return f"{phone_number_id}:{wa_id}"


def record_referral(world: World, phone_number_id: str, wa_id: str, at: datetime) -> None:
    """The customer wrote from a click-to-WhatsApp ad: a reply may open an FEP window."""
    entries = world.pricing.fep
    current = entries.get(_key(phone_number_id, wa_id))
    if current is not None and current.opened_at is not None:
        in_window, _ = billing.fep_applies(None, current.opened_at, at)
        if in_window:
            return
    entries[_key(phone_number_id, wa_id)] = FreeEntryPoint(at)


def _fep(world: World, ids: IdGenerator, phone_number_id: str, wa_id: str,
         now: datetime) -> dict[str, Any] | None:
    """The open free entry point window (``id``, ``expires_at`` ISO), opened by this send
    if it is the business's first reply to an ad referral."""
    entry = world.pricing.fep.get(_key(phone_number_id, wa_id))
    if entry is None:
        return None
    applies, opens = billing.fep_applies(entry.referral_at, entry.opened_at, now)
    if opens:
        entry.opened_at, entry.id = now, ids.token(16)
        entry.expires_at = now + billing.FEP_WINDOW
    if not applies or entry.expires_at is None:
        return None
    return {"id": entry.id, "expires_at": entry.expires_at.isoformat()}


def _cbp_conversation(world: World, ids: IdGenerator, phone_number_id: str, wa_id: str,
                      category: str, now: datetime) -> Conversation:
    """The open CBP conversation the send joins, opened if needed (§7.2)."""
    key = _key(phone_number_id, wa_id)
    table = world.pricing.conversations
    open_ones = [c for c in table.get(key, []) if c.expires_at > now]
    table[key] = open_ones
    if open_ones and (category == "service" or now < billing.CATEGORY_PRICING_START):
        return open_ones[-1]
    for conversation in open_ones:
        if conversation.category == category:
            return conversation
    conversation = Conversation(ids.token(16), category, now, now + billing.CONVERSATION)
    open_ones.append(conversation)
    return conversation


def charge(world: World, ids: IdGenerator, *, phone_number_id: str, wa_id: str,
           message_id: str, message_type: str, template_category: str | None,
           in_window: bool, now: datetime, api_version: str) -> Charge:
    """Price an accepted send and open whatever window or conversation it opens (§7)."""
    category = billing.category_of(message_type, template_category)
    fep = _fep(world, ids, phone_number_id, wa_id, now)
    settings = world.settings
    if billing.model_at(settings.pricing_model, now) == "PMP":
        fep_category = settings.fep_pricing_category
        pricing = kept(_PRICING, ("PMP", category, in_window, fep is not None, fep_category),
                       billing.pmp_pricing, category, in_window, fep is not None, fep_category)
        conv: ConversationRef | MessageConversation | None = None
        if fep is not None:
            conv = _ref(fep["id"], "referral_conversion", parse_instant(fep["expires_at"]))
        elif billing.has_message_conversation(api_version):
            conv = MessageConversation(message_id, now, category)
        return Charge(pricing, conv)
    if fep is not None:
        return Charge(kept(_PRICING, ("CBP", "referral_conversion"), billing.cbp_pricing,
                           "referral_conversion"),
                      _ref(fep["id"], "referral_conversion", parse_instant(fep["expires_at"])))
    opened = _cbp_conversation(world, ids, phone_number_id, wa_id,
                               billing.cbp_category(category, in_window, now), now)
    return Charge(kept(_PRICING, ("CBP", opened.category), billing.cbp_pricing, opened.category),
                  _ref(opened.id, opened.category, opened.expires_at))
