"""Pricing state of a world: free entry point windows and CBP conversations (§7).

Kept in ``world.pricing`` (so it is exported with the world): ``fep`` (per business
number and customer: when the ad-referral message came, when the reply opened the
window) and ``conversations`` (open CBP conversations). The rules themselves are the pure
functions of :mod:`wasim.rules.billing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wasim.clock import parse_instant
from wasim.ids import IdGenerator
from wasim.rules import billing
from wasim.world.parts import Conversation, FreeEntryPoint
from wasim.world.state import World


@dataclass(slots=True)
class Charge:
    """What a send costs: the ``pricing`` and ``conversation`` objects of its statuses."""

    pricing: dict[str, Any]
    conversation: dict[str, Any] | None


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
        pricing = billing.pmp_pricing(category, in_window, fep is not None,
                                      settings.fep_pricing_category)
        return Charge(pricing, billing.pmp_conversation(api_version, message_id, category,
                                                        now, fep))
    if fep is not None:
        conv = billing.conversation(fep["id"], "referral_conversion",
                                    parse_instant(fep["expires_at"]))
        return Charge(billing.cbp_pricing("referral_conversion"), conv)
    opened = _cbp_conversation(world, ids, phone_number_id, wa_id,
                               billing.cbp_category(category, in_window, now), now)
    conv = billing.conversation(opened.id, opened.category, opened.expires_at)
    return Charge(billing.cbp_pricing(opened.category), conv)
